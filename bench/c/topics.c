/* Creates the benchmark's topics on a real cluster through the Admin API (the mock cluster process
 * creates them itself).
 *   topics BOOTSTRAP NAME:PARTITIONS [NAME:PARTITIONS ...] [NAME=VALUE ...]
 * Replication factor 1. An existing topic is fine. Exit 0 when every topic exists afterwards. */
#include "common.h"

int main(int argc, char **argv) {
  if (argc < 3) die("usage", "topics BOOTSTRAP NAME:PARTITIONS ... [NAME=VALUE ...]");
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  conf_set(conf, "bootstrap.servers", argv[1]);
  int first_prop = argc;
  for (int i = 2; i < argc; i++)
    if (strchr(argv[i], '=')) { first_prop = i; break; }
  conf_extra(conf, argc, argv, first_prop);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) die("rd_kafka_new", errstr);

  int n = first_prop - 2;
  rd_kafka_NewTopic_t **topics = calloc(n, sizeof *topics);
  for (int i = 0; i < n; i++) {
    char *colon = strrchr(argv[i + 2], ':');
    if (!colon) die("bad topic (want NAME:PARTITIONS)", argv[i + 2]);
    *colon = 0;
    topics[i] = rd_kafka_NewTopic_new(argv[i + 2], atoi(colon + 1), 1, errstr, sizeof errstr);
    if (!topics[i]) die("rd_kafka_NewTopic_new", errstr);
  }
  rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, topics, n, NULL, q);
  rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 30000);
  if (!ev) die("CreateTopics", "no answer within 30 s");
  if (rd_kafka_event_error(ev)) die("CreateTopics", rd_kafka_event_error_string(ev));
  size_t cnt;
  const rd_kafka_topic_result_t **res = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &cnt);
  int bad = 0;
  for (size_t i = 0; i < cnt; i++) {
    rd_kafka_resp_err_t err = rd_kafka_topic_result_error(res[i]);
    if (err && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      fprintf(stderr, "%s: %s\n", rd_kafka_topic_result_name(res[i]), rd_kafka_topic_result_error_string(res[i]));
      bad = 1;
    } else {
      printf("ok %s\n", rd_kafka_topic_result_name(res[i]));
    }
  }
  rd_kafka_event_destroy(ev);
  rd_kafka_queue_destroy(q);
  for (int i = 0; i < n; i++) rd_kafka_NewTopic_destroy(topics[i]);
  rd_kafka_destroy(rk);
  return bad;
}
