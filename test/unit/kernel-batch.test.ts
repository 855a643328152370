// The batch paths through a real kernel: produceBatch (the documented fast produce path) and the batch
// consume functions, whose messages are published as `consume` events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { KernelClient } from '../../extension/kernel/client.ts';
import { cacheDir, compileBulkHelper } from '../../extension/kernel/bulk.ts';
import { makeProduceBatch } from '../../extension/kernel/batch.ts';
import type { CellOutput, KernelEvent } from '../../protocol/index.ts';
import { repoRoot as root } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

/** The producer, its DR queue and serve() that the tests below share. */
const SETUP = `
const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, "bootstrap.servers", BOOTSTRAP, e, e.length);
rd_kafka_conf_set(conf, "linger.ms", "5", e, e.length);
rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_DR);
const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
rd_kafka_mock_topic_create(MOCK_CLUSTER, "batch", 1, 1);
const rkt = rd_kafka_topic_new(rk, "batch", null);
const queue = rd_kafka_queue_get_main(rk);
const reports = new BigUint64Array(10000);
/** Takes DR events for up to timeoutMs; returns [offset, err, value, key] of each report. */
function serve(timeoutMs: number, into: Array<[number, number, string | null, string | null]>) {
  const ev = rd_kafka_queue_poll(queue, timeoutMs);
  if (!ev) return;
  if (rd_kafka_event_type(ev) === RD_KAFKA_EVENT_DR) {
    const n = Number(rd_kafka_event_message_array(ev, reports, reports.length));
    for (let i = 0; i < n; i++) into.push([rkmsg.offset(reports[i]), rkmsg.err(reports[i]), rkmsg.value(reports[i]), rkmsg.keyString(reports[i])]);
  }
  rd_kafka_event_destroy(ev);
}
console.log("ready")`;

let k: KernelClient;
const events: KernelEvent[] = [];
let cellNo = 0;

async function run(source: string): Promise<{ result: string; error: string }> {
  const outputs: CellOutput[] = [];
  const r = await k.execute(++cellNo, source, (o) => outputs.push(o));
  const err = outputs.find((o) => o.kind === 'error');
  // Results come back on stdout: a shown value is cut at 10,000 characters.
  const result = outputs.map((o) => (o.kind === 'stream' && o.name === 'stdout' ? o.text : '')).join('');
  const error = err?.kind === 'error' ? `${err.name}: ${err.message}` : '';
  if (r.status !== 'ok' && !error) throw new Error(`cell ${cellNo} ${r.status}`);
  return { result, error };
}

// A cell's events are all with the client when its execute() resolves: the kernel flushes them before
// it sends `done`, on the same channel (docs/kernel.md). No waiting for them.

before(async () => {
  k = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  k.onEvents((e) => events.push(...e));
  const setup = await run(SETUP);
  assert.equal(setup.error, '');
});
after(async () => {
  await k?.shutdown();
});

test('produceBatch: 2500 messages in one call, all delivered with consecutive offsets, their own payloads and keys', async () => {
  const { result, error } = await run(`
const got: Array<[number, number, string | null, string | null]> = [];
const payloads = Array.from({ length: 2500 }, (_, i) => i % 2 ? "odd-" + i : new TextEncoder().encode("even-" + i));
const r = produceBatch(rkt, 0, payloads, { keys: payloads.map((_, i) => (i % 3 ? "key-" + i : null)) });
for (const until = Date.now() + 30000; got.length < 2500 && Date.now() < until; ) serve(100, got);
console.log(JSON.stringify({ accepted: r.accepted, failed: r.failed.length, got }))`);
  assert.equal(error, '');
  const { accepted, failed, got } = JSON.parse(result) as {
    accepted: number;
    failed: number;
    got: Array<[number, number, string, string | null]>;
  };
  assert.equal(accepted, 2500);
  assert.equal(failed, 0);
  assert.equal(got.length, 2500, 'a delivery report for every message');
  assert.ok(
    got.every(([, err]) => err === 0),
    'no delivery errors',
  );
  const offsets = got.map(([o]) => o);
  assert.deepEqual(
    offsets,
    offsets.map((_, i) => offsets[0]! + i),
    'consecutive offsets in produce order',
  );
  assert.deepEqual(
    got.map(([, , v]) => v),
    Array.from({ length: 2500 }, (_, i) => (i % 2 ? 'odd-' : 'even-') + i),
    'each message carries its own payload, in order',
  );
  assert.deepEqual(
    got.map(([, , , key]) => key),
    Array.from({ length: 2500 }, (_, i) => (i % 3 ? `key-${i}` : null)),
    'and its own key (or none)',
  );
  const dr = events.filter((e): e is Extract<KernelEvent, { type: 'dr' }> => e.type === 'dr');
  assert.equal(dr.length, 2500, 'every report published as an event (under the detail budget)');
  assert.deepEqual(
    dr.map((e) => e.data.offset),
    offsets,
  );
});

