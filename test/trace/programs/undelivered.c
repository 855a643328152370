/* A producer whose messages all fail, for the tracer's tests: N messages (argv[1], default 200) to a port
 * nothing listens on, with a short message.timeout.ms, so each delivery report carries an error. Prints
 * one line: how many reports failed, by error name.
 * Exit 0 when every message got a failed delivery report. */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>

static int failed, delivered, last_err;

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk, (void)opaque;
  if (m->err) {
    failed++;
    last_err = m->err;
  } else
    delivered++;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 200;
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", "127.0.0.1:1", err, sizeof err);
  rd_kafka_conf_set(conf, "message.timeout.ms", "300", err, sizeof err);
  rd_kafka_conf_set(conf, "log_level", "0", err, sizeof err);
  rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  for (int i = 0; i < n; i++)
    rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("undelivered"), RD_KAFKA_V_VALUE("v", 1), RD_KAFKA_V_END);
  rd_kafka_flush(rk, 30000);
  rd_kafka_destroy(rk);
  printf("failed=%d delivered=%d err=%s\n", failed, delivered, rd_kafka_err2name(last_err));
  return failed == n ? 0 : 1;
}
