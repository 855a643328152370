// C fidelity: cells written the way librdkafka's C users write them work as in C, and what the kernel
// publishes says what C would see. A real kernel process on the embedded mock cluster (Debian's 2.0.2).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { KernelClient } from '../../extension/kernel/client.ts';
import type { CellOutput, KernelEvent } from '../../protocol/index.ts';
import { repoRoot } from '../support/repo.ts';
import { ensureBindingsSync } from '../support/bindings.ts';

type Ev<T extends KernelEvent['type']> = Extract<KernelEvent, { type: T }>;

let k: KernelClient;
const events: KernelEvent[] = [];
let cellNo = 0;

/** Runs a cell; returns its value (text/plain) or throws with its error. */
async function run(source: string): Promise<string> {
  const outputs: CellOutput[] = [];
  const r = await k.execute(++cellNo, source, (o) => outputs.push(o));
  const error = outputs.find((o) => o.kind === 'error');
  if (r.status !== 'ok')
    throw new Error(
      `cell ${cellNo} ${r.status}: ${error?.kind === 'error' ? error.stack || error.message : ''}`,
    );
  const res = outputs.find((o) => o.kind === 'result');
  return res?.kind === 'result' ? String(res.data['text/plain']) : '';
}

/** Events of one type from `from` on, once the kernel's stream has flushed them (the next cell's round trip). */
async function eventsOf<T extends KernelEvent['type']>(type: T, from: number): Promise<Ev<T>[]> {
  await run('0');
  return events.slice(from).filter((e): e is Ev<T> => e.type === type);
}

before(async () => {
  // RDKAFKA_WORKBENCH_KERNEL: run these cases against another kernel bundle (e.g. one built before a fix).
  const kernelScript = process.env.RDKAFKA_WORKBENCH_KERNEL;
  k = await KernelClient.start({
    bindingsDir: ensureBindingsSync(),
    bootstrap: 'mock',
    cwd: repoRoot,
    ...(kernelScript ? { kernelScript } : {}),
  });
  k.onEvents((e) => events.push(...e));
  await run(
    `const e = errbuf();
function newConf(props: Record<string, string> = {}) {
  const c = rd_kafka_conf_new();
  for (const [n, v] of Object.entries({ "bootstrap.servers": BOOTSTRAP, ...props }))
    if (rd_kafka_conf_set(c, n, v, e, e.length) !== RD_KAFKA_CONF_OK) throw new Error(n + ": " + e);
  return c;
}`,
  );
});
after(async () => {
  await k?.shutdown();
});

describe('variadic functions take their variable arguments as C does', () => {
  test('rd_kafka_mock_push_request_errors(MOCK_CLUSTER, 0, 1, ERR) as written in C: the next Produce fails with ERR', async () => {
    const from = events.length;
    const got = await run(
      `rd_kafka_mock_push_request_errors(MOCK_CLUSTER, 0, 1, RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED);
let drErr = -1;
const vc = newConf({ "message.send.max.retries": "0" });
rd_kafka_conf_set_dr_msg_cb(vc, (rk, m) => { drErr = rkmsg.err(m); });
const vp = rd_kafka_new(RD_KAFKA_PRODUCER, vc, e, e.length);
rd_kafka_producev(vp, RD_KAFKA_V_TOPIC("varargs"), RD_KAFKA_V_VALUE("x"), RD_KAFKA_V_END);
rd_kafka_flush(vp, 10000);
rd_kafka_destroy(vp);
drErr`,
    );
    assert.equal(got, '29', 'the delivery report carries TOPIC_AUTHORIZATION_FAILED (29)');
    const dr = await eventsOf('dr', from);
    assert.equal(dr[0]?.data.errName, 'TOPIC_AUTHORIZATION_FAILED');
  });

  test('a printf-style variadic (rd_kafka_error_new) formats plain strings and integers, and the explicit form still works', async () => {
    const got = await run(
      `const e1 = rd_kafka_error_new(RD_KAFKA_RESP_ERR__BAD_MSG, "%s has %d items (%.1f%%)", "list", 3, 12.5);
const e2 = rd_kafka_error_new(RD_KAFKA_RESP_ERR__BAD_MSG, "%d and %s", "int", 7, "const char *", "seven");
const texts = [rd_kafka_error_string(e1), rd_kafka_error_string(e2)];
rd_kafka_error_destroy(e1); rd_kafka_error_destroy(e2);
texts.join(" | ")`,
    );
    assert.equal(got, "'list has 3 items (12.5%) | 7 and seven'");
  });

  test('more variable arguments than koffi can pass is a clear error naming the way out', async () => {
    const got = await run(
      `const lp = rd_kafka_new(RD_KAFKA_PRODUCER, newConf(), e, e.length);
const tags = Array.from({ length: 40 }, (_, i) => RD_KAFKA_V_HEADER("h" + i, "v"));
let msg = "";
try { rd_kafka_producev(lp, RD_KAFKA_V_TOPIC("t"), ...tags, RD_KAFKA_V_END); } catch (x) { msg = String(x); }
rd_kafka_destroy(lp);
msg`,
    );
    assert.match(
      got,
      /rd_kafka_producev: 163 variable arguments, but koffi passes at most 31 .*RD_KAFKA_V_HEADERS\(hdrs\)/,
    );
  });
});

