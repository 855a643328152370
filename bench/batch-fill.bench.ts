// produceBatch's own work a message — describing the runs, filling the rd_kafka_message_t[], listing the
// refused after a partial accept — with its compiled fill against its JS fill, alternating in one process.
// The "library" call is JS that accepts `accept` messages of each call and writes QUEUE_FULL into the
// others' err as librdkafka does, so librdkafka's own work (docs/bench.md: most of the cost) is not timed.
//   batch-fill.bench.mjs [--accept N] [--rounds N]   (10,000 messages of one 100-byte payload a call)
import koffi from 'koffi';
import { takeOption } from './args.ts';
import { loadBatchHelper, makeProduceBatch } from '../extension/kernel/batch.ts';
import { median } from './stats.ts';

const args = process.argv.slice(2);
const accept = Number(takeOption(args, '--accept', '10000'));
const rounds = Number(takeOption(args, '--rounds', '5'));
const L = { size: 72, err: 0, partition: 16, payload: 24, len: 32, key: 40, key_len: 48, _private: 64 };
const QF = -184;
const call = (_rkt: bigint, _p: number, _flags: number, msgs: bigint, n: number): number => {
  const ok = Math.min(n, accept);
  if (ok < n) {
    const v = new DataView(koffi.view(msgs as never, n * L.size) as ArrayBuffer);
    for (let j = ok; j < n; j++) v.setInt32(j * L.size + L.err, QF, true);
  }
  return ok;
};
const c = { F_COPY: 2, F_FREE: 1, QUEUE_FULL: QF };
const paths = {
  'compiled fill': makeProduceBatch(
    koffi as never,
    () => call,
    L,
    c,
    () => loadBatchHelper(koffi as never),
  ),
  'JS fill': makeProduceBatch(
    koffi as never,
    () => call,
    L,
    c,
    () => ({ why: 'the JS path, measured' }),
  ),
};
if (!paths['compiled fill'].native) throw new Error(`no compiled fill: ${paths['compiled fill'].why}`);
const payloads = new Array<Uint8Array>(10_000).fill(Buffer.alloc(100, 'x'));
const ns = new Map<string, number[]>();
for (let round = 0; round < rounds; round++)
  for (const [name, produceBatch] of round % 2 ? Object.entries(paths).reverse() : Object.entries(paths)) {
    const c0 = process.cpuUsage();
    let sent = 0;
    for (let k = 0; k < 300; k++) sent += produceBatch(1n, 0, payloads, { serve: () => {} }).accepted;
    const cpu = process.cpuUsage(c0);
    if (round > 0) ns.set(name, [...(ns.get(name) ?? []), ((cpu.user + cpu.system) * 1000) / sent]); // round 0 warms up
  }
for (const [name, v] of ns)
  console.log(
    `${name}: ${(median(v) ?? NaN).toFixed(1)} CPU ns/msg (${v.map((x) => x.toFixed(1)).join(', ')}), ${accept} accepted a call`,
  );
