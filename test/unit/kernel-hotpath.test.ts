// The per-message hot paths (extension/kernel/hotpath.ts) keep C's semantics: a JS dr_msg_cb runs once per
// message, only inside rd_kafka_poll/rd_kafka_flush, with librdkafka's valid rkmessage; rkmsg reads of a
// polled or reported message equal the struct in memory; the event counts stay exact; and a kernel without
// the compiled helper gives the very same results.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { KernelClient } from '../../extension/kernel/client.ts';
import type { CellOutput, KernelEvent } from '../../protocol/index.ts';
import { repoRoot as root } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

/** Two producers with their own dr_msg_cb (one with an opaque), messages with and without keys and
 *  msg_opaque, then a consumer reading them back with rd_kafka_consumer_poll. Prints one JSON line. */
const CELL = `
const e = errbuf();
rd_kafka_mock_topic_create(MOCK_CLUSTER, "hot", 3, 1);
let inside = false;
const seen: any[] = [];
const handles: Record<string, bigint> = {};
const msgFields = (m: bigint) => {
  const full = cstruct(m, "rd_kafka_message_t");
  const mine = [rkmsg.err(m), rkmsg.partition(m), rkmsg.offset(m), rkmsg.len(m), rkmsg.keyLen(m)];
  const mem = [full.err, full.partition, Number(full.offset), Number(full.len), Number(full.key_len)];
  return { mine, same: JSON.stringify(mine) === JSON.stringify(mem) };
};
function producer(tag: string) {
  const conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", BOOTSTRAP, e, e.length);
  rd_kafka_conf_set(conf, "linger.ms", "5", e, e.length);
  if (tag === "a") rd_kafka_conf_set_opaque(conf, 0x1234n);
  rd_kafka_conf_set_dr_msg_cb(conf, (rk, m, opaque) => {
    const f = msgFields(m);
    seen.push({ tag, inside, rk: rk === handles[tag], opaque: opaque === null ? null : String(opaque),
      fields: f.mine, same: f.same, latency: Number(rd_kafka_message_latency(m)) >= 0,
      value: rkmsg.value(m), topic: rkmsg.topic(m), msgOpaque: String(cstruct(m, "rd_kafka_message_t")._private) });
  });
  const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
  handles[tag] = rk;
  return [rk, rd_kafka_topic_new(rk, "hot", null)];
}
const [ra, ta] = producer("a");
const [rb, tb] = producer("b");
for (let i = 0; i < 300; i++) {
  const v = Buffer.from("a-" + i);
  if (rd_kafka_produce(ta, i % 3, RD_KAFKA_MSG_F_COPY, v, v.length, null, 0, null) !== 0) throw new Error("a " + i);
}
for (let i = 0; i < 200; i++) {
  const v = Buffer.from("b-" + i), key = Buffer.from("key-" + i);
  // Keys and msg_opaque take the full 8-argument call; both must behave as before.
  const opaque = i % 2 ? BigInt(1000 + i) : null;
  if (rd_kafka_produce(tb, i % 3, RD_KAFKA_MSG_F_COPY, v, v.length, i % 4 ? key : null, i % 4 ? key.length : 0, opaque) !== 0) throw new Error("b " + i);
}
const beforeServing = seen.length;
inside = true;
while (seen.length < 500 && rd_kafka_outq_len(ra) + rd_kafka_outq_len(rb) > 0) { rd_kafka_poll(ra, 10); rd_kafka_flush(rb, 100); }
inside = false;
const dr = { beforeServing, n: seen.length, afterServing: 0 };
rd_kafka_poll(ra, 0); rd_kafka_poll(rb, 0);
dr.afterServing = seen.length - dr.n;

const cc = rd_kafka_conf_new();
for (const [k, v] of [["bootstrap.servers", BOOTSTRAP], ["group.id", "hot"], ["enable.partition.eof", "false"]])
  rd_kafka_conf_set(cc, k, v, e, e.length);
const c = rd_kafka_new(RD_KAFKA_CONSUMER, cc, e, e.length);
rd_kafka_poll_set_consumer(c);
const parts = rd_kafka_topic_partition_list_new(3);
for (let p = 0; p < 3; p++) { rd_kafka_topic_partition_list_add(parts, "hot", p); rd_kafka_topic_partition_list_set_offset(parts, "hot", p, RD_KAFKA_OFFSET_BEGINNING); }
rd_kafka_assign(c, parts);
rd_kafka_topic_partition_list_destroy(parts);
const consumed: any[] = [];
let prev: bigint | null = null, prevFields: string | null = null, prevStill = true, allSame = true;
for (const end = Date.now() + 20000; consumed.length < 500 && Date.now() < end; ) {
  const m = rd_kafka_consumer_poll(c, 100);
  if (!m) continue;
  const f = msgFields(m);
  allSame &&= f.same;
  // The previous message, still alive, reads the same as when it was polled (from memory now).
  if (prev !== null) { prevStill &&= JSON.stringify(msgFields(prev).mine) === prevFields; rd_kafka_message_destroy(prev); }
  prev = m; prevFields = JSON.stringify(f.mine);
  consumed.push([...f.mine, rkmsg.value(m), rkmsg.keyString(m)]);
}
if (prev !== null) rd_kafka_message_destroy(prev);
rd_kafka_consumer_close(c);
rd_kafka_destroy(c);
// A call with one argument short does what it does in the plain kernel (a thrown error, or NULL for it).
let arity = "";
const extra = Buffer.from("b-extra");
try { arity = "returned " + rd_kafka_produce(tb, 0, RD_KAFKA_MSG_F_COPY, extra, extra.length, null, 0); } catch (x) { arity = String(x); }
inside = true; rd_kafka_flush(rb, 5000); inside = false;
rd_kafka_topic_destroy(ta); rd_kafka_topic_destroy(tb);
rd_kafka_destroy(ra); rd_kafka_destroy(rb);
console.log(JSON.stringify({ dr, seen, consumed, allSame, prevStill, arity, hot: rkmsg.hotPath }));`;

