// The kernel as a user meets it: a real kernel process, real librdkafka, the embedded mock cluster.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KernelClient } from '../../extension/kernel/client.ts';
import type { CellOutput, KernelEvent } from '../../protocol/index.ts';
import { repoRoot as root } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

let k: KernelClient;
const events: KernelEvent[] = [];

async function run(cell: number, source: string) {
  const outputs: CellOutput[] = [];
  const r = await k.execute(cell, source, (o) => outputs.push(o));
  const text = (kind: string) =>
    outputs
      .filter((o) => o.kind === kind)
      .map((o) =>
        o.kind === 'stream'
          ? o.text
          : o.kind === 'result' || o.kind === 'display'
            ? String(o.data['text/plain'])
            : '',
      )
      .join('');
  const error = outputs.find((o) => o.kind === 'error') as Extract<CellOutput, { kind: 'error' }> | undefined;
  return { ...r, outputs, stdout: text('stream'), result: text('result'), error };
}

before(async () => {
  k = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  k.onEvents((e) => events.push(...e));
});
after(async () => {
  await k?.shutdown();
});

test('ready: reports the librdkafka it loaded and its start-up time', () => {
  assert.match(k.info.librdkafka.version, /^\d+\.\d+\.\d+/);
  assert.ok(k.info.startupMs > 0);
  assert.equal(k.alive, true);
});

test('state lives across cells; re-running a cell does not fail on redeclaration', async () => {
  assert.equal((await run(0, 'const base = 40; function add(x: number) { return base + x }')).status, 'ok');
  const r1 = await run(1, 'add(2)');
  assert.equal(r1.result, '42');
  const again = await run(0, 'const base = 40; function add(x: number) { return base + x }');
  assert.equal(again.status, 'ok', again.error?.message);
  assert.equal((await run(1, 'add(2)')).result, '42');
});

test('stdout and stderr stream; the last expression is shown; display() gives rich output', async () => {
  const r = await run(2, 'console.log("out"); console.error("err"); display([{ a: 1 }, { a: 2 }]);\n"done"');
  assert.equal(r.status, 'ok');
  assert.match(r.stdout, /out/);
  assert.match(r.stdout, /err/);
  assert.equal(r.result, "'done'");
  const d = r.outputs.find((o) => o.kind === 'display');
  assert.ok(d && d.kind === 'display' && String(d.data['text/html']).includes('<table'));
});

test("what native code writes to fd 1 and 2 as a cell ends is that cell's output, never the next cell's", async () => {
  // librdkafka's default logger and C's printf write to the kernel's fd 2/1 themselves, beside the IPC
  // channel that says the cell is done: a line written just before the end used to show under the next cell.
  // fs.writeSync on the fds writes as native code does (console.* goes through the kernel's outputs).
  const seen: string[] = [];
  for (let i = 0; i < 25; i++) {
    const r = await run(
      90,
      `import { writeSync } from 'node:fs';\nwriteSync(1, 'native out ${i}\\n');\nwriteSync(2, 'native err ${i}\\n');`,
    );
    assert.equal(r.status, 'ok', r.error?.message);
    seen.push(r.stdout);
  }
  for (const [i, text] of seen.entries())
    assert.equal(
      text.split('\n').filter(Boolean).sort().join('|'),
      `native err ${i}|native out ${i}`,
      `cell run ${i} got: ${JSON.stringify(text)}`,
    );
});

test('top-level await works', async () => {
  const r = await run(
    3,
    'const v = await new Promise<number>((res) => setTimeout(() => res(7), 20));\nv * 6',
  );
  assert.equal(r.result, '42');
});

test('an error names the cell and line in its stack', async () => {
  const r = await run(4, '// comment\n\nfunction inner() {\n  throw new Error("bad thing");\n}\ninner();');
  assert.equal(r.status, 'error');
  assert.equal(r.error?.message, 'bad thing');
  assert.match(r.error!.stack, /at inner \(cell 4, line 4\)/);
  assert.match(r.error!.stack, /cell 4, line 6/);
});