test('produceBatch: a queue that fills up is served and the rest offered again', async () => {
  // A producer whose queue holds 1000 messages: 5000 in one produceBatch call need serve() to get through.
  const { result, error } = await run(`
const c2 = rd_kafka_conf_new();
rd_kafka_conf_set(c2, "bootstrap.servers", BOOTSTRAP, e, e.length);
rd_kafka_conf_set(c2, "queue.buffering.max.messages", "1000", e, e.length);
const small = rd_kafka_new(RD_KAFKA_PRODUCER, c2, e, e.length);
const t2 = rd_kafka_topic_new(small, "batch", null);
let served = 0, reported = 0;
const dr = new BigUint64Array(10000);
const keyed = produceBatch(t2, 0, Array(5000).fill("v"), {
  keys: Array.from({ length: 5000 }, (_, i) => "k" + (i % 7)),
  serve: () => { served++; reported += rd_kafka_poll(small, 10); },
});
const refused = produceBatch(t2, 0, Array(5000).fill("w"));
rd_kafka_flush(small, 10000);
rd_kafka_topic_destroy(t2);
rd_kafka_destroy(small);
console.log(JSON.stringify({ accepted: keyed.accepted, failed: keyed.failed.length, served, refused: refused.failed.length, firstErr: refused.failed[0]?.err, QF: RD_KAFKA_RESP_ERR__QUEUE_FULL }))`);
  assert.equal(error, '');
  const r = JSON.parse(result) as Record<string, number>;
  assert.equal(r.accepted, 5000, 'every message accepted in the end');
  assert.equal(r.failed, 0);
  assert.ok(r.served! >= 4, `serve() was called while the queue was full (${r.served} times)`);
  assert.ok(r.refused! >= 4000, `without serve, the refused messages are listed (${r.refused})`);
  assert.equal(r.firstErr, r.QF, 'with their error: queue full');
});

test('produceBatch: bad arguments get one clear message', async () => {
  const a = await run('produceBatch(null, 0, ["x"])');
  assert.match(a.error, /produceBatch: expected an rd_kafka_topic_t pointer/);
  const b = await run('produceBatch(rkt, 0, ["x"], { flags: RD_KAFKA_MSG_F_FREE })');
  assert.match(b.error, /RD_KAFKA_MSG_F_FREE cannot be used/);
  const c = await run('produceBatch(rkt, 0, ["x", "y"], { keys: ["a"] })');
  assert.match(c.error, /1 keys for 2 payloads/);
});

test('rd_kafka_consume_batch_queue: the messages it returns are published as consume events', async () => {
  const before = events.length;
  const { result, error } = await run(`
const cc = rd_kafka_conf_new();
rd_kafka_conf_set(cc, "bootstrap.servers", BOOTSTRAP, e, e.length);
rd_kafka_conf_set(cc, "group.id", "batch-test", e, e.length);
const consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cc, e, e.length);
rd_kafka_poll_set_consumer(consumer);
const parts = rd_kafka_topic_partition_list_new(1);
rd_kafka_topic_partition_list_add(parts, "batch", 0);
rd_kafka_topic_partition_list_set_offset(parts, "batch", 0, RD_KAFKA_OFFSET_BEGINNING);
rd_kafka_assign(consumer, parts);
rd_kafka_topic_partition_list_destroy(parts);
const cq = rd_kafka_queue_get_consumer(consumer);
const batch = new BigUint64Array(1000);
const seen: number[] = [];
for (let t = 0; t < 100 && seen.length < 2500; t++) {
  const n = Number(rd_kafka_consume_batch_queue(cq, 100, batch, batch.length));
  for (let i = 0; i < n; i++) {
    if (!rkmsg.err(batch[i])) seen.push(rkmsg.offset(batch[i]));
    rd_kafka_message_destroy(batch[i]);
  }
}
rd_kafka_queue_destroy(cq);
rd_kafka_consumer_close(consumer);
rd_kafka_destroy(consumer);
console.log(JSON.stringify(seen.slice(0, 2500)))`);
  assert.equal(error, '');
  const seen = JSON.parse(result) as number[];
  assert.equal(seen.length, 2500, 'the cell read the messages produced above');
  const consumed = events
    .slice(before)
    .filter((e): e is Extract<KernelEvent, { type: 'consume' }> => e.type === 'consume');
  const ofBatch = consumed.filter((e) => e.data.topic === 'batch' && e.data.err === 0);
  assert.ok(ofBatch.length >= 2500, `consume events published (${ofBatch.length})`);
  assert.deepEqual(
    ofBatch.slice(0, 2500).map((e) => e.data.offset),
    seen,
    'with the offsets the cell saw',
  );
  assert.ok(
    ofBatch.every((e) => e.handle !== null),
    'named after the consumer whose queue it was',
  );
});