interface Result {
  dr: { beforeServing: number; n: number; afterServing: number };
  seen: Array<{
    tag: string;
    inside: boolean;
    rk: boolean;
    opaque: string | null;
    fields: number[];
    same: boolean;
    latency: boolean;
    value: string;
    topic: string;
    msgOpaque: string;
  }>;
  consumed: unknown[][];
  allSame: boolean;
  prevStill: boolean;
  arity: string;
  hot: { native: boolean; why: string };
}

/** Runs CELL in `k`; returns what it printed. */
async function runIn(k: KernelClient): Promise<Result> {
  const outputs: CellOutput[] = [];
  const r = await k.execute(1, CELL, (o) => outputs.push(o));
  const err = outputs.find((o) => o.kind === 'error');
  assert.equal(r.status, 'ok', err?.kind === 'error' ? `${err.name}: ${err.message}` : r.status);
  const out = outputs.map((o) => (o.kind === 'stream' && o.name === 'stdout' ? o.text : '')).join('');
  return JSON.parse(out.trim().split('\n').pop()!) as Result;
}

/** Exact number of events of a type: those sent in detail plus the counts of `dropped` events. */
const total = (events: KernelEvent[], type: string) =>
  events.filter((e) => e.type === type).length +
  events.reduce((n, e) => n + (e.type === 'dropped' ? (e.data.counts[type] ?? 0) : 0), 0);

let native: Result;
let plain: Result;
const nativeEvents: KernelEvent[] = [];

before(async () => {
  const k = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  k.onEvents((e) => nativeEvents.push(...e));
  try {
    native = await runIn(k);
  } finally {
    // Every event of the cell is in nativeEvents once this returns: the kernel's last message is an empty
    // batch after all it sent, and shutdown waits until the kernel's exit has been handled.
    await k.shutdown();
  }
  const saved = process.env.RDKAFKA_WORKBENCH_NO_NATIVE;
  process.env.RDKAFKA_WORKBENCH_NO_NATIVE = '1';
  const p = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  if (saved === undefined) delete process.env.RDKAFKA_WORKBENCH_NO_NATIVE;
  else process.env.RDKAFKA_WORKBENCH_NO_NATIVE = saved;
  try {
    plain = await runIn(p);
  } finally {
    await p.shutdown();
  }
});

