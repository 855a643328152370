// A C program of our own (test/trace/programs/callbacks.c) that prints what each of its callbacks
// received: the traced events must say the same, before an exit() from a callback and a crash too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { compileProgram, counts, ofType, programUnderTest, runCommand, said, trace } from './support.ts';

const p = programUnderTest('callbacks');

test('dr, stats, error, log and rebalance callbacks: each observed with the fields the program received', async () => {
  const r = await trace(p.bindings, [p.program, 'all'], { env: p.env });
  assert.equal(r.code, 0, r.stderr);
  const ev = r.events;

  const drs = said(r.stdout, 'dr');
  assert.equal(drs.length, 5);
  assert.deepEqual(
    ofType(ev, 'dr').map((e) => ({
      handle: e.handle,
      topic: e.data.topic,
      partition: String(e.data.partition),
      offset: String(e.data.offset),
      err: String(e.data.err),
      len: String(e.data.len),
      keylen: String(e.data.keyLen),
    })),
    drs.map((d) => ({
      handle: d.handle,
      topic: d.topic,
      partition: d.partition,
      offset: d.offset,
      err: d.err,
      len: d.len,
      keylen: d.keylen,
    })),
  );
  // The partitioner's return value reached librdkafka unchanged: every message went to the last partition.
  assert.ok(drs.every((d) => d.partition === drs[0]!.partition && Number(d.partition) > 0));
  assert.equal(ofType(ev, 'callback').filter((e) => e.data.name === 'partitioner').length, 5);

  const stats = said(r.stdout, 'stats');
  assert.ok(stats.length >= 2);
  assert.equal(ofType(ev, 'stats').length, stats.length);
  for (const [i, e] of ofType(ev, 'stats').entries()) {
    assert.equal(e.handle, stats[i]!.handle);
    assert.equal(e.data.name, stats[i]!.handle, 'the statistics JSON itself is the data');
    assert.equal(e.data.type, 'producer');
  }

  const errors = said(r.stdout, 'error');
  assert.ok(errors.length >= 1);
  assert.deepEqual(
    ofType(ev, 'error').map((e) => [e.handle, String(e.data.err), e.data.errName, e.data.fatal]),
    errors.map((e) => [e.handle, e.err, e.name, false]),
  );

  const logs = said(r.stdout, 'log');
  assert.ok(logs.length >= 1, 'the failed connection is logged');
  assert.deepEqual(
    ofType(ev, 'log').map((e) => [e.handle, String(e.data.level), e.data.facility]),
    logs.map((l) => [l.handle, l.level, l.fac]),
  );

  const rebalances = said(r.stdout, 'rebalance');
  assert.deepEqual(
    ofType(ev, 'rebalance').map((e) => [
      e.handle,
      String(e.data.err),
      e.data.kind,
      String(e.data.partitions.length),
    ]),
    rebalances.map((b) => [b.handle, b.err, b.err === '-175' ? 'assign' : 'revoke', b.partitions]),
  );
  const assign = ofType(ev, 'rebalance').find((e) => e.data.kind === 'assign')!;
  assert.ok(assign.data.partitions.every((p) => p.topic.startsWith('callbacks-')));

  const consumed = said(r.stdout, 'consume');
  assert.equal(ofType(ev, 'consume').filter((e) => e.data.err === 0).length, consumed.length);

  const created = ofType(ev, 'handle_created').map((e) => [e.data.kind, e.data.name]);
  assert.deepEqual(created, [
    ['producer', 'rdkafka#producer-1'],
    ['consumer', 'rdkafka#consumer-2'],
    ['producer', 'rdkafka#producer-3'],
  ]);
  assert.equal(ofType(ev, 'handle_destroyed').length, 3);
  assert.ok(ev.every((e, i) => e.seq === i + 1 && e.cell === null));

  // Each handle's configuration, as the kernel publishes it: read before rd_kafka_new, secrets redacted.
  const configs = ofType(ev, 'handle_config');
  assert.deepEqual(
    configs.map((e) => [e.handle, e.data.kind]),
    created.map(([kind, name]) => [name, kind]),
  );
  const producer = configs[0]!.data;
  assert.equal(producer.config['statistics.interval.ms'], '100');
  assert.ok(producer.modified?.includes('statistics.interval.ms'));
  assert.equal(producer.config['sasl.password'], '••••••');
  assert.deepEqual(producer.redacted, ['sasl.password']);
  assert.doesNotMatch(readFileSync(r.eventsFile, 'utf8'), /hunter2/, 'the secret is in no event');
});