test('batch consume beyond the detail budget: counts stay exact, details sampled', async () => {
  // 12,000 messages in two consume_batch calls: 5000 in detail per second, the rest counted.
  const before = events.length;
  const { result, error } = await run(`
const payloads12k = Array(12000).fill("z");
rd_kafka_mock_topic_create(MOCK_CLUSTER, "batch-many", 1, 1);
const t3 = rd_kafka_topic_new(rk, "batch-many", null);
const r3 = produceBatch(t3, 0, payloads12k);
const done3: Array<[number, number, string | null, string | null]> = [];
for (let t = 0; t < 200 && done3.length < 12000; t++) serve(100, done3);
rd_kafka_topic_destroy(t3);
const cc2 = rd_kafka_conf_new();
rd_kafka_conf_set(cc2, "bootstrap.servers", BOOTSTRAP, e, e.length);
rd_kafka_conf_set(cc2, "group.id", "batch-many", e, e.length);
const c2k = rd_kafka_new(RD_KAFKA_CONSUMER, cc2, e, e.length);
rd_kafka_poll_set_consumer(c2k);
const p2 = rd_kafka_topic_partition_list_new(1);
rd_kafka_topic_partition_list_add(p2, "batch-many", 0);
rd_kafka_topic_partition_list_set_offset(p2, "batch-many", 0, RD_KAFKA_OFFSET_BEGINNING);
rd_kafka_assign(c2k, p2);
rd_kafka_topic_partition_list_destroy(p2);
const q2 = rd_kafka_queue_get_consumer(c2k);
const b2 = new BigUint64Array(12000);
let got2 = 0;
for (let t = 0; t < 100 && got2 < 12000; t++) {
  const n = Number(rd_kafka_consume_batch_queue(q2, 100, b2, b2.length));
  for (let i = 0; i < n; i++) { if (!rkmsg.err(b2[i])) got2++; rd_kafka_message_destroy(b2[i]); }
}
rd_kafka_queue_destroy(q2);
rd_kafka_consumer_close(c2k);
rd_kafka_destroy(c2k);
console.log(JSON.stringify({ accepted: r3.accepted, delivered: done3.length, got2 }))`);
  assert.equal(error, '');
  const r = JSON.parse(result) as Record<string, number>;
  assert.equal(r.accepted, 12000);
  assert.equal(r.got2, 12000);
  const mine = events.slice(before);
  const detailed = mine.filter((e) => e.type === 'consume').length;
  const dropped = mine.reduce((n, e) => n + (e.type === 'dropped' ? (e.data.counts.consume ?? 0) : 0), 0);
  assert.ok(detailed <= 10000, `details bounded (${detailed})`);
  assert.equal(detailed + dropped, 12000, `every message counted once (${detailed} + ${dropped})`);
});

/** 3000 messages mixing null, repeated and distinct payloads (bytes and strings) and keys through a
 *  producer whose queue holds 500 (so produceBatch serves and offers again), then 2000 without serve. */