test('the hot paths are in use where a C compiler is, and say why not without one', () => {
  assert.equal(
    native.hot.native,
    true,
    `the helper should compile here (cc is installed): ${native.hot.why}`,
  );
  assert.equal(plain.hot.native, false);
  assert.match(plain.hot.why, /RDKAFKA_WORKBENCH_NO_NATIVE/);
});

test('dr_msg_cb through the helper: once per message, only inside rd_kafka_poll/flush, with a valid rkmessage', () => {
  const r = native;
  assert.equal(r.dr.beforeServing, 0, 'no report before the cell served the queue');
  assert.equal(r.dr.n, 500, 'one report per message');
  assert.equal(r.dr.afterServing, 0, 'and no report twice');
  assert.ok(
    r.seen.every((s) => s.inside),
    'every call inside rd_kafka_poll/rd_kafka_flush',
  );
  assert.ok(
    r.seen.every((s) => s.same),
    'rkmsg reads inside the callback equal the struct in memory',
  );
  assert.ok(
    r.seen.every((s) => s.latency && s.topic === 'hot'),
    'librdkafka functions accept the rkmessage',
  );
  assert.ok(
    r.seen.every((s) => s.rk),
    'rk is the handle the report belongs to',
  );
  const a = r.seen.filter((s) => s.tag === 'a');
  const b = r.seen.filter((s) => s.tag === 'b');
  assert.equal(a.length, 300, "producer a's callback got a's reports only");
  assert.ok(a.every((s) => s.value.startsWith('a-') && s.opaque === String(0x1234) && s.fields[4] === 0));
  assert.ok(b.every((s) => s.value.startsWith('b-') && s.opaque === null));
  assert.equal(b.filter((s) => s.fields[4] > 0).length, 150, 'keyed messages report their key length');
  assert.equal(b.filter((s) => s.msgOpaque !== '0' && s.msgOpaque !== 'null').length, 100, 'msg_opaque kept');
});

test('rd_kafka_consumer_poll through the helper: rkmsg reads equal the struct, also for an earlier message', () => {
  assert.equal(native.consumed.length, 500);
  assert.equal(native.allSame, true);
  assert.equal(native.prevStill, true);
});

test('rd_kafka_produce with an argument short behaves as in the plain kernel', () => {
  assert.ok(native.arity, 'the call was made');
  assert.equal(native.arity, plain.arity);
});

test('the same reports and messages without the compiled helper (plain koffi)', () => {
  // Offsets depend on how the two producers' batches interleave: compared apart (each partition's run of
  // offsets complete and in order), everything else exactly.
  const strip = (r: Result) =>
    r.seen
      .map((s) => {
        const [err, partition, , len, keyLen] = s.fields;
        return JSON.stringify([
          s.tag,
          err,
          partition,
          len,
          keyLen,
          s.value,
          s.opaque,
          s.same,
          s.inside,
          s.msgOpaque,
        ]);
      })
      .sort();
  assert.deepEqual(strip(native), strip(plain));
  const consumed = (r: Result) =>
    r.consumed.map(([e, p, , l, k, v, key]) => JSON.stringify([e, p, l, k, v, key])).sort();
  assert.deepEqual(consumed(native), consumed(plain));
  for (const r of [native, plain]) {
    const offsets = new Map<number, number[]>();
    for (const [, p, o] of r.consumed as number[][]) offsets.set(p!, [...(offsets.get(p!) ?? []), o!]);
    for (const list of offsets.values())
      assert.deepEqual(
        list,
        list.map((_, i) => i),
        'each partition read from offset 0, in order, none missing',
      );
  }
  assert.deepEqual(native.dr, plain.dr);
});

test('the event counts stay exact through the hot paths: one dr per report, one consume per message', () => {
  assert.equal(total(nativeEvents, 'dr'), native.seen.length);
  assert.ok(native.seen.length >= 500);
  assert.equal(total(nativeEvents, 'consume'), 500);
});
