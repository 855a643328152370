"""confluent-kafka-python (its own librdkafka inside the wheel): the same loop as bench/c/produce.c "dr"
mode, with a Python delivery callback.
    produce_confluent.py BOOTSTRAP TOPIC COUNT SIZE [NAME=VALUE ...]
Prints one JSON line."""
import json
import sys
import time

from confluent_kafka import Producer, libversion


def main(argv):
    bootstrap, topic, count, size = argv[1], argv[2], int(argv[3]), int(argv[4])
    counts = [0, 0]

    def on_delivery(err, msg):
        counts[1 if err else 0] += 1

    conf = {"bootstrap.servers": bootstrap, "acks": "1", "linger.ms": 5, "on_delivery": on_delivery}
    conf.update(dict(a.split("=", 1) for a in argv[5:]))
    p = Producer(conf)
    payload = b"x" * size
    produce, poll = p.produce, p.poll

    # Warm-up: one message delivered before the clock starts (connection and metadata not timed).
    produce(topic, payload, partition=0)
    while counts[0] + counts[1] < 1:
        p.flush(0.1)
    counts[0] = counts[1] = 0

    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(count):
        while True:
            try:
                produce(topic, payload, partition=0)
                break
            except BufferError:
                poll(0.001)
    while counts[0] + counts[1] < count:
        p.flush(0.1)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"count": count, "delivered": counts[0], "failed": counts[1], "seconds": seconds,
                      "rate": count / seconds, "cpuSeconds": cpu, "librdkafka": libversion()[0]}))
    return 1 if counts[1] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