test('a stack names only lines that ran: no frame at a later line of the cell (the wrapper that starts it)', async () => {
  // The throw is on line 3, called from line 5; lines 6-7 never run. The kernel's own wrapper calls the
  // cell from code after its last line, which mapped to line 7.
  const r = await run(
    41,
    'const a = 1;\nfunction fail() {\n  throw new Error("stop here");\n}\nfail();\nconst b = 2;\nconst c = 3;',
  );
  assert.equal(r.status, 'error');
  const frames = r.error!.stack.split('\n').filter((l) => /^\s+at /.test(l));
  assert.deepEqual(frames, ['    at fail (cell 41, line 3)', '    at cell 41, line 5'], r.error!.stack);
});

test("a value is shown as Node's REPL shows it, without running its getters: a getter that throws leaves the cell ok", async () => {
  const r = await run(
    42,
    'let reads = 0;\n({ a: 1, get counted() { reads++; return 2 }, get boom() { throw new Error("getter ran") } })',
  );
  assert.equal(r.status, 'ok', r.error?.message);
  assert.match(r.result, /a: 1/);
  assert.match(r.result, /counted: \[Getter\]/);
  assert.match(r.result, /boom: \[Getter\]/);
  const shown = await run(43, 'display({ get boom() { throw new Error("getter ran") } });\nreads');
  assert.equal(shown.status, 'ok', shown.error?.message);
  assert.equal(shown.result, '0');
});

test('a C type used as a value is named as the type it is, not as a name missing from this librdkafka', async () => {
  const r = await run(45, 'const list = rd_kafka_topic_partition_list_t;');
  assert.equal(r.status, 'error');
  assert.equal(r.error?.name, 'ReferenceError');
  assert.match(
    r.error!.message,
    /^rd_kafka_topic_partition_list_t is a C type \(a struct\) in librdkafka \S+, not a value: name it only in type annotations/,
  );
  assert.doesNotMatch(r.error!.message, /does not declare it/);
  const opaque = await run(46, 'rd_kafka_t');
  assert.match(opaque.error!.message, /^rd_kafka_t is a C type \(an opaque type\) in librdkafka/);
  const missing = await run(47, 'rd_kafka_no_such_function()');
  assert.match(
    missing.error!.message,
    /^rd_kafka_no_such_function is not in librdkafka \S+ \(its rdkafka\.h does not declare it\)/,
  );
});

test('import of node built-ins; require works too', async () => {
  const r = await run(
    5,
    'import { basename } from "node:path";\nbasename("/a/b.txt") + require("node:path").sep',
  );
  assert.equal(r.result, "'b.txt/'");
});

test('interrupt stops a synchronous loop and a pending await, and keeps state', async () => {
  await run(6, 'let spins = 0;');
  // Interrupted once the cell says it got there.
  const interruptOn = (o: CellOutput) => o.kind === 'stream' && o.text.includes('started') && k.interrupt();
  const said: CellOutput[] = [];
  const loop = await k.execute(7, 'spins = 1; console.log("started"); while (true) { spins++; }', (o) => {
    said.push(o);
    interruptOn(o);
  });
  assert.equal(loop.status, 'interrupted');
  // "Interrupted: cell 7 …" says it once: the name is the word, the message what is kept.
  const error = said.find((o) => o.kind === 'error');
  assert.equal(
    error && `${error.name}: ${error.message}`,
    'Interrupted: cell 7 stopped before its end; variables and handles are kept',
  );
  const wait = await k.execute(8, 'console.log("started"); await new Promise(() => {});', interruptOn);
  assert.equal(wait.status, 'interrupted');
  // What the interrupted cell set is kept (the interrupt may come before the loop's first turn).
  const after = await run(9, 'spins >= 1 && base === 40');
  assert.equal(after.result, 'true');
});

test('every C function and constant is a global; BOOTSTRAP is the mock cluster', async () => {
  const r = await run(
    10,
    '[typeof rd_kafka_new, RD_KAFKA_PRODUCER, RD_KAFKA_PARTITION_UA, BOOTSTRAP.split(",").length]',
  );
  assert.equal(r.result.replace(/\s+/g, ' '), "[ 'function', 0, -1, 3 ]");
});

