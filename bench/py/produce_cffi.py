"""The approach the workbench replaces: librdkafka through cffi in ABI mode (no compiler), with a Python
dr_msg_cb. Runs unchanged on CPython and PyPy.
    produce_cffi.py LIBRARY BOOTSTRAP TOPIC COUNT SIZE [NAME=VALUE ...]
Same loop as bench/c/produce.c "dr" mode. Prints one JSON line."""
import json
import sys
import time

from cffi import FFI

ffi = FFI()
ffi.cdef("""
typedef struct rd_kafka_s rd_kafka_t;
typedef struct rd_kafka_topic_s rd_kafka_topic_t;
typedef struct rd_kafka_conf_s rd_kafka_conf_t;
typedef struct rd_kafka_topic_conf_s rd_kafka_topic_conf_t;
typedef struct rd_kafka_message_s {
    int err; rd_kafka_topic_t *rkt; int32_t partition; void *payload; size_t len;
    void *key; size_t key_len; int64_t offset; void *_private;
} rd_kafka_message_t;
rd_kafka_conf_t *rd_kafka_conf_new(void);
int rd_kafka_conf_set(rd_kafka_conf_t *conf, const char *name, const char *value, char *errstr, size_t errstr_size);
void rd_kafka_conf_set_dr_msg_cb(rd_kafka_conf_t *conf,
    void (*dr_msg_cb)(rd_kafka_t *rk, const rd_kafka_message_t *rkmessage, void *opaque));
rd_kafka_t *rd_kafka_new(int type, rd_kafka_conf_t *conf, char *errstr, size_t errstr_size);
rd_kafka_topic_t *rd_kafka_topic_new(rd_kafka_t *rk, const char *topic, rd_kafka_topic_conf_t *conf);
int rd_kafka_produce(rd_kafka_topic_t *rkt, int32_t partition, int msgflags, void *payload, size_t len,
    const void *key, size_t keylen, void *msg_opaque);
int rd_kafka_last_error(void);
int rd_kafka_poll(rd_kafka_t *rk, int timeout_ms);
int rd_kafka_flush(rd_kafka_t *rk, int timeout_ms);
void rd_kafka_topic_destroy(rd_kafka_topic_t *rkt);
void rd_kafka_destroy(rd_kafka_t *rk);
""")

QUEUE_FULL = -184
MSG_F_COPY = 0x2


def main(argv):
    library, bootstrap, topic, count, size = argv[1], argv[2], argv[3], int(argv[4]), int(argv[5])
    lib = ffi.dlopen(library)
    errstr = ffi.new("char[512]")
    conf = lib.rd_kafka_conf_new()
    props = [("bootstrap.servers", bootstrap), ("acks", "1"), ("linger.ms", "5")]
    props += [tuple(a.split("=", 1)) for a in argv[6:]]
    for name, value in props:
        if lib.rd_kafka_conf_set(conf, name.encode(), value.encode(), errstr, 512) != 0:
            sys.exit("%s: %s" % (name, ffi.string(errstr).decode()))
    counts = [0, 0]  # delivered, failed

    @ffi.callback("void(rd_kafka_t *, const rd_kafka_message_t *, void *)")
    def dr_msg_cb(rk, m, opaque):
        counts[1 if m.err else 0] += 1

    lib.rd_kafka_conf_set_dr_msg_cb(conf, dr_msg_cb)
    rk = lib.rd_kafka_new(0, conf, errstr, 512)
    if rk == ffi.NULL:
        sys.exit("rd_kafka_new: " + ffi.string(errstr).decode())
    rkt = lib.rd_kafka_topic_new(rk, topic.encode(), ffi.NULL)
    payload = ffi.new("char[]", b"x" * size)
    produce, poll = lib.rd_kafka_produce, lib.rd_kafka_poll

    # Warm-up: one message delivered before the clock starts (connection and metadata not timed).
    produce(rkt, 0, MSG_F_COPY, payload, size, ffi.NULL, 0, ffi.NULL)
    while counts[0] + counts[1] < 1:
        lib.rd_kafka_flush(rk, 100)
    counts[0] = counts[1] = 0

    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(count):
        while produce(rkt, 0, MSG_F_COPY, payload, size, ffi.NULL, 0, ffi.NULL) == -1:
            if lib.rd_kafka_last_error() != QUEUE_FULL:
                sys.exit("rd_kafka_produce failed: %d" % lib.rd_kafka_last_error())
            poll(rk, 1)
    while counts[0] + counts[1] < count:
        lib.rd_kafka_flush(rk, 100)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"count": count, "delivered": counts[0], "failed": counts[1], "seconds": seconds,
                      "rate": count / seconds, "cpuSeconds": cpu}))
    lib.rd_kafka_topic_destroy(rkt)
    lib.rd_kafka_destroy(rk)
    return 1 if counts[1] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