const MIXED_CELL = (topic: string) => `
rd_kafka_mock_topic_create(MOCK_CLUSTER, "${topic}", 1, 1);
const cm = rd_kafka_conf_new();
for (const [n, v] of [["bootstrap.servers", BOOTSTRAP], ["queue.buffering.max.messages", "500"], ["linger.ms", "5"]])
  rd_kafka_conf_set(cm, n, v, e, e.length);
rd_kafka_conf_set_events(cm, RD_KAFKA_EVENT_DR);
const pm = rd_kafka_new(RD_KAFKA_PRODUCER, cm, e, e.length);
const tm = rd_kafka_topic_new(pm, "${topic}", null);
const qm = rd_kafka_queue_get_main(pm);
const gotM: Array<[number, number, string | null, string | null]> = [];
const drM = new BigUint64Array(10000);
function takeM(ms: number) {
  const ev = rd_kafka_queue_poll(qm, ms);
  if (!ev) return;
  if (rd_kafka_event_type(ev) === RD_KAFKA_EVENT_DR) {
    const n = Number(rd_kafka_event_message_array(ev, drM, drM.length));
    for (let i = 0; i < n; i++) gotM.push([rkmsg.err(drM[i]), rkmsg.partition(drM[i]), rkmsg.value(drM[i]), rkmsg.keyString(drM[i])]);
  }
  rd_kafka_event_destroy(ev);
}
const A = new TextEncoder().encode("A"), K = new TextEncoder().encode("K");
const pay = Array.from({ length: 3000 }, (_, i) => [null, A, "s" + (i % 3), "é" + i, A][i % 5]);
const keyM = Array.from({ length: 3000 }, (_, i) => [null, K, "k" + (i % 7), "k" + (i % 7)][i % 4]);
let servedM = 0;
const rm = produceBatch(tm, 0, pay, { keys: keyM, serve: () => { servedM++; takeM(10); } });
for (const until = Date.now() + 30000; gotM.length < rm.accepted && Date.now() < until; ) takeM(100);
const many = produceBatch(tm, 0, Array(2000).fill("w"));
for (const until = Date.now() + 30000; gotM.length < rm.accepted + many.accepted && Date.now() < until; ) takeM(100);
rd_kafka_queue_destroy(qm);
rd_kafka_topic_destroy(tm);
rd_kafka_destroy(pm);
console.log(JSON.stringify({ accepted: rm.accepted, failed: rm.failed, servedM, got: gotM, many, native: produceBatch.native, why: produceBatch.why, QF: RD_KAFKA_RESP_ERR__QUEUE_FULL }))`;

/** What MIXED_CELL must see whichever path filled the messages. */
function checkMixed(result: string): { native: boolean; why: string } {
  const r = JSON.parse(result) as {
    accepted: number;
    failed: unknown[];
    servedM: number;
    got: Array<[number, number, string | null, string | null]>;
    many: { accepted: number; failed: Array<{ index: number; err: number }> };
    native: boolean;
    why: string;
    QF: number;
  };
  assert.equal(r.accepted, 3000, 'every message of the mixed batch accepted in the end');
  assert.deepEqual(r.failed, []);
  assert.ok(r.servedM >= 5, `serve() called while the 500-message queue was full (${r.servedM} times)`);
  const expected = Array.from({ length: 3000 }, (_, i) =>
    JSON.stringify([
      0,
      0,
      [null, 'A', `s${i % 3}`, `é${i}`, 'A'][i % 5],
      [null, 'K', `k${i % 7}`, `k${i % 7}`][i % 4],
    ]),
  );
  const first = r.got.slice(0, 3000).map((g) => JSON.stringify(g));
  assert.deepEqual(
    first.sort(),
    expected.sort(),
    'each message delivered once, with its own payload and key (or none)',
  );
  assert.equal(r.many.accepted + r.many.failed.length, 2000);
  assert.ok(r.many.failed.length >= 1000, `without serve, the refused are listed (${r.many.failed.length})`);
  assert.ok(
    r.many.failed.every((f, j, all) => f.err === r.QF && (j === 0 || f.index > all[j - 1]!.index)),
    'each once, in order, with its error: queue full',
  );
  assert.equal(r.got.length, 3000 + r.many.accepted, 'a report for each accepted message, no more');
  assert.ok(r.got.slice(3000).every((g) => g[2] === 'w' && g[0] === 0));
  return r;
}

test('produceBatch fills its messages with the compiled helper: mixed payloads, keys, nulls and a full queue', async () => {
  const { result, error } = await run(MIXED_CELL('batch-mixed-native'));
  assert.equal(error, '');
  const r = checkMixed(result);
  assert.equal(r.native, true, `the C helper should compile here (cc is installed): ${r.why}`);
  assert.equal(r.why, '');
});