test('1000 messages produced: 1000 delivery-report events with correct offsets, user callback still called', async () => {
  const before = events.length;
  const r = await run(
    11,
    `const err = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, "bootstrap.servers", BOOTSTRAP, err, err.length);
const seen: string[] = [];
rd_kafka_conf_set_dr_msg_cb(conf, (rk, m, opaque) => { seen.push(rkmsg.partition(m) + ":" + rkmsg.offset(m)); });
const producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, err.length);
for (let i = 0; i < 1000; i++)
  rd_kafka_producev(producer, RD_KAFKA_V_TOPIC("dr-test"), RD_KAFKA_V_VALUE("m" + i), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
rd_kafka_flush(producer, 20000);
seen.length`,
  );
  assert.equal(r.status, 'ok', r.error?.stack);
  assert.equal(r.result, '1000');
  const dr = events.slice(before).filter((e): e is Extract<KernelEvent, { type: 'dr' }> => e.type === 'dr');
  assert.equal(dr.length, 1000);
  assert.ok(
    dr.every(
      (e) =>
        e.data.topic === 'dr-test' &&
        e.data.err === 0 &&
        e.cell === 11 &&
        e.handle?.startsWith('rdkafka#producer'),
    ),
  );
  // Offsets per partition are 0..n-1, each exactly once, and match what the cell's own callback saw.
  const byPartition = new Map<number, number[]>();
  for (const e of dr)
    byPartition.set(e.data.partition, [...(byPartition.get(e.data.partition) ?? []), e.data.offset]);
  for (const offsets of byPartition.values())
    assert.deepEqual(
      [...offsets].sort((a, b) => a - b),
      offsets.map((_, i) => i),
    );
  const cellSeen = await run(12, 'seen.join(",")');
  assert.equal(
    cellSeen.result.replace(/'/g, ''),
    dr.map((e) => `${e.data.partition}:${e.data.offset}`).join(','),
  );
  const created = events.find((e) => e.type === 'handle_created' && e.data.kind === 'producer');
  assert.ok(created);
});

test('statistics on without a stats_cb: the stats still arrive as parsed events', async () => {
  const before = events.length;
  const r = await run(
    13,
    `const sconf = rd_kafka_conf_new();
rd_kafka_conf_set(sconf, "bootstrap.servers", BOOTSTRAP, err, err.length);
rd_kafka_conf_set(sconf, "statistics.interval.ms", "100", err, err.length);
const sp = rd_kafka_new(RD_KAFKA_PRODUCER, sconf, err, err.length);
const until = Date.now() + 450;
while (Date.now() < until) rd_kafka_poll(sp, 50);
rd_kafka_destroy(sp);
rd_kafka_name`,
  );
  assert.equal(r.status, 'ok', r.error?.stack);
  const stats = events
    .slice(before)
    .filter((e): e is Extract<KernelEvent, { type: 'stats' }> => e.type === 'stats');
  assert.ok(stats.length >= 2, `got ${stats.length} stats events`);
  assert.equal(stats[0]!.data.type, 'producer');
  assert.equal(stats[0]!.data.name, stats[0]!.handle);
  assert.ok(events.slice(before).some((e) => e.type === 'handle_destroyed'));
});

test('an async stats_cb (it returns a Promise where C wants an int) is named with the fix; librdkafka gets 0 and the cell goes on', async () => {
  const r = await run(
    44,
    `const aerr = errbuf();
const aconf = rd_kafka_conf_new();
rd_kafka_conf_set(aconf, "bootstrap.servers", BOOTSTRAP, aerr, aerr.length);
rd_kafka_conf_set(aconf, "statistics.interval.ms", "100", aerr, aerr.length);
let asyncStats = 0;
rd_kafka_conf_set_stats_cb(aconf, async () => { asyncStats++; return 0; });
const ap = rd_kafka_new(RD_KAFKA_PRODUCER, aconf, aerr, aerr.length);
const aUntil = Date.now() + 20000;
while (asyncStats < 2 && Date.now() < aUntil) rd_kafka_poll(ap, 50);
rd_kafka_destroy(ap);
console.log("stats_cb calls:", asyncStats);`,
  );
  assert.equal(r.status, 'ok', r.error?.stack);
  assert.match(r.stdout, /stats_cb calls: 2/);
  assert.match(
    r.stdout,
    /error in stats_cb: TypeError: stats_cb returned a Promise \(an async function\?\) where librdkafka expects int/,
  );
  assert.match(r.stdout, /write it as a plain function/);
});

test('log_cb + debug=all + synchronous rd_kafka_destroy finishes, and every line reaches both the cell and the events', async () => {
  const before = events.length;
  const r = await run(
    14,
    `const lconf = rd_kafka_conf_new();
rd_kafka_conf_set(lconf, "bootstrap.servers", BOOTSTRAP, err, err.length);
rd_kafka_conf_set(lconf, "debug", "all", err, err.length);
let logLines = 0;
rd_kafka_conf_set_log_cb(lconf, (rk, level, fac, buf) => { logLines++; });
const lp = rd_kafka_new(RD_KAFKA_PRODUCER, lconf, err, err.length);
for (let i = 0; i < 100; i++) rd_kafka_producev(lp, RD_KAFKA_V_TOPIC("log-test"), RD_KAFKA_V_VALUE("x"), RD_KAFKA_V_END);
const flushed = rd_kafka_flush(lp, 10000);
rd_kafka_destroy(lp);`,
  );
  assert.equal(r.status, 'ok', r.error?.stack);
  // Read in the next cell: a cell ends once the lines of every log_cb call that returned have been relayed.
  const read = await run(15, '[flushed, logLines]');
  const [flushed, lines] = JSON.parse(read.result) as [number, number];
  assert.equal(flushed, 0);
  assert.ok(lines > 50, `only ${lines} log lines`);
  const logs = events.slice(before).filter((e) => e.type === 'log');
  assert.equal(logs.length, lines, 'each line the callback got is an event too');
});

test('rebalance_cb is observed (assign with partitions, then revoke) and the cell still assigns', async () => {
  const before = events.length;
  const r = await run(
    20,
    `const cc = rd_kafka_conf_new();
rd_kafka_conf_set(cc, "bootstrap.servers", BOOTSTRAP, err, err.length);
rd_kafka_conf_set(cc, "group.id", "rebalance-test", err, err.length);
const calls: number[] = [];
rd_kafka_conf_set_rebalance_cb(cc, (rk, e, parts, opaque) => {
  calls.push(e);
  rd_kafka_assign(rk, e === RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS ? parts : NULL);
});
const consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cc, err, err.length);
rd_kafka_poll_set_consumer(consumer);
const subs = rd_kafka_topic_partition_list_new(1);
rd_kafka_topic_partition_list_add(subs, "dr-test", RD_KAFKA_PARTITION_UA);
rd_kafka_subscribe(consumer, subs);
rd_kafka_topic_partition_list_destroy(subs);
const until = Date.now() + 20000;
while (!calls.length && Date.now() < until) { const m = rd_kafka_consumer_poll(consumer, 100); if (m) rd_kafka_message_destroy(m); }
rd_kafka_consumer_close(consumer);
rd_kafka_destroy(consumer);
calls.length`,
  );
  assert.equal(r.status, 'ok', r.error?.stack);
  assert.ok(Number(r.result) >= 2, `rebalance_cb called ${r.result} times`);
  const rebalances = events
    .slice(before)
    .filter((e): e is Extract<KernelEvent, { type: 'rebalance' }> => e.type === 'rebalance');
  assert.equal(rebalances[0]?.data.kind, 'assign');
  // The mock cluster auto-creates topics with 4 partitions: the single member gets them all.
  assert.deepEqual(rebalances[0]!.data.partitions.map((p) => `${p.topic}/${p.partition}`).sort(), [
    'dr-test/0',
    'dr-test/1',
    'dr-test/2',
    'dr-test/3',
  ]);
  assert.equal(rebalances.at(-1)?.data.kind, 'revoke');
});

test('under load the event stream stays bounded and its counts stay exact', async () => {
  const before = events.length;
  const r = await run(
    21,
    `const lc = rd_kafka_conf_new();
rd_kafka_conf_set(lc, "bootstrap.servers", BOOTSTRAP, err, err.length);
rd_kafka_conf_set(lc, "linger.ms", "5", err, err.length);
let got = 0;
rd_kafka_conf_set_dr_msg_cb(lc, (rk, m, o) => { got++; });
const lp2 = rd_kafka_new(RD_KAFKA_PRODUCER, lc, err, err.length);
const rkt = rd_kafka_topic_new(lp2, "load-test", NULL);
const payload = Buffer.from("0123456789");
for (let i = 0; i < 200000; i++) {
  while (rd_kafka_produce(rkt, i % 4, 0, payload, 10, NULL, 0, NULL) === -1) rd_kafka_poll(lp2, 10);
}
rd_kafka_flush(lp2, 30000);
rd_kafka_topic_destroy(rkt);
rd_kafka_destroy(lp2);
got`,
  );
  assert.equal(r.status, 'ok', r.error?.stack);
  assert.equal(r.result, '200000');
  const mine = events.slice(before);
  const detailed = mine.filter((e) => e.type === 'dr').length;
  const counted = mine.reduce((n, e) => n + (e.type === 'dropped' ? (e.data.counts.dr ?? 0) : 0), 0);
  assert.equal(detailed + counted, 200000, 'every delivery report is accounted for');
  assert.ok(
    detailed < 200000 && detailed <= 5000 * (1 + Math.ceil(r.durationMs / 1000)),
    `${detailed} detailed events in ${r.durationMs} ms`,
  );
});

test('clusterConfig applies to a conf the cells create with rd_kafka_conf_new', async () => {
  const k2 = await KernelClient.start({
    bindingsDir: bindings(),
    bootstrap: 'mock',
    cwd: root,
    clusterConfig: { 'client.id': 'from-cluster-config' },
  });
  try {
    const outputs: CellOutput[] = [];
    await k2.execute(
      0,
      'const e = errbuf(); const p = rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), e, e.length);\nrd_kafka_name(p)',
      (o) => outputs.push(o),
    );
    const res = outputs.find((o) => o.kind === 'result');
    assert.match(
      String(res?.kind === 'result' && res.data['text/plain']),
      /^'from-cluster-config#producer-\d+'$/,
    );
  } finally {
    await k2.shutdown();
  }
});

test('a bogus pointer kills only the kernel: SIGSEGV named with the cell; restart works', async () => {
  const exits: string[] = [];
  const off = k.onExit((i) => exits.push(i.message));
  const r = await run(15, 'rd_kafka_name(8n)');
  off();
  assert.equal(r.status, 'error');
  assert.equal(r.error?.name, 'KernelDied');
  assert.equal(r.error?.message, 'kernel died (SIGSEGV) while running cell 15');
  assert.deepEqual(exits, ['kernel died (SIGSEGV) while running cell 15']);
  assert.equal(k.alive, false);
  await k.restart();
  assert.equal(k.alive, true);
  const fresh = await run(0, 'typeof base');
  assert.equal(fresh.result, "'undefined'", 'a restarted kernel starts empty');
  assert.equal((await run(1, '1 + 1')).result, '2');
});

test('a kernel that cannot find librdkafka says so and what to do', async () => {
  await assert.rejects(
    KernelClient.start({
      bindingsDir: bindings(),
      bootstrap: 'mock',
      cwd: root,
      library: '/nonexistent/librdkafka.so.1',
    }),
    /cannot load librdkafka from \/nonexistent\/librdkafka\.so\.1 \(.*cannot open shared object file.*\): install librdkafka/,
  );
});

test('missing bindings: a clear message naming the folder and the gen command', async () => {
  await assert.rejects(
    KernelClient.start({ bindingsDir: '/nonexistent-bindings', bootstrap: 'mock', cwd: root }),
    /no bindings in \/nonexistent-bindings.*rdkafka-workbench gen/,
  );
});

test('event API: messages a consumer takes out of FETCH events are published as consume events, the cell still reads them', async () => {
  const k4 = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  const evs: KernelEvent[] = [];
  k4.onEvents((e) => evs.push(...e));
  try {
    const outputs: CellOutput[] = [];
    const r = await k4.execute(
      0,
      `const e = errbuf(); const pc = rd_kafka_conf_new();
rd_kafka_conf_set(pc, "bootstrap.servers", BOOTSTRAP, e, e.length);
const p = rd_kafka_new(RD_KAFKA_PRODUCER, pc, e, e.length);
for (let i = 0; i < 10; i++) rd_kafka_producev(p, RD_KAFKA_V_TOPIC("fetch-api"), RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_VALUE("v" + i), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
rd_kafka_flush(p, 5000);
const cc = rd_kafka_conf_new();
rd_kafka_conf_set(cc, "bootstrap.servers", BOOTSTRAP, e, e.length);
rd_kafka_conf_set(cc, "group.id", "fetch-api-group", e, e.length);
const c = rd_kafka_new(RD_KAFKA_CONSUMER, cc, e, e.length);
const parts = rd_kafka_topic_partition_list_new(1);
rd_kafka_topic_partition_list_add(parts, "fetch-api", 0);
rd_kafka_topic_partition_list_set_offset(parts, "fetch-api", 0, RD_KAFKA_OFFSET_BEGINNING);
rd_kafka_assign(c, parts);
rd_kafka_topic_partition_list_destroy(parts);
const q = rd_kafka_queue_get_consumer(c);
const offsets: number[] = [];
for (let t = 0; t < 100 && offsets.length < 10; t++) {
  const ev = rd_kafka_queue_poll(q, 100);
  if (!ev) continue;
  if (rd_kafka_event_type(ev) === RD_KAFKA_EVENT_FETCH)
    for (let m = rd_kafka_event_message_next(ev); m; m = rd_kafka_event_message_next(ev))
      if (!rkmsg.err(m)) offsets.push(rkmsg.offset(m));
  rd_kafka_event_destroy(ev);
}
rd_kafka_queue_destroy(q);
rd_kafka_consumer_close(c);
rd_kafka_destroy(c);
rd_kafka_destroy(p);
offsets.join(",")`,
      (o) => outputs.push(o),
    );
    assert.equal(r.status, 'ok', JSON.stringify(outputs));
    const res = outputs.find((o) => o.kind === 'result');
    const offsets = String(res?.kind === 'result' && res.data['text/plain']).replace(/'/g, '');
    assert.equal(offsets, '0,1,2,3,4,5,6,7,8,9', 'the cell read all ten messages');
    const consumed = evs.filter((e): e is Extract<KernelEvent, { type: 'consume' }> => e.type === 'consume');
    assert.equal(consumed.map((e) => e.data.offset).join(','), offsets);
    assert.ok(consumed.every((e) => e.data.topic === 'fetch-api' && e.data.err === 0));
  } finally {
    await k4.shutdown();
  }
});

test('event API: delivery reports taken from a DR event are published, the cell still iterates them', async () => {
  const k3 = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  const evs: KernelEvent[] = [];
  k3.onEvents((e) => evs.push(...e));
  try {
    const outputs: CellOutput[] = [];
    const r = await k3.execute(
      0,
      `const e = errbuf(); const c = rd_kafka_conf_new();
rd_kafka_conf_set(c, "bootstrap.servers", BOOTSTRAP, e, e.length);
rd_kafka_conf_set_events(c, RD_KAFKA_EVENT_DR);
const p = rd_kafka_new(RD_KAFKA_PRODUCER, c, e, e.length);
for (let i = 0; i < 10; i++) rd_kafka_producev(p, RD_KAFKA_V_TOPIC("event-api"), RD_KAFKA_V_VALUE("v" + i), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
rd_kafka_flush(p, 5000);
const q = rd_kafka_queue_get_main(p);
const offsets: number[] = [];
for (let t = 0; t < 50 && offsets.length < 10; t++) {
  const ev = rd_kafka_queue_poll(q, 100);
  if (!ev) continue;
  if (rd_kafka_event_type(ev) === RD_KAFKA_EVENT_DR) {
    const arr = new BigUint64Array(100);
    const n = Number(rd_kafka_event_message_array(ev, arr, 100));
    for (let i = 0; i < n; i++) offsets.push(rkmsg.offset(arr[i]!));
  }
  rd_kafka_event_destroy(ev);
}
rd_kafka_queue_destroy(q);
offsets.join(",")`,
      (o) => outputs.push(o),
    );
    assert.equal(r.status, 'ok', JSON.stringify(outputs));
    const res = outputs.find((o) => o.kind === 'result');
    const offsets = String(res?.kind === 'result' && res.data['text/plain']).replace(/'/g, '');
    const dr = evs.filter((e): e is Extract<KernelEvent, { type: 'dr' }> => e.type === 'dr');
    assert.equal(dr.length, 10);
    assert.equal(dr.map((e) => e.data.offset).join(','), offsets);
    assert.ok(dr.every((e) => e.data.topic === 'event-api'));
  } finally {
    await k3.shutdown();
  }
});

test('a package from the workspace node_modules imports; a loop after an await is interruptible too', async () => {
  const k4 = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  try {
    const outputs: CellOutput[] = [];
    await k4.execute(0, 'import * as acorn from "acorn";\ntypeof acorn.parse', (o) => outputs.push(o));
    assert.deepEqual(outputs, [{ kind: 'result', data: { 'text/plain': "'function'" } }]);
    const r = await k4.execute(
      1,
      'await new Promise((r) => setTimeout(r, 10));\nlet spin = 0;\nconsole.log("spinning");\nwhile (true) spin++;',
      (o) => o.kind === 'stream' && o.text.includes('spinning') && k4.interrupt(),
    );
    assert.equal(r.status, 'interrupted');
  } finally {
    await k4.shutdown();
  }
});

test('shutdown destroys every handle the cells created', async () => {
  const k5 = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  const evs: KernelEvent[] = [];
  k5.onEvents((e) => evs.push(...e));
  await k5.execute(
    0,
    'const e = errbuf();\nfor (const t of [RD_KAFKA_PRODUCER, RD_KAFKA_CONSUMER]) { const c = rd_kafka_conf_new(); rd_kafka_conf_set(c, "bootstrap.servers", BOOTSTRAP, e, e.length); rd_kafka_new(t, c, e, e.length); }',
    () => {},
  );
  await k5.shutdown();
  const created = evs.filter((e) => e.type === 'handle_created').map((e) => e.handle);
  const destroyed = evs.filter((e) => e.type === 'handle_destroyed').map((e) => e.handle);
  assert.equal(created.length, 2);
  assert.deepEqual([...destroyed].sort(), [...created].sort());
  assert.equal(k5.alive, false);
});

test('import of an ESM-only package (exports without a require condition) from the workspace', async () => {
  const ws = mkdtempSync(join(tmpdir(), 'wb-ws-'));
  const pkg = join(ws, 'node_modules', 'esm-only');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: 'esm-only', type: 'module', exports: { '.': { import: './main.js' } } }),
  );
  writeFileSync(join(pkg, 'main.js'), 'export const answer = 42; export default "esm";');
  const k6 = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: ws });
  try {
    const outputs: CellOutput[] = [];
    await k6.execute(0, 'import esm, { answer } from "esm-only";\n[esm, answer]', (o) => outputs.push(o));
    const res = outputs.find((o) => o.kind === 'result');
    assert.equal(res?.kind === 'result' && res.data['text/plain'], "[ 'esm', 42 ]", JSON.stringify(outputs));
  } finally {
    await k6.shutdown();
  }
});

