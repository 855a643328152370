/* A plain librdkafka program for the tracer's tests: registers dr_msg_cb, stats_cb, error_cb, log_cb,
 * rebalance_cb and a partitioner, and prints one line per call with what its own callback received, so
 * a test can hold the traced events to what the program itself saw.
 *
 *   callbacks all       producer (dr, stats, partitioner), consumer group (rebalance, consume),
 *                       a producer pointed at a closed port (error, log); exit 0
 *   callbacks exit-in-dr   exit(0) from inside the third delivery report
 *   callbacks segv         produce and flush 5 messages, then crash with SIGSEGV
 * BOOTSTRAP (environment): the cluster. */
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *mode = "all";
static int drs, stats, errors, rebalances_assigned;
static pthread_mutex_t out = PTHREAD_MUTEX_INITIALIZER;

#define SAY(...)                 \
  do {                           \
    pthread_mutex_lock(&out);    \
    printf(__VA_ARGS__);         \
    fflush(stdout);              \
    pthread_mutex_unlock(&out);  \
  } while (0)

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)opaque;
  SAY("dr handle=%s topic=%s partition=%d offset=%lld err=%d len=%zu keylen=%zu\n", rd_kafka_name(rk),
      rd_kafka_topic_name(m->rkt), (int)m->partition, (long long)m->offset, (int)m->err, m->len,
      m->key_len);
  if (++drs == 3 && strcmp(mode, "exit-in-dr") == 0) exit(0);
}

static int stats_cb(rd_kafka_t *rk, char *json, size_t len, void *opaque) {
  (void)opaque;
  stats++;
  SAY("stats handle=%s bytes=%zu\n", rd_kafka_name(rk), len);
  (void)json;
  return 0;
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque) {
  (void)opaque;
  errors++;
  SAY("error handle=%s err=%d name=%s\n", rd_kafka_name(rk), err, rd_kafka_err2name(err));
  (void)reason;
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
  (void)buf;
  SAY("log handle=%s level=%d fac=%s\n", rk ? rd_kafka_name(rk) : "-", level, fac);
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *parts,
                         void *opaque) {
  (void)opaque;
  SAY("rebalance handle=%s err=%d partitions=%d\n", rd_kafka_name(rk), (int)err, parts->cnt);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rebalances_assigned++;
    rd_kafka_assign(rk, parts);
  } else {
    rd_kafka_assign(rk, NULL);
  }
}

/* Every message to the last partition: its return value must reach librdkafka unchanged. */
static int32_t last_partition(const rd_kafka_topic_t *rkt, const void *key, size_t keylen, int32_t cnt,
                              void *rkt_opaque, void *msg_opaque) {
  (void)rkt, (void)key, (void)keylen, (void)rkt_opaque, (void)msg_opaque;
  return cnt - 1;
}

static rd_kafka_conf_t *conf_for(const char *bootstrap) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof err) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "%s\n", err);
    exit(2);
  }
  rd_kafka_conf_set_error_cb(conf, error_cb);
  rd_kafka_conf_set_log_cb(conf, log_cb);
  return conf;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  char err[512];
  const char *bootstrap = getenv("BOOTSTRAP");
  if (argc > 1) mode = argv[1];
  if (!bootstrap) {
    fprintf(stderr, "BOOTSTRAP is not set\n");
    return 2;
  }
  char topic[64];
  snprintf(topic, sizeof topic, "callbacks-%d", (int)getpid());

  rd_kafka_conf_t *conf = conf_for(bootstrap);
  rd_kafka_conf_set(conf, "statistics.interval.ms", "100", err, sizeof err);
  /* A secret (unused without SASL): it must not reach the trace. */
  rd_kafka_conf_set(conf, "sasl.password", "hunter2-not-for-the-trace", err, sizeof err);
  rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
  rd_kafka_conf_set_stats_cb(conf, stats_cb);
  rd_kafka_t *p = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!p) {
    fprintf(stderr, "%s\n", err);
    return 2;
  }
  rd_kafka_topic_conf_t *tconf = rd_kafka_topic_conf_new();
  rd_kafka_topic_conf_set_partitioner_cb(tconf, last_partition);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(p, topic, tconf);
  for (int i = 0; i < 5; i++) {
    char value[32];
    int n = snprintf(value, sizeof value, "value-%d", i);
    if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, value, (size_t)n, "k", 1, NULL))
      fprintf(stderr, "produce failed: %s\n", rd_kafka_err2str(rd_kafka_last_error()));
  }
  rd_kafka_flush(p, 10000);
  if (strcmp(mode, "segv") == 0) {
    SAY("crashing now\n");
    *(volatile int *)0 = 1;
  }
  for (double until = now() + 5; stats < 2 && now() < until;) rd_kafka_poll(p, 50);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(p);

  char group[64];
  snprintf(group, sizeof group, "g-%d", (int)getpid());
  conf = conf_for(bootstrap);
  rd_kafka_conf_set(conf, "group.id", group, err, sizeof err);
  rd_kafka_conf_set(conf, "auto.offset.reset", "earliest", err, sizeof err);
  rd_kafka_conf_set_rebalance_cb(conf, rebalance_cb);
  rd_kafka_t *c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  rd_kafka_poll_set_consumer(c);
  rd_kafka_topic_partition_list_t *subs = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(subs, topic, RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(c, subs);
  rd_kafka_topic_partition_list_destroy(subs);
  int consumed = 0;
  for (double until = now() + 30; consumed < 5 && now() < until;) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
    if (!m) continue;
    if (!m->err) {
      consumed++;
      SAY("consume handle=%s partition=%d offset=%lld len=%zu\n", rd_kafka_name(c), (int)m->partition,
          (long long)m->offset, m->len);
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);

  /* Nothing listens on port 1: the connection fails, error_cb and log_cb say so. */
  conf = conf_for("127.0.0.1:1");
  rd_kafka_conf_set(conf, "reconnect.backoff.max.ms", "100", err, sizeof err);
  rd_kafka_t *bad = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  for (double until = now() + 10; errors == 0 && now() < until;) rd_kafka_poll(bad, 50);
  rd_kafka_destroy(bad);
  SAY("done drs=%d stats=%d errors=%d assigned=%d consumed=%d\n", drs, stats, errors, rebalances_assigned,
      consumed);
  return consumed == 5 && errors > 0 ? 0 : 1;
}
