/* A 3-broker librdkafka mock cluster in its own process, so that the clients under test do not share a
 * process (or a CPU budget they cannot see) with the broker. Prints the bootstrap servers, then serves
 * commands on stdin until it closes:
 *   topic NAME PARTITIONS   create a topic (replication 1), answers "ok NAME" */
#include "common.h"
#include <librdkafka/rdkafka_mock.h>

int main(int argc, char **argv) {
  int brokers = argc > 1 ? atoi(argv[1]) : 3;
  char errstr[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  conf_set(conf, "log_level", "3");
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) die("rd_kafka_new", errstr);
  rd_kafka_mock_cluster_t *mc = rd_kafka_mock_cluster_new(rk, brokers);
  if (!mc) die("rd_kafka_mock_cluster_new", "failed");
  printf("bootstrap %s\n", rd_kafka_mock_cluster_bootstraps(mc));
  fflush(stdout);

  char line[1024], name[512];
  int parts;
  while (fgets(line, sizeof line, stdin)) {
    if (sscanf(line, "topic %511s %d", name, &parts) == 2) {
      rd_kafka_resp_err_t err = rd_kafka_mock_topic_create(mc, name, parts, 1);
      if (err) printf("error %s %s\n", name, rd_kafka_err2str(err));
      else printf("ok %s\n", name);
    } else {
      printf("error unknown command\n");
    }
    fflush(stdout);
  }
  rd_kafka_mock_cluster_destroy(mc);
  rd_kafka_destroy(rk);
  return 0;
}
