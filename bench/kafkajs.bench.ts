// kafkajs (pure JavaScript, its own protocol implementation) producing the same messages: the Node
// client people reach for first.
//   kafkajs.bench.mjs BOOTSTRAP TOPIC COUNT SIZE
// It has no linger.ms and no per-message delivery callback: messages go out 1000 per send() with up to
// 8 sends in flight, acks=1, and a message counts as delivered when its send() resolved. Prints one JSON line.
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, topic, countArg, sizeArg] = process.argv.slice(2);
if (!bootstrap || !topic || !countArg || !sizeArg) {
  console.error('usage: kafkajs.bench.mjs BOOTSTRAP TOPIC COUNT SIZE');
  process.exit(2);
}
const count = Number(countArg);
const PER_SEND = 1000;
const IN_FLIGHT = 8;

const kafka = new Kafka({
  clientId: 'rdkafka-workbench-bench',
  brokers: bootstrap.split(','),
  logLevel: logLevel.NOTHING,
});
const producer = kafka.producer({ allowAutoTopicCreation: false });
await producer.connect();
const value = Buffer.alloc(Number(sizeArg), 'x');
const batch = Array.from({ length: PER_SEND }, () => ({ value, partition: 0 }));

// Warm-up: one message delivered before the clock starts (connection and metadata not timed).
await producer.send({ topic, acks: 1, messages: [{ value, partition: 0 }] });
let delivered = 0;
let next = 0;
const t0 = performance.now();
const c0 = process.cpuUsage();
async function lane(): Promise<void> {
  while (next < count) {
    const n = Math.min(PER_SEND, count - next);
    next += n;
    await producer.send({ topic, acks: 1, messages: n === PER_SEND ? batch : batch.slice(0, n) });
    delivered += n;
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
const seconds = (performance.now() - t0) / 1000;
const cpuSeconds = ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(c0));
console.log(
  JSON.stringify({ count, delivered, failed: count - delivered, seconds, rate: count / seconds, cpuSeconds }),
);
await producer.disconnect();
