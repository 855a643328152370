/* C reference producer.
 *   produce BOOTSTRAP TOPIC COUNT SIZE MODE PARTITIONS [NAME=VALUE ...]
 * MODE: "dr"    rd_kafka_produce per message, delivery reports through dr_msg_cb (rd_kafka_poll/flush)
 *       "batch" rd_kafka_produce_batch, 10,000 messages a call, same dr_msg_cb
 * PARTITIONS > 1 spreads messages round-robin (used to fill the consume topic).
 * Timed: from the first produce call to the last delivery report, after one warm-up message.
 * Prints one JSON line. */
#include "common.h"

static long delivered, failed;

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk; (void)opaque;
  if (m->err) failed++;
  else delivered++;
}

#define BATCH 10000

int main(int argc, char **argv) {
  if (argc < 7) die("usage", "produce BOOTSTRAP TOPIC COUNT SIZE dr|batch PARTITIONS [NAME=VALUE ...]");
  const char *bootstrap = argv[1], *topic = argv[2], *mode = argv[5];
  long count = atol(argv[3]);
  int size = atoi(argv[4]), partitions = atoi(argv[6]);
  char errstr[512];

  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  conf_set(conf, "bootstrap.servers", bootstrap);
  conf_set(conf, "acks", "1");
  conf_set(conf, "linger.ms", "5");
  conf_extra(conf, argc, argv, 7);
  rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) die("rd_kafka_new", errstr);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);

  char *payload = malloc(size);
  memset(payload, 'x', size);
  /* Warm-up: one message delivered before the clock starts, so that connecting and fetching metadata
   * are not timed (they would dominate short runs). */
  rd_kafka_produce(rkt, 0, RD_KAFKA_MSG_F_COPY, payload, size, NULL, 0, NULL);
  while (delivered + failed < 1) rd_kafka_flush(rk, 100);
  if (failed) die("warm-up", "the first message was not delivered");
  delivered = 0;
  double t0 = now_s(), c0 = cpu_s();
  if (!strcmp(mode, "batch")) {
    rd_kafka_message_t *msgs = calloc(BATCH, sizeof *msgs);
    for (int p = 0; p < partitions; p++) {
      long share = count / partitions + (p < count % partitions ? 1 : 0);
      for (long sent = 0; sent < share;) {
        int n = share - sent < BATCH ? (int)(share - sent) : BATCH;
        for (int i = 0; i < n; i++) {
          memset(&msgs[i], 0, sizeof msgs[i]);
          msgs[i].payload = payload;
          msgs[i].len = size;
        }
        int done = rd_kafka_produce_batch(rkt, p, RD_KAFKA_MSG_F_COPY, msgs, n);
        sent += done;
        if (done < n) rd_kafka_poll(rk, 1); /* queue full: serve delivery reports, retry the rest */
      }
    }
  } else {
    for (long i = 0; i < count; i++) {
      while (rd_kafka_produce(rkt, (int32_t)(i % partitions), RD_KAFKA_MSG_F_COPY, payload, size, NULL, 0, NULL) == -1) {
        if (rd_kafka_last_error() != RD_KAFKA_RESP_ERR__QUEUE_FULL) die("rd_kafka_produce", rd_kafka_err2str(rd_kafka_last_error()));
        rd_kafka_poll(rk, 1);
      }
    }
  }
  while (delivered + failed < count) rd_kafka_flush(rk, 100);
  double t1 = now_s(), c1 = cpu_s();
  printf("{\"count\":%ld,\"delivered\":%ld,\"failed\":%ld,\"seconds\":%.6f,\"rate\":%.1f,\"cpuSeconds\":%.6f}\n", count, delivered,
         failed, t1 - t0, count / (t1 - t0), c1 - c0);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  free(payload);
  return failed ? 1 : 0;
}
