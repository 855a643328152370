/* The rest of what the tracer observes, for its tests: the event API, offset commits, OAUTHBEARER
 * refresh, background events and interceptors. One line per thing the program itself saw, so a test can
 * hold the traced events to it.
 *
 *   more_callbacks events       producer on the event API: delivery reports and statistics taken with
 *                               rd_kafka_queue_poll; consumer group on the event API: rebalances and
 *                               messages taken from the consumer queue
 *   more_callbacks commit       a consumer with offset_commit_cb commits what it read, then again with
 *                               rd_kafka_commit_queue and a callback of that call (nothing left: _NO_OFFSET)
 *   more_callbacks oauth        OAUTHBEARER token refresh callback (sasl.oauthbearer.config with a secret)
 *   more_callbacks background   an admin request answered on the background queue (background_event_cb)
 *   more_callbacks interceptors on_conf_set (a secret set through it), on_new, on_send, on_acknowledgement
 * BOOTSTRAP (environment): the cluster. Exit 0 when everything expected happened. */
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t out = PTHREAD_MUTEX_INITIALIZER;
#define SAY(...)                \
  do {                          \
    pthread_mutex_lock(&out);   \
    printf(__VA_ARGS__);        \
    fflush(stdout);             \
    pthread_mutex_unlock(&out); \
  } while (0)

static const char *bootstrap;
static char topic[64];

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static rd_kafka_conf_t *conf_new(void) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap, err, sizeof err) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "%s\n", err);
    exit(2);
  }
  return conf;
}

static void set(rd_kafka_conf_t *conf, const char *k, const char *v) {
  char err[512];
  if (rd_kafka_conf_set(conf, k, v, err, sizeof err) != RD_KAFKA_CONF_OK) {
    fprintf(stderr, "%s=%s: %s\n", k, v, err);
    exit(2);
  }
}

static rd_kafka_t *make(rd_kafka_type_t type, rd_kafka_conf_t *conf) {
  char err[512];
  rd_kafka_t *rk = rd_kafka_new(type, conf, err, sizeof err);
  if (!rk) {
    fprintf(stderr, "rd_kafka_new: %s\n", err);
    exit(2);
  }
  return rk;
}

static void produce(rd_kafka_t *p, int n) {
  for (int i = 0; i < n; i++) {
    char value[32];
    int len = snprintf(value, sizeof value, "value-%d", i);
    rd_kafka_resp_err_t e = rd_kafka_producev(p, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(value, (size_t)len),
                                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (e) fprintf(stderr, "produce: %s\n", rd_kafka_err2str(e));
  }
}

/* A consumer in group g-PID subscribed to the topic. */
static rd_kafka_t *consumer(rd_kafka_conf_t *conf) {
  char group[64];
  snprintf(group, sizeof group, "g-%d", (int)getpid());
  set(conf, "group.id", group);
  set(conf, "auto.offset.reset", "earliest");
  rd_kafka_t *c = make(RD_KAFKA_CONSUMER, conf);
  rd_kafka_poll_set_consumer(c);
  rd_kafka_topic_partition_list_t *subs = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(subs, topic, RD_KAFKA_PARTITION_UA);
  rd_kafka_subscribe(c, subs);
  rd_kafka_topic_partition_list_destroy(subs);
  return c;
}

/* ---- events: the event API instead of callbacks ---- */
static int events_mode(void) {
  rd_kafka_conf_t *conf = conf_new();
  set(conf, "statistics.interval.ms", "100");
  rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR | RD_KAFKA_EVENT_STATS);
  rd_kafka_t *p = make(RD_KAFKA_PRODUCER, conf);
  rd_kafka_queue_t *q = rd_kafka_queue_get_main(p);
  produce(p, 5);
  int drs = 0, stats = 0;
  for (double until = now() + 20; (drs < 5 || stats < 2) && now() < until;) {
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 100);
    if (!ev) continue;
    if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_DR) {
      const rd_kafka_message_t *m;
      while ((m = rd_kafka_event_message_next(ev))) {
        drs++;
        SAY("dr handle=%s partition=%d offset=%lld err=%d\n", rd_kafka_name(p), (int)m->partition,
            (long long)m->offset, (int)m->err);
      }
    } else if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_STATS) {
      stats++;
      SAY("stats handle=%s\n", rd_kafka_name(p));
    }
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(p);

  conf = conf_new();
  rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_REBALANCE | RD_KAFKA_EVENT_FETCH);
  rd_kafka_t *c = consumer(conf);
  rd_kafka_queue_t *cq = rd_kafka_queue_get_consumer(c);
  int consumed = 0, assigned = 0;
  for (double until = now() + 30; consumed < 5 && now() < until;) {
    rd_kafka_event_t *ev = rd_kafka_queue_poll(cq, 100);
    if (!ev) continue;
    if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_REBALANCE) {
      rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
      rd_kafka_topic_partition_list_t *parts = rd_kafka_event_topic_partition_list(ev);
      SAY("rebalance handle=%s err=%d partitions=%d\n", rd_kafka_name(c), (int)err, parts ? parts->cnt : 0);
      if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        assigned++;
        rd_kafka_assign(c, parts);
      } else {
        rd_kafka_assign(c, NULL);
      }
    } else if (rd_kafka_event_type(ev) == RD_KAFKA_EVENT_FETCH) {
      const rd_kafka_message_t *m;
      while ((m = rd_kafka_event_message_next(ev)))
        if (!m->err) {
          consumed++;
          SAY("consume handle=%s partition=%d offset=%lld\n", rd_kafka_name(c), (int)m->partition,
              (long long)m->offset);
        }
    }
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_queue_destroy(cq);
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);
  return drs == 5 && stats >= 2 && assigned >= 1 && consumed == 5 ? 0 : 1;
}

