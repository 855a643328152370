// node-rdkafka (a C++ addon over its own bundled librdkafka): the Node client with librdkafka inside.
//   node-rdkafka.bench.mjs MODULE_DIR BOOTSTRAP TOPIC COUNT SIZE [NAME=VALUE ...]
// MODULE_DIR is the node-rdkafka package the bench built into the cache (bench/node-rdkafka/setup.sh): it is
// kept out of the project's own dependencies. Same work as bench/c/produce.c "dr" mode: one produce() per
// message to partition 0, a delivery report per message (dr_cb), acks=1, linger.ms=5; on a full queue it
// polls and lets the event loop deliver the reports, then retries. Prints one JSON line.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [moduleDir, bootstrap, topic, countArg, sizeArg, ...props] = process.argv.slice(2);
if (!moduleDir || !bootstrap || !topic || !countArg || !sizeArg) {
  console.error('usage: node-rdkafka.bench.mjs MODULE_DIR BOOTSTRAP TOPIC COUNT SIZE [NAME=VALUE ...]');
  process.exit(2);
}

interface Producer {
  connect(o: object, cb: (err: Error | null) => void): void;
  produce(topic: string, partition: number, value: Buffer, key?: null): unknown;
  poll(): void;
  flush(timeoutMs: number, cb: (err: Error | null) => void): void;
  on(ev: 'delivery-report', cb: (err: { code: number } | null) => void): void;
  disconnect(cb: () => void): void;
}
interface Module {
  Producer: new (conf: Record<string, unknown>, topicConf?: Record<string, unknown>) => Producer;
  librdkafkaVersion: string;
  CODES: { ERRORS: Record<string, number> };
}

const Kafka = createRequire(join(moduleDir, 'package.json'))(moduleDir) as Module;
const count = Number(countArg);
const QUEUE_FULL = Kafka.CODES.ERRORS.ERR__QUEUE_FULL ?? -184;
const conf: Record<string, unknown> = {
  'bootstrap.servers': bootstrap,
  'linger.ms': 5,
  acks: 1,
  dr_cb: true,
  ...Object.fromEntries(props.map((p) => p.split(/=(.*)/s).slice(0, 2) as [string, string])),
};
const producer = new Kafka.Producer(conf);
let delivered = 0;
let failed = 0;
producer.on('delivery-report', (err) => {
  if (err) failed++;
  else delivered++;
});
await new Promise<void>((resolve, reject) =>
  producer.connect({}, (err) => (err ? reject(new Error(`connect: ${err.message}`)) : resolve())),
);
/** Queue full: serve delivery reports (rd_kafka_poll in the addon; the event loop runs their callbacks)
 *  and wait about a millisecond, as C's rd_kafka_poll(rk, 1) does. */
async function serve(): Promise<void> {
  producer.poll();
  await new Promise<void>((r) => setTimeout(r, 1));
}
/** The end: rd_kafka_flush(rk, 100) on the addon's worker thread, as C's final flush. */
const flush = () => new Promise<void>((r) => producer.flush(100, () => r()));
const payload = Buffer.alloc(Number(sizeArg), 'x');

// Warm-up: one message delivered before the clock starts (connection and metadata not timed).
producer.produce(topic, 0, payload, null);
for (const start = performance.now(); delivered + failed < 1;) {
  if (performance.now() - start > 30_000) throw new Error('warm-up: no delivery report in 30 s');
  await serve();
}
if (failed) throw new Error('warm-up: the first message was not delivered');
delivered = 0;

const t0 = performance.now();
const c0 = process.cpuUsage();
for (let i = 0; i < count; i++) {
  for (;;) {
    try {
      producer.produce(topic, 0, payload, null);
      break;
    } catch (e) {
      if ((e as { code?: number }).code !== QUEUE_FULL) throw e;
      await serve();
    }
  }
}
while (delivered + failed < count) await flush();
const seconds = (performance.now() - t0) / 1000;
const cpuSeconds = ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(c0));
console.log(
  JSON.stringify({
    count,
    delivered,
    failed,
    seconds,
    rate: count / seconds,
    cpuSeconds,
    librdkafka: Kafka.librdkafkaVersion,
  }),
);
producer.disconnect(() => process.exit(failed ? 1 : 0));