/** Produces 300 messages to a fresh topic and reads them back with rkmsg.batch; returns what it saw. */
const BULK_CELL = (topic: string) => `
rd_kafka_mock_topic_create(MOCK_CLUSTER, "${topic}", 1, 1);
const tb = rd_kafka_topic_new(rk, "${topic}", null);
const sentB = produceBatch(tb, 0, Array.from({ length: 300 }, (_, i) => "m".repeat(i % 50)));
const drB: Array<[number, number, string | null, string | null]> = [];
for (let t = 0; t < 100 && drB.length < 300; t++) serve(100, drB);
rd_kafka_topic_destroy(tb);
const ccb = rd_kafka_conf_new();
rd_kafka_conf_set(ccb, "bootstrap.servers", BOOTSTRAP, e, e.length);
rd_kafka_conf_set(ccb, "group.id", "${topic}", e, e.length);
const cb = rd_kafka_new(RD_KAFKA_CONSUMER, ccb, e, e.length);
rd_kafka_poll_set_consumer(cb);
const pb = rd_kafka_topic_partition_list_new(1);
rd_kafka_topic_partition_list_add(pb, "${topic}", 0);
rd_kafka_topic_partition_list_set_offset(pb, "${topic}", 0, RD_KAFKA_OFFSET_BEGINNING);
rd_kafka_assign(cb, pb);
rd_kafka_topic_partition_list_destroy(pb);
const qb = rd_kafka_queue_get_consumer(cb);
const msgsB = new BigUint64Array(128); // smaller than the topic: several calls, the typed arrays reused
let f = rkmsg.batch(msgsB, 0);
const rows: number[][] = [];
for (let t = 0; t < 100 && rows.length < 300; t++) {
  const n = Number(rd_kafka_consume_batch_queue(qb, 100, msgsB, msgsB.length));
  f = rkmsg.batch(msgsB, n, { destroy: true, into: f });
  for (let i = 0; i < f.n; i++) if (!f.err[i]) rows.push([f.partition[i], f.offset[i], f.len[i], f.keyLen[i]]);
}
rd_kafka_queue_destroy(qb);
rd_kafka_consumer_close(cb);
rd_kafka_destroy(cb);
console.log(JSON.stringify({ sent: sentB.accepted, rows, native: rkmsg.batch.native, why: rkmsg.batch.why }))`;

function checkBulk(result: string): { native: boolean; why: string } {
  const r = JSON.parse(result) as { sent: number; rows: number[][]; native: boolean; why: string };
  assert.equal(r.sent, 300);
  assert.deepEqual(
    r.rows,
    Array.from({ length: 300 }, (_, i) => [0, i, i % 50, 0]),
    'partition, offset, len and key length of every message, in order',
  );
  return r;
}

test('rkmsg.batch: the fields of a whole batch in one call (compiled helper), messages destroyed', async () => {
  const { result, error } = await run(BULK_CELL('bulk-native'));
  assert.equal(error, '');
  const r = checkBulk(result);
  assert.equal(r.native, true, `the C helper should compile here (cc is installed): ${r.why}`);
});

test('rkmsg.batch and produceBatch without the compiled helper: the same results from their JS fallbacks, and the reason', async () => {
  const saved = process.env.RDKAFKA_WORKBENCH_NO_NATIVE;
  process.env.RDKAFKA_WORKBENCH_NO_NATIVE = '1';
  const other = k;
  k = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  try {
    if (saved === undefined) delete process.env.RDKAFKA_WORKBENCH_NO_NATIVE;
    else process.env.RDKAFKA_WORKBENCH_NO_NATIVE = saved;
    const setup = await run(SETUP);
    assert.equal(setup.error, '');
    const { result, error } = await run(BULK_CELL('bulk-js'));
    assert.equal(error, '');
    const r = checkBulk(result);
    assert.equal(r.native, false);
    assert.match(r.why, /RDKAFKA_WORKBENCH_NO_NATIVE/);
    // produceBatch's JS fill, the same cell as with the helper: the same results.
    const mixed = await run(MIXED_CELL('batch-mixed-js'));
    assert.equal(mixed.error, '');
    const m = checkMixed(mixed.result);
    assert.equal(m.native, false);
    assert.match(m.why, /RDKAFKA_WORKBENCH_NO_NATIVE/);
  } finally {
    await k.shutdown();
    k = other;
  }
});