/* ---- commit: offset_commit_cb, and rd_kafka_commit_queue's own callback ---- */
static int commits, queue_commits;
static void say_commit(const char *which, rd_kafka_t *rk, rd_kafka_resp_err_t err,
                       rd_kafka_topic_partition_list_t *offsets) {
  long long sum = 0;
  for (int i = 0; offsets && i < offsets->cnt; i++)
    if (offsets->elems[i].offset > 0) sum += offsets->elems[i].offset;
  SAY("%s handle=%s err=%d partitions=%d sum=%lld\n", which, rd_kafka_name(rk), (int)err,
      offsets ? offsets->cnt : 0, sum);
}
static void offset_commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *offsets,
                             void *opaque) {
  (void)opaque;
  commits++;
  say_commit("commit", rk, err, offsets);
}
static void queue_commit_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *offsets,
                            void *opaque) {
  (void)opaque;
  queue_commits++;
  say_commit("queue-commit", rk, err, offsets);
}

static int commit_mode(void) {
  rd_kafka_t *p = make(RD_KAFKA_PRODUCER, conf_new());
  produce(p, 5);
  rd_kafka_flush(p, 10000);
  rd_kafka_destroy(p);
  rd_kafka_conf_t *conf = conf_new();
  set(conf, "enable.auto.commit", "false");
  rd_kafka_conf_set_offset_commit_cb(conf, offset_commit_cb);
  rd_kafka_t *c = consumer(conf);
  int consumed = 0;
  for (double until = now() + 30; consumed < 5 && now() < until;) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
    if (!m) continue;
    if (!m->err) consumed++;
    rd_kafka_message_destroy(m);
  }
  rd_kafka_commit(c, NULL, 1 /* async: the callback is served by the consumer poll */);
  for (double until = now() + 10; commits == 0 && now() < until;) {
    rd_kafka_message_t *m = rd_kafka_consumer_poll(c, 100);
    if (m) rd_kafka_message_destroy(m);
  }
  /* No queue: a temporary one, and this call serves the callback (nothing new to commit: _NO_OFFSET). */
  rd_kafka_commit_queue(c, NULL, NULL, queue_commit_cb, NULL);
  rd_kafka_consumer_close(c);
  rd_kafka_destroy(c);
  return consumed == 5 && commits == 1 && queue_commits == 1 ? 0 : 1;
}

/* ---- oauth: the token refresh callback ---- */
static int refreshes;
static void oauth_cb(rd_kafka_t *rk, const char *config, void *opaque) {
  (void)opaque;
  refreshes++;
  SAY("oauth handle=%s config=%s\n", rd_kafka_name(rk), config ? config : "(null)");
  rd_kafka_oauthbearer_set_token_failure(rk, "no token in this test");
}

static int oauth_mode(void) {
  rd_kafka_conf_t *conf = conf_new();
  set(conf, "security.protocol", "SASL_PLAINTEXT");
  set(conf, "sasl.mechanisms", "OAUTHBEARER");
  set(conf, "sasl.oauthbearer.config", "principal=alice client.secret=hunter2-oauth");
  rd_kafka_conf_set_oauthbearer_token_refresh_cb(conf, oauth_cb);
  rd_kafka_t *p = make(RD_KAFKA_PRODUCER, conf);
  for (double until = now() + 10; refreshes == 0 && now() < until;) rd_kafka_poll(p, 100);
  rd_kafka_destroy(p);
  return refreshes >= 1 ? 0 : 1;
}

