/* Seventeen different delivery-report callbacks set on seventeen confs: more than the tracer's 16 slots
 * for rd_kafka_conf_set_dr_msg_cb. The first and the last producer each deliver one message; each callback
 * says which one it is. Uses its own in-process mock cluster (test.mock.num.brokers). */
#include <librdkafka/rdkafka.h>
#include <stdio.h>

#define CB(i) \
  static void dr##i(rd_kafka_t *rk, const rd_kafka_message_t *m, void *o) { \
    (void)rk, (void)o; \
    printf("callback %d: %s\n", i, m->err ? rd_kafka_err2str(m->err) : "delivered"); \
  }
CB(0) CB(1) CB(2) CB(3) CB(4) CB(5) CB(6) CB(7) CB(8) CB(9) CB(10) CB(11) CB(12) CB(13) CB(14) CB(15) CB(16)
typedef void (*dr_fn)(rd_kafka_t *, const rd_kafka_message_t *, void *);
static const dr_fn cbs[17] = {dr0, dr1, dr2, dr3, dr4, dr5, dr6, dr7, dr8, dr9, dr10, dr11, dr12, dr13, dr14, dr15, dr16};

int main(void) {
  char err[512];
  rd_kafka_conf_t *confs[17];
  for (int i = 0; i < 17; i++) {
    confs[i] = rd_kafka_conf_new();
    rd_kafka_conf_set(confs[i], "test.mock.num.brokers", "1", err, sizeof err);
    rd_kafka_conf_set_dr_msg_cb(confs[i], cbs[i]);
  }
  for (int i = 1; i < 16; i++) rd_kafka_conf_destroy(confs[i]);
  int which[2] = {0, 16};
  for (int k = 0; k < 2; k++) {
    rd_kafka_t *p = rd_kafka_new(RD_KAFKA_PRODUCER, confs[which[k]], err, sizeof err);
    rd_kafka_producev(p, RD_KAFKA_V_TOPIC("many"), RD_KAFKA_V_VALUE("x", 1), RD_KAFKA_V_END);
    rd_kafka_flush(p, 10000);
    rd_kafka_destroy(p);
  }
  return 0;
}
