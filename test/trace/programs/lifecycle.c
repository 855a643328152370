/* How a program's processes change under the tracer, for its tests. Each producer sends N messages with a
 * dr_msg_cb, flushes and is destroyed; each line printed says what the program itself saw.
 *
 *   lifecycle exec     3 messages, then the program execs itself as `lifecycle child`
 *   lifecycle fork     3 messages, then a forked child sends 4 and _exit()s; the parent waits, sends 2
 *   lifecycle child    4 messages
 * BOOTSTRAP (environment): the cluster. */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int drs;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk, (void)opaque;
  if (!m->err) drs++;
}

/* Produces n messages and waits for their delivery reports; returns how many were delivered. */
static int produce(int n) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", getenv("BOOTSTRAP"), err, sizeof err);
  rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "%s\n", err);
    exit(2);
  }
  drs = 0;
  for (int i = 0; i < n; i++)
    rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("lifecycle"), RD_KAFKA_V_VALUE("v", 1), RD_KAFKA_V_END);
  rd_kafka_flush(rk, 10000);
  rd_kafka_destroy(rk);
  return drs;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (!getenv("BOOTSTRAP")) {
    fprintf(stderr, "BOOTSTRAP is not set\n");
    return 2;
  }
  if (strcmp(mode, "child") == 0) {
    printf("child delivered=%d\n", produce(4));
    return 0;
  }
  if (strcmp(mode, "exec") == 0) {
    printf("before exec delivered=%d\n", produce(3));
    fflush(stdout);
    execl(argv[0], argv[0], "child", (char *)NULL);
    perror("execl");
    return 3;
  }
  if (strcmp(mode, "fork") == 0) {
    printf("parent delivered=%d\n", produce(3));
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      printf("forked delivered=%d\n", produce(4));
      fflush(stdout);
      _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    printf("parent again delivered=%d\n", produce(2));
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
  }
  fprintf(stderr, "usage: lifecycle exec|fork|child\n");
  return 2;
}
