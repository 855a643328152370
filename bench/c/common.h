/* Shared by the C reference programs: clock, config helper, one JSON result line on stdout. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

static inline double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the whole process (every librdkafka thread included), in seconds: steadier than wall time
 * on a busy machine. */
static inline double cpu_s(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) + (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static inline void die(const char *what, const char *detail) {
  fprintf(stderr, "%s: %s\n", what, detail);
  exit(1);
}

static inline void conf_set(rd_kafka_conf_t *conf, const char *name, const char *value) {
  char errstr[512];
  if (rd_kafka_conf_set(conf, name, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) die(name, errstr);
}

/* Extra properties for a real cluster come as NAME=VALUE arguments after the fixed ones. */
static inline void conf_extra(rd_kafka_conf_t *conf, int argc, char **argv, int from) {
  for (int i = from; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) die("bad property (want NAME=VALUE)", argv[i]);
    *eq = 0;
    conf_set(conf, argv[i], eq + 1);
    *eq = '=';
  }
}
#endif