test('the bulk helper compiles once into the cache folder, and a missing compiler is a reason, not a failure', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-bulk-'));
  try {
    const first = compileBulkHelper(dir);
    assert.ok('path' in first, `compiled: ${'why' in first ? first.why : ''}`);
    assert.ok(existsSync(first.path));
    assert.deepEqual(readdirSync(dir), [basename(first.path)], 'no temporary files left behind');
    const t = performance.now();
    assert.deepEqual(compileBulkHelper(dir), first, 'the second kernel reuses it');
    assert.ok(performance.now() - t < 50, 'without compiling again');
    const none = compileBulkHelper(join(dir, 'other'), join(dir, 'no-such-cc'));
    assert.ok('why' in none && /no C compiler/.test(none.why), JSON.stringify(none));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(cacheDir({ RDKAFKA_WORKBENCH_CACHE: '/c' }), '/c');
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/x' }), '/x/rdkafka-workbench');
});

test('produceBatch where external buffers are forbidden (Electron): the messages are staged in JS and copied over', async () => {
  // The real koffi, except that koffi.view throws as it does under Electron; the "library" call reads the
  // message array and payloads back from native memory, as librdkafka would.
  const koffi = (await import('koffi')).default;
  const noViews = new Proxy(koffi, {
    get: (t, p) =>
      p === 'view'
        ? () => {
            throw new Error('External buffers are not allowed');
          }
        : (t as unknown as Record<string | symbol, unknown>)[p],
  });
  const L = { size: 72, err: 0, partition: 16, payload: 24, len: 32, key: 40, key_len: 48, _private: 64 };
  const seen: Array<[number, string, string | null]> = [];
  const call = (_rkt: bigint, _p: number, flags: number, msgs: bigint, n: number) => {
    assert.equal(flags & 2, 2, 'F_COPY set');
    for (let i = 0; i < n; i++) {
      const at = msgs + BigInt(i * L.size);
      const u64 = (o: number) => BigInt(koffi.decode(at + BigInt(o), 'uint64_t') as number | bigint);
      const str = (p: bigint, len: bigint) =>
        p ? Buffer.from(koffi.decode(p, 'uint8_t', Number(len)) as number[]).toString() : null;
      seen.push([
        koffi.decode(at + BigInt(L.partition), 'int32_t') as number,
        str(u64(L.payload), u64(L.len))!,
        str(u64(L.key), u64(L.key_len)),
      ]);
    }
    return n;
  };
  const { loadBatchHelper } = await import('../../extension/kernel/batch.ts');
  // Both fills: the compiled one writes native memory itself; the JS one stages and copies over.
  for (const helper of [() => loadBatchHelper(noViews as never), () => ({ why: 'the JS fill' })]) {
    seen.length = 0;
    const produceBatch = makeProduceBatch(
      noViews as never,
      () => call,
      L,
      { F_COPY: 2, F_FREE: 1, QUEUE_FULL: -184 },
      helper,
    );
    const r = produceBatch(1n, 3, ['a', new TextEncoder().encode('bb'), 'a', 'ccc'], {
      keys: ['k', null, null, 'k2'],
    });
    assert.deepEqual(r, { accepted: 4, failed: [] });
    assert.deepEqual(
      seen,
      [
        [3, 'a', 'k'],
        [3, 'bb', null],
        [3, 'a', null],
        [3, 'ccc', 'k2'],
      ],
      `native: ${produceBatch.native}`,
    );
  }
});