test('a callback that calls exit(0): the events before it are kept and the exit code is 0', async () => {
  const r = await trace(p.bindings, [p.program, 'exit-in-dr'], { env: p.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(said(r.stdout, 'dr').length, 3);
  assert.equal(counts(r.events).dr, 3, 'the delivery report whose callback exited is in');
  assert.equal(counts(r.events).handle_created, 1);
});

test('a program that segfaults after producing: the events before the crash are kept, the status is the crash', async () => {
  const plain = await runCommand(p.program, ['segv'], p.env);
  const r = await trace(p.bindings, [p.program, 'segv'], { env: p.env });
  assert.equal(plain.signal, 'SIGSEGV');
  // The CLI answers as a shell would for the crashed program: 128 + SIGSEGV.
  assert.equal(r.code, 139, r.stderr);
  const same = (s: string) => s.replace(/callbacks-\d+/g, 'callbacks-PID');
  assert.equal(same(r.stdout), same(plain.stdout));
  assert.match(r.stdout, /crashing now/);
  assert.equal(counts(r.events).dr, 5);
  assert.deepEqual(
    ofType(r.events, 'dr').map((e) => e.data.offset),
    said(r.stdout, 'dr').map((d) => Number(d.offset)),
  );
  assert.match(r.stderr, /killed by SIGSEGV/);
});

test('a program that sets more different callbacks at one place than the tracer has slots: all still called, the rest unobserved and said so', async () => {
  const many = compileProgram('many_callbacks');
  const plain = await runCommand(many, []);
  const r = await trace(p.bindings, [many]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, plain.stdout);
  assert.equal(r.stdout, 'callback 0: delivered\ncallback 16: delivered\n');
  assert.equal(counts(r.events).dr, 1, "the first producer's report is observed, the 17th callback's is not");
  assert.match(
    r.stderr,
    /note: more than 16 different callback functions set with rd_kafka_conf_set_dr_msg_cb: dr_msg_cb: the others are not observed/,
  );
});

test('a program that never calls librdkafka gets one sentence instead of an empty report, its output intact', async () => {
  const report = `${p.program}-echo.html`;
  const r = await trace(p.bindings, ['/bin/echo', 'hello from echo'], { extra: ['--report', report] });
  assert.equal(r.code, 0);
  assert.equal(existsSync(report), false);
  assert.equal(r.stdout, 'hello from echo\n');
  assert.match(r.stderr, /no librdkafka symbols were called by echo: is it linked statically\?/);
  assert.equal(r.events.length, 0);
});

test('a program that only asks librdkafka its version is traced (no events), not taken for a static one', async () => {
  const plain = await runCommand('kcat', ['-V']);
  const r = await trace(p.bindings, ['kcat', '-V']);
  assert.equal(r.code, plain.code);
  assert.equal(r.stdout, plain.stdout);
  assert.doesNotMatch(r.stderr, /no librdkafka symbols were called/);
  assert.match(r.stderr, /kcat \(librdkafka 2\.\d+\.\d+ from .*\): exit 0; events: none/);
});

test("a program that does not exist: exit 127 and the shell's sentence", async () => {
  const r = await trace(p.bindings, ['/nonexistent/program']);
  assert.equal(r.code, 127);
  assert.match(r.stderr, /\/nonexistent\/program: command not found/);
});
