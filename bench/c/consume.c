/* C reference consumer.
 *   consume BOOTSTRAP TOPIC PARTITIONS COUNT [NAME=VALUE ...]
 * Assigns every partition from the beginning (no group join, which would add seconds of waiting) and
 * waits until the local queue holds COUNT messages, then polls with rd_kafka_consumer_poll until all arrived, reading each one's length, partition and
 * offset as an application would. Timed from the first message to the last. Prints one JSON line. */
#include "common.h"

int main(int argc, char **argv) {
  if (argc < 5) die("usage", "consume BOOTSTRAP TOPIC PARTITIONS COUNT [NAME=VALUE ...]");
  const char *bootstrap = argv[1], *topic = argv[2];
  int partitions = atoi(argv[3]);
  long count = atol(argv[4]);
  char errstr[512];

  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  conf_set(conf, "bootstrap.servers", bootstrap);
  conf_set(conf, "group.id", "rdkafka-workbench-bench");
  conf_set(conf, "enable.auto.commit", "false");
  conf_set(conf, "enable.partition.eof", "false");
  /* Room to prefetch the whole run (both limits apply to the one consumer queue all partitions feed). */
  conf_set(conf, "queued.min.messages", "10000000");
  conf_set(conf, "queued.max.messages.kbytes", "1000000");
  conf_extra(conf, argc, argv, 5);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!rk) die("rd_kafka_new", errstr);
  rd_kafka_poll_set_consumer(rk);
  rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(partitions);
  for (int p = 0; p < partitions; p++)
    rd_kafka_topic_partition_list_add(parts, topic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  rd_kafka_resp_err_t err = rd_kafka_assign(rk, parts);
  if (err) die("rd_kafka_assign", rd_kafka_err2str(err));
  rd_kafka_topic_partition_list_destroy(parts);

  /* Let the fetchers fill the local queue first, so that the timed part is the client's own work per
   * message and not the broker's fetch speed (the mock serves only ~0.3-0.5 M msgs/s). */
  rd_kafka_queue_t *queue = rd_kafka_queue_get_consumer(rk);
  double start = now_s(), deadline = start + 60;
  while (rd_kafka_queue_length(queue) < (size_t)count && now_s() < deadline) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  double filled = now_s();
  rd_kafka_queue_destroy(queue);

  long got = 0, errors = 0, bytes = 0, check = 0;
  double t0 = 0, c0 = cpu_s();
  deadline = now_s() + 60;
  while (got < count && now_s() < deadline) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
    if (!m) continue;
    if (m->err) {
      errors++;
      if (errors < 5) fprintf(stderr, "consume error: %s\n", rd_kafka_message_errstr(m));
    } else {
      if (!got) t0 = now_s();
      got++;
      bytes += (long)m->len;
      check += m->partition + m->offset;
    }
    rd_kafka_message_destroy(m);
  }
  double t1 = now_s(), c1 = cpu_s();
  printf("{\"count\":%ld,\"received\":%ld,\"errors\":%ld,\"bytes\":%ld,\"check\":%ld,\"seconds\":%.6f,\"rate\":%.1f,\"fillSeconds\":%.3f,\"cpuSeconds\":%.6f}\n", count,
         got, errors, bytes, check, t1 - t0, got > 1 ? (got - 1) / (t1 - t0) : 0.0, filled - start, c1 - c0);
  rd_kafka_consumer_close(rk);
  rd_kafka_destroy(rk);
  return got == count ? 0 : 1;
}