test('produceBatch: the compiled fill and the JS fill write the same messages, and offer the same refused ones again', async () => {
  // The real koffi and the real compiled helper; the "library" call reads each message back from native
  // memory as librdkafka would, and refuses as a full queue does: it accepts the first 3 of each call and
  // writes QUEUE_FULL into the others' err (message 4 of the first call gets another error once).
  const koffi = (await import('koffi')).default;
  const { loadBatchHelper } = await import('../../extension/kernel/batch.ts');
  const L = { size: 72, err: 0, partition: 16, payload: 24, len: 32, key: 40, key_len: 48, _private: 64 };
  const QF = -184;
  const A = new TextEncoder().encode('A');
  const MIXED = {
    payloads: [A, A, null, 'str', 'str', new TextEncoder().encode('bé'), null, A, A],
    keys: ['k', 'k', null, null, 'k2', A, A, null, 'k'],
  };
  function produceWith(
    native: boolean,
    otherError: boolean,
    input: { payloads: Array<Uint8Array | string | null>; keys?: Array<Uint8Array | string | null> } = MIXED,
  ) {
    const calls: string[][] = [];
    const call = (_rkt: bigint, _p: number, _flags: number, msgs: bigint, n: number) => {
      const seen: string[] = [];
      for (let i = 0; i < n; i++) {
        const at = msgs + BigInt(i * L.size);
        const u64 = (o: number) => BigInt(koffi.decode(at + BigInt(o), 'uint64_t') as number | bigint);
        const str = (p: bigint, len: bigint) =>
          p ? Buffer.from(koffi.decode(p, 'uint8_t', Number(len)) as Uint8Array).toString() : null;
        seen.push(
          JSON.stringify([
            koffi.decode(at + BigInt(L.partition), 'int32_t'),
            koffi.decode(at + BigInt(L.err), 'int32_t'),
            str(u64(L.payload), u64(L.len)),
            Number(u64(L.len)),
            str(u64(L.key), u64(L.key_len)),
            Number(u64(L.key_len)),
            Number(u64(L._private)),
          ]),
        );
        if (i >= 3) {
          const err = otherError && calls.length === 0 && i === 4 ? -1 : QF;
          koffi.encode(at + BigInt(L.err), 'int32_t', err);
        }
      }
      calls.push(seen);
      return Math.min(n, 3);
    };
    const produceBatch = makeProduceBatch(
      koffi as never,
      () => call,
      L,
      { F_COPY: 2, F_FREE: 1, QUEUE_FULL: QF },
      native ? () => loadBatchHelper(koffi as never) : () => ({ why: 'the JS fill, for this test' }),
    );
    let served = 0;
    const result = produceBatch(5n, 7, input.payloads, {
      ...(input.keys ? { keys: input.keys } : {}),
      serve: () => void served++,
    });
    return { result, calls, served, native: produceBatch.native, why: produceBatch.why };
  }
  const c = produceWith(true, false);
  const js = produceWith(false, false);
  assert.equal(c.native, true, `the helper compiles here: ${c.why}`);
  assert.equal(js.native, false);
  assert.equal(js.why, 'the JS fill, for this test');
  assert.deepEqual(c.result, { accepted: 9, failed: [] });
  assert.equal(c.served, 2, 'served before each offer of the refused');
  const m = (p: string | null, k: string | null) =>
    JSON.stringify([7, 0, p, p ? Buffer.byteLength(p) : 0, k, k ? Buffer.byteLength(k) : 0, 0]);
  assert.deepEqual(c.calls, [
    [
      m('A', 'k'),
      m('A', 'k'),
      m(null, null),
      m('str', null),
      m('str', 'k2'),
      m('bé', 'A'),
      m(null, 'A'),
      m('A', null),
      m('A', 'k'),
    ],
    [m('str', null), m('str', 'k2'), m('bé', 'A'), m(null, 'A'), m('A', null), m('A', 'k')],
    [m(null, 'A'), m('A', null), m('A', 'k')],
  ]);
  assert.deepEqual(js, { ...c, native: false, why: 'the JS fill, for this test' }, 'the JS fill: the same');
  // Another error than a full queue: no second offer; the refused listed with their own errors.
  const cOther = produceWith(true, true);
  assert.deepEqual(cOther.result, {
    accepted: 3,
    failed: [3, 4, 5, 6, 7, 8].map((index) => ({ index, err: index === 4 ? -1 : QF })),
  });
  assert.equal(cOther.served, 0);
  assert.deepEqual(produceWith(false, true).result, cOther.result);
  // One payload object for all (the common case, found by its own loop), without keys; and all null.
  for (const payloads of [Array<Uint8Array>(8).fill(A), Array<null>(8).fill(null)]) {
    const p = payloads[0] ? 'A' : null;
    const one = produceWith(true, false, { payloads });
    assert.deepEqual(one.result, { accepted: 8, failed: [] });
    assert.deepEqual(
      one.calls,
      [8, 5, 2].map((n) => Array<string>(n).fill(m(p, null))),
    );
    assert.deepEqual(produceWith(false, false, { payloads }), {
      ...one,
      native: false,
      why: 'the JS fill, for this test',
    });
  }
});