test('output printed after its cell finished reaches onStrayOutput with that cell', async () => {
  const k7 = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  try {
    const late = new Promise<[string, number | null]>((resolve) =>
      k7.onStrayOutput((o, cell) => resolve([o.kind === 'stream' ? o.text : o.kind, cell])),
    );
    const r = await k7.execute(3, 'setTimeout(() => console.log("later"), 50);', () => {});
    assert.equal(r.status, 'ok');
    assert.deepEqual(await late, ['later\n', 3]);
  } finally {
    await k7.shutdown();
  }
});

test('any other callback (an interceptor) is published as a `callback` event and still runs', async () => {
  const k8 = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  const evs: KernelEvent[] = [];
  k8.onEvents((e) => evs.push(...e));
  try {
    const outputs: CellOutput[] = [];
    await k8.execute(
      0,
      `const e = errbuf(); const c = rd_kafka_conf_new();
let seen = 0;
rd_kafka_conf_interceptor_add_on_new(c, "wb-test", (rk, conf, opaque, errstr, size) => { seen++; return 0; }, NULL);
const p = rd_kafka_new(RD_KAFKA_PRODUCER, c, e, e.length);
rd_kafka_destroy(p);
seen`,
      (o) => outputs.push(o),
    );
    const res = outputs.find((o) => o.kind === 'result');
    assert.equal(res?.kind === 'result' && res.data['text/plain'], '1', JSON.stringify(outputs));
    const cb = evs.find((x) => x.type === 'callback');
    assert.equal(cb?.type === 'callback' && cb.data.name, 'on_new');
  } finally {
    await k8.shutdown();
  }
});