describe('callbacks are what their prototype says', () => {
  test("2.0.2's rd_kafka_conf_set_background_event_cb(conf, event_cb) publishes background_event events", async () => {
    const from = events.length;
    await run(
      `let bgDone: () => void; const bg = new Promise<void>((r) => (bgDone = r));
let bgType = -1;
const bc = newConf();
rd_kafka_conf_set_background_event_cb(bc, (rk, ev, opaque) => { bgType = rd_kafka_event_type(ev); rd_kafka_event_destroy(ev); bgDone(); });
const bp = rd_kafka_new(RD_KAFKA_PRODUCER, bc, e, e.length);
const opts = rd_kafka_AdminOptions_new(bp, RD_KAFKA_ADMIN_OP_DELETETOPICS);
rd_kafka_AdminOptions_set_request_timeout(opts, 2000, e, e.length);
const dt = rd_kafka_DeleteTopic_new("no-such-topic");
rd_kafka_DeleteTopics(bp, [dt], 1, opts, rd_kafka_queue_get_background(bp));
// Bounded, so a lost callback fails the test instead of hanging it.
await Promise.race([bg, new Promise((r) => setTimeout(r, 15000))]);
rd_kafka_DeleteTopic_destroy(dt); rd_kafka_AdminOptions_destroy(opts);
rd_kafka_destroy(bp);
bgType`,
    );
    const bgs = await eventsOf('background_event', from);
    assert.equal(bgs.length, 1, 'one background_event');
    assert.equal(bgs[0]!.data.eventName, 'DeleteTopicsResult');
    assert.match(bgs[0]!.handle ?? '', /^rdkafka#producer-\d+$/);
    assert.equal((await eventsOf('callback', from)).length, 0, 'not a generic callback');
  });

  test("rd_kafka_commit_queue's `cb` publishes an offset_commit event", async () => {
    const from = events.length;
    const got = await run(
      `const cq = rd_kafka_new(RD_KAFKA_CONSUMER, newConf({ "group.id": "commit-queue" }), e, e.length);
const offs = rd_kafka_topic_partition_list_new(1);
rd_kafka_topic_partition_list_add(offs, "commit-queue-topic", 0);
rd_kafka_topic_partition_list_set_offset(offs, "commit-queue-topic", 0, 5);
let cbCalls = 0;
rd_kafka_commit_queue(cq, offs, NULL, (rk, err, offsets, opaque) => { cbCalls++; }, NULL);
rd_kafka_topic_partition_list_destroy(offs);
rd_kafka_consumer_close(cq); rd_kafka_destroy(cq);
cbCalls`,
    );
    assert.equal(got, '1');
    const commits = await eventsOf('offset_commit', from);
    assert.equal(commits.length, 1);
    assert.deepEqual(
      commits[0]!.data.partitions.map((p) => [p.topic, p.partition, p.offset]),
      [['commit-queue-topic', 0, 5]],
    );
  });

  test('a generic callback whose first argument is an rd_kafka_t * (a queue event callback) carries the handle', async () => {
    const from = events.length;
    const name = await run(
      `const qc = newConf();
rd_kafka_conf_set_events(qc, RD_KAFKA_EVENT_DR);
const qp = rd_kafka_new(RD_KAFKA_PRODUCER, qc, e, e.length);
const qmain = rd_kafka_queue_get_main(qp);
let fired: () => void; const firedP = new Promise<void>((r) => (fired = r));
rd_kafka_queue_cb_event_enable(qmain, (rk, opaque) => fired(), NULL);
rd_kafka_producev(qp, RD_KAFKA_V_TOPIC("queue-cb"), RD_KAFKA_V_VALUE("x"), RD_KAFKA_V_END);
// Bounded, so a lost callback fails the test instead of hanging it.
await Promise.race([firedP, new Promise((r) => setTimeout(r, 15000))]);
rd_kafka_queue_cb_event_enable(qmain, NULL, NULL);
for (let ev = rd_kafka_queue_poll(qmain, 0); ev; ev = rd_kafka_queue_poll(qmain, 0)) rd_kafka_event_destroy(ev);
rd_kafka_queue_destroy(qmain);
const qName = rd_kafka_name(qp);
rd_kafka_destroy(qp);
qName`,
    );
    const calls = (await eventsOf('callback', from)).filter((x) => x.data.name === 'event_cb');
    assert.ok(calls.length >= 1, 'the event callback was published');
    assert.equal(calls[0]!.handle, name.replace(/^'|'$/g, ''));
  });
});

describe('events carry what C sees', () => {
  test("a fatal error event carries rd_kafka_fatal_error's code and reason (error_cb and the event API)", async () => {
    const from = events.length;
    await run(
      `const fc = newConf({ "enable.idempotence": "true" });
rd_kafka_conf_set_error_cb(fc, (rk, err, reason) => {});
const fp = rd_kafka_new(RD_KAFKA_PRODUCER, fc, e, e.length);
rd_kafka_test_fatal_error(fp, RD_KAFKA_RESP_ERR_PRODUCER_FENCED, "fenced by the test");
rd_kafka_poll(fp, 500);
rd_kafka_destroy(fp);
const fe = newConf({ "enable.idempotence": "true" });
rd_kafka_conf_set_events(fe, RD_KAFKA_EVENT_ERROR);
const fq = rd_kafka_new(RD_KAFKA_PRODUCER, fe, e, e.length);
const mq = rd_kafka_queue_get_main(fq);
rd_kafka_test_fatal_error(fq, RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, "out of order by the test");
for (let i = 0; i < 20; i++) { const ev = rd_kafka_queue_poll(mq, 100); if (!ev) continue; const t = rd_kafka_event_type(ev); rd_kafka_event_destroy(ev); if (t === RD_KAFKA_EVENT_ERROR) break; }
rd_kafka_queue_destroy(mq);
rd_kafka_destroy(fq);`,
    );
    const fatal = (await eventsOf('error', from)).filter((x) => x.data.fatal);
    assert.equal(fatal.length, 2, JSON.stringify(fatal));
    assert.equal(fatal[0]!.data.errName, '_FATAL');
    assert.equal(fatal[0]!.data.underlying?.errName, 'PRODUCER_FENCED');
    assert.match(fatal[0]!.data.underlying?.reason ?? '', /fenced by the test/);
    assert.equal(fatal[1]!.data.underlying?.errName, 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    assert.match(fatal[1]!.data.underlying?.reason ?? '', /out of order by the test/);
  });

  test('delivery reports and consumed messages carry their headers: text, binary (base64), bounded', async () => {
    const from = events.length;
    await run(
      `const hpc = newConf();
rd_kafka_conf_set_dr_msg_cb(hpc, () => {});
const hp = rd_kafka_new(RD_KAFKA_PRODUCER, hpc, e, e.length);
const many = rd_kafka_headers_new(40);
for (let i = 0; i < 40; i++) rd_kafka_header_add(many, "h" + i, -1, "v" + i, -1);
rd_kafka_producev(hp, RD_KAFKA_V_TOPIC("headers"), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_VALUE("a"),
  RD_KAFKA_V_HEADER("trace", "abc"), RD_KAFKA_V_HEADER("bin", new Uint8Array([0, 255, 0, 1])),
  RD_KAFKA_V_HEADER("big", "x".repeat(1000)), RD_KAFKA_V_HEADER("none", null), RD_KAFKA_V_END);
rd_kafka_producev(hp, RD_KAFKA_V_TOPIC("headers"), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_VALUE("b"), RD_KAFKA_V_HEADERS(many), RD_KAFKA_V_END);
rd_kafka_producev(hp, RD_KAFKA_V_TOPIC("headers"), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_VALUE("c"), RD_KAFKA_V_END);
rd_kafka_flush(hp, 10000);
rd_kafka_destroy(hp);
const hc = rd_kafka_new(RD_KAFKA_CONSUMER, newConf({ "group.id": "headers" }), e, e.length);
const asg = rd_kafka_topic_partition_list_new(1);
rd_kafka_topic_partition_list_add(asg, "headers", 0);
rd_kafka_topic_partition_list_set_offset(asg, "headers", 0, RD_KAFKA_OFFSET_BEGINNING);
rd_kafka_assign(hc, asg);
rd_kafka_topic_partition_list_destroy(asg);
let got = 0;
for (let i = 0; i < 100 && got < 3; i++) { const m = rd_kafka_consumer_poll(hc, 100); if (m) { if (!rkmsg.err(m)) got++; rd_kafka_message_destroy(m); } }
rd_kafka_consumer_close(hc); rd_kafka_destroy(hc);`,
    );
    for (const type of ['dr', 'consume'] as const) {
      const msgs = (await eventsOf(type, from)).filter((x) => x.data.topic === 'headers' && !x.data.err);
      assert.equal(msgs.length, 3, `${type}: 3 messages`);
      const [a, b, c] = msgs.sort((x, y) => x.data.offset - y.data.offset);
      assert.deepEqual(a!.data.headers, [
        { name: 'trace', value: 'abc', size: 3 },
        { name: 'bin', value: Buffer.from([0, 255, 0, 1]).toString('base64'), encoding: 'base64', size: 4 },
        { name: 'big', value: 'x'.repeat(256), size: 1000, truncated: true },
        { name: 'none', value: null, size: 0 },
      ]);
      assert.equal(b!.data.headers?.length, 32, `${type}: at most 32 headers listed`);
      assert.equal(b!.data.headerCount, 40);
      assert.deepEqual(b!.data.headers?.[31], { name: 'h31', value: 'v31', size: 3 });
      assert.equal(c!.data.headers, undefined, 'no headers: none listed');
    }
  });

  test('a rebalance taken through the event API carries the rebalance protocol', async () => {
    const from = events.length;
    await run(
      `rd_kafka_mock_topic_create(MOCK_CLUSTER, "event-api-rebalance", 2, 1);
const rc = newConf({ "group.id": "event-api-rebalance" });
rd_kafka_conf_set_events(rc, RD_KAFKA_EVENT_REBALANCE);
const rcons = rd_kafka_new(RD_KAFKA_CONSUMER, rc, e, e.length);
const cq2 = rd_kafka_queue_get_consumer(rcons);
const subs = rd_kafka_topic_partition_list_new(1);
rd_kafka_topic_partition_list_add(subs, "event-api-rebalance", RD_KAFKA_PARTITION_UA);
rd_kafka_subscribe(rcons, subs);
rd_kafka_topic_partition_list_destroy(subs);
let assigned = false;
for (let i = 0; i < 200 && !assigned; i++) {
  const ev = rd_kafka_queue_poll(cq2, 100);
  if (!ev) continue;
  if (rd_kafka_event_type(ev) === RD_KAFKA_EVENT_REBALANCE && rd_kafka_event_error(ev) === RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(rcons, rd_kafka_event_topic_partition_list(ev));
    assigned = true;
  }
  rd_kafka_event_destroy(ev);
}
rd_kafka_queue_destroy(cq2);
rd_kafka_consumer_close(rcons); rd_kafka_destroy(rcons);
assigned`,
    );
    const rebalances = await eventsOf('rebalance', from);
    assert.equal(rebalances[0]?.data.kind, 'assign');
    assert.equal(rebalances[0]?.data.protocol, 'EAGER');
  });
});

describe('helpers for what C does with pointers', () => {
  test('cbytes(p, n) copies bytes at a pointer, NULs included', async () => {
    const got = await run(
      `const hdrs = rd_kafka_headers_new(1);
rd_kafka_header_add(hdrs, "k", -1, new Uint8Array([1, 0, 2, 0, 3]), 5);
const valp = out.ptr(), sizep = out.size();
rd_kafka_header_get_last(hdrs, "k", valp, sizep);
const bytes = cbytes(valp[0]!, sizep[0]!);
rd_kafka_headers_destroy(hdrs);
[...bytes!].join(",")`,
    );
    assert.equal(got, "'1,0,2,0,3'");
  });

  test("cref(p, struct).field = v writes a struct field in place, as C's p->field = v", async () => {
    const got = await run(
      `const list = rd_kafka_topic_partition_list_new(1);
const tp = cref<rd_kafka_topic_partition_t>(rd_kafka_topic_partition_list_add(list, "t", 3), "rd_kafka_topic_partition_t");
tp.offset = 10;
tp.err = RD_KAFKA_RESP_ERR__NOENT;
const seen = cstruct(cstruct(list, "rd_kafka_topic_partition_list_t").elems, "rd_kafka_topic_partition_t");
let refused = "";
try { (tp as any).ofset = 1; } catch (x) { refused = String(x); }
const result = JSON.stringify([tp.topic, seen.partition, seen.offset, seen.err, refused.includes("no field ofset")]);
rd_kafka_topic_partition_list_destroy(list);
result`,
    );
    assert.equal(got, `'["t",3,10,-156,true]'`);
  });
});
