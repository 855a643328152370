// The rest of what the tracer observes, at run time (test/trace/programs/more_callbacks.c prints what it
// saw): the event API (delivery reports, statistics, rebalances and messages taken from queues), offset
// commits (offset_commit_cb and rd_kafka_commit_queue's own callback), the OAUTHBEARER token refresh,
// background events and interceptors as generic callbacks — secrets redacted in each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ofType, programUnderTest, runCommand, said, trace } from './support.ts';

const p = programUnderTest('more_callbacks');

async function traced(mode: string) {
  const r = await trace(p.bindings, [p.program, mode], { env: p.env });
  assert.equal(r.code, 0, `${mode}: ${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(readFileSync(r.eventsFile, 'utf8'), /hunter2/, 'a secret reached the trace');
  return r;
}

test('the event API: delivery reports, statistics, rebalances and consumed messages taken from queues', async () => {
  const r = await traced('events');
  const drs = said(r.stdout, 'dr');
  assert.equal(drs.length, 5);
  assert.deepEqual(
    ofType(r.events, 'dr').map((e) => [
      e.handle,
      String(e.data.partition),
      String(e.data.offset),
      String(e.data.err),
    ]),
    drs.map((d) => [d.handle, d.partition, d.offset, d.err]),
  );
  assert.equal(ofType(r.events, 'stats').length, said(r.stdout, 'stats').length);
  assert.ok(ofType(r.events, 'stats').every((e) => e.handle === 'rdkafka#producer-1'));
  const rebalances = said(r.stdout, 'rebalance');
  assert.deepEqual(
    ofType(r.events, 'rebalance').map((e) => [
      e.handle,
      String(e.data.err),
      String(e.data.partitions.length),
    ]),
    rebalances.map((b) => [b.handle, b.err, b.partitions]),
  );
  // Messages taken out of FETCH events on the consumer's queue, under the consumer's handle.
  const consumed = said(r.stdout, 'consume');
  assert.equal(consumed.length, 5);
  assert.deepEqual(
    ofType(r.events, 'consume')
      .filter((e) => e.data.err === 0)
      .map((e) => [e.handle, String(e.data.partition), String(e.data.offset)]),
    consumed.map((c) => [c.handle, c.partition, c.offset]),
  );
});

test("offset commits: offset_commit_cb and rd_kafka_commit_queue's callback, with their error and offsets", async () => {
  const r = await traced('commit');
  const commits = [...said(r.stdout, 'commit'), ...said(r.stdout, 'queue-commit')];
  const events = ofType(r.events, 'offset_commit');
  assert.deepEqual(
    events.map((e) => [
      e.handle,
      String(e.data.err),
      String(e.data.partitions.length),
      String(e.data.partitions.reduce((n, p) => n + Math.max(p.offset ?? 0, 0), 0)),
    ]),
    commits.map((c) => [c.handle, c.err, c.partitions, c.sum]),
  );
  assert.equal(events[1]?.data.errName, '_NO_OFFSET');
});

test('the OAUTHBEARER token refresh: its config, secret values redacted', async () => {
  const r = await traced('oauth');
  assert.equal(said(r.stdout, 'oauth').length, 1);
  const [e] = ofType(r.events, 'oauthbearer_token_refresh');
  assert.equal(e?.handle, 'rdkafka#producer-1');
  assert.equal(e?.data.config, 'principal=alice client.secret=••••••');
});

test('a background event: an admin result delivered to background_event_cb', async () => {
  const r = await traced('background');
  const [seen] = said(r.stdout, 'background');
  const events = ofType(r.events, 'background_event');
  assert.equal(events.length, 1);
  assert.deepEqual(
    [events[0]!.handle, String(events[0]!.data.eventType), events[0]!.data.eventName],
    [seen!.handle, seen!.type, seen!.name],
  );
});

test('interceptors as generic callbacks: each call with its plain arguments, a secret set through on_conf_set redacted', async () => {
  const plain = await runCommand(p.program, ['interceptors'], p.env);
  const r = await traced('interceptors');
  assert.equal(r.stdout, plain.stdout, 'the interceptors behave the same traced');
  const calls = ofType(r.events, 'callback');
  const named = (n: string) => calls.filter((e) => e.data.name === n);
  assert.equal(named('on_conf_set').length, said(r.stdout, 'on_conf_set').length);
  assert.equal(named('on_new').length, 1);
  assert.equal(named('on_send').length, 3);
  assert.equal(named('on_acknowledgement').length, 3);
  assert.ok(named('on_send').every((e) => e.handle === 'rdkafka#producer-1'));
  const secret = named('on_conf_set').find((e) => e.data.args[1] === 'sasl.password');
  assert.equal(secret?.data.args[2], '••••••');
  // errstr is a buffer for the interceptor to fill: a pointer, not whatever was on the caller's stack.
  assert.match(String(secret?.data.args[3]), /^0x[0-9a-f]+$/);
  assert.equal(secret?.data.args[4], 512);
});