/* ---- background: an admin result delivered to background_event_cb ---- */
static int background;
static void background_cb(rd_kafka_t *rk, rd_kafka_event_t *ev, void *opaque) {
  (void)opaque;
  SAY("background handle=%s type=%d name=%s\n", rd_kafka_name(rk), (int)rd_kafka_event_type(ev),
      rd_kafka_event_name(ev));
  rd_kafka_event_destroy(ev);
  __atomic_store_n(&background, 1, __ATOMIC_RELEASE);
}

static int background_mode(void) {
  rd_kafka_conf_t *conf = conf_new();
  rd_kafka_conf_set_background_event_cb(conf, background_cb);
  rd_kafka_t *p = make(RD_KAFKA_PRODUCER, conf);
  char errstr[512];
  rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, 2, 1, errstr, sizeof errstr);
  rd_kafka_queue_t *bg = rd_kafka_queue_get_background(p);
  rd_kafka_CreateTopics(p, &nt, 1, NULL, bg);
  rd_kafka_NewTopic_destroy(nt);
  for (double until = now() + 20; !__atomic_load_n(&background, __ATOMIC_ACQUIRE) && now() < until;)
    usleep(10000);
  rd_kafka_queue_destroy(bg);
  rd_kafka_destroy(p);
  return background ? 0 : 1;
}

/* ---- interceptors ---- */
static int sends, acks;
static rd_kafka_conf_res_t on_conf_set(rd_kafka_conf_t *conf, const char *name, const char *val, char *errstr,
                                       size_t errstr_size, void *ic_opaque) {
  (void)conf, (void)val, (void)errstr, (void)errstr_size, (void)ic_opaque;
  SAY("on_conf_set name=%s\n", name);
  return RD_KAFKA_CONF_UNKNOWN; /* not ours: librdkafka sets it as usual */
}
static rd_kafka_resp_err_t on_send(rd_kafka_t *rk, rd_kafka_message_t *m, void *ic_opaque) {
  (void)ic_opaque, (void)m;
  sends++;
  SAY("on_send handle=%s\n", rd_kafka_name(rk));
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}
static rd_kafka_resp_err_t on_ack(rd_kafka_t *rk, rd_kafka_message_t *m, void *ic_opaque) {
  (void)ic_opaque;
  __atomic_add_fetch(&acks, 1, __ATOMIC_RELAXED);
  SAY("on_acknowledgement handle=%s err=%d\n", rd_kafka_name(rk), (int)m->err);
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}
static rd_kafka_resp_err_t on_new(rd_kafka_t *rk, const rd_kafka_conf_t *conf, void *ic_opaque, char *errstr,
                                  size_t errstr_size) {
  (void)conf, (void)ic_opaque, (void)errstr, (void)errstr_size;
  SAY("on_new\n");
  rd_kafka_interceptor_add_on_send(rk, "test", on_send, NULL);
  rd_kafka_interceptor_add_on_acknowledgement(rk, "test", on_ack, NULL);
  return RD_KAFKA_RESP_ERR_NO_ERROR;
}

static int interceptors_mode(void) {
  rd_kafka_conf_t *conf = conf_new();
  rd_kafka_conf_interceptor_add_on_conf_set(conf, "test", on_conf_set, NULL);
  rd_kafka_conf_interceptor_add_on_new(conf, "test", on_new, NULL);
  set(conf, "sasl.password", "hunter2-interceptor");
  rd_kafka_t *p = make(RD_KAFKA_PRODUCER, conf);
  produce(p, 3);
  rd_kafka_flush(p, 10000);
  rd_kafka_destroy(p);
  return sends == 3 && __atomic_load_n(&acks, __ATOMIC_RELAXED) == 3 ? 0 : 1;
}

int main(int argc, char **argv) {
  bootstrap = getenv("BOOTSTRAP");
  if (!bootstrap || argc < 2) {
    fprintf(stderr, "usage: BOOTSTRAP=… more_callbacks events|commit|oauth|background|interceptors\n");
    return 2;
  }
  snprintf(topic, sizeof topic, "more-%s-%d", argv[1], (int)getpid());
  const char *mode = argv[1];
  if (!strcmp(mode, "events")) return events_mode();
  if (!strcmp(mode, "commit")) return commit_mode();
  if (!strcmp(mode, "oauth")) return oauth_mode();
  if (!strcmp(mode, "background")) return background_mode();
  if (!strcmp(mode, "interceptors")) return interceptors_mode();
  fprintf(stderr, "unknown mode %s\n", mode);
  return 2;
}
