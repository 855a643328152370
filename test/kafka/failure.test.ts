// The broker goes away mid-notebook. The cells must see librdkafka's own errors (and the events carry
// them), nothing may hang past --timeout, and the kernel must stay usable afterwards.
// These tests kill their broker, so they get a private one, not the suite's shared broker.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KernelClient } from '../../extension/kernel/client.ts';
import type { CellOutput, KernelEvent } from '../../protocol/index.ts';
import { ensureBindings } from '../support/bindings.ts';
import { privateBroker, requireBroker, stopBroker, useBroker } from './broker.ts';
import { kernelScript, notebooksDir, repoRoot } from './paths.ts';
import { explain, instantiate, printed, runNotebook } from './run.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const brokerFor = useBroker(() => privateBroker('failure'));

const text = (outs: CellOutput[]) =>
  outs
    .map((o) =>
      o.kind === 'stream'
        ? o.text
        : o.kind === 'error'
          ? `${o.name}: ${o.message}\n`
          : JSON.stringify(o.data),
    )
    .join('');

// Cell sources, as a user would type them: plain librdkafka C API under its C names.
const SETUP = `
const errstr = Buffer.alloc(512);
const conf = rd_kafka_conf_new();
for (const [k, v] of Object.entries({
  'bootstrap.servers': BOOTSTRAP,
  'message.timeout.ms': '6000',   // a message the dead broker cannot take fails after 6 s
  'reconnect.backoff.max.ms': '500',
  'linger.ms': '0',
})) {
  if (rd_kafka_conf_set(conf, k, v, errstr, errstr.length) !== RD_KAFKA_CONF_OK) throw new Error(k + ': ' + errstr);
}
const errors: string[] = [];
rd_kafka_conf_set_error_cb(conf, (rk, err, reason) => {
  errors.push(rd_kafka_err2name(err));
  console.log('error_cb: ' + rd_kafka_err2name(err) + ' (' + err + '): ' + reason);
});
let reports = 0;
const failedReports: string[] = [];
rd_kafka_conf_set_dr_msg_cb(conf, (rk, msg) => {
  reports++;
  if (rkmsg.err(msg)) failedReports.push(rd_kafka_err2name(rkmsg.err(msg)));
});
const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr.length);
if (!rk) throw new Error('rd_kafka_new: ' + errstr);
const rkt = rd_kafka_topic_new(rk, '{{TOPIC}}', null);
'producer ready';
`;

// Produces a message every 100 ms (serving callbacks, yielding to the event loop in between) until
// librdkafka reports the broker's loss (at most 30 s); then flushes: the queued messages can no longer be
// delivered and fail after message.timeout.ms.
const PRODUCE_UNTIL_FAILURE = `
const started = Date.now();
let produced = 0;
const brokerLost = () => errors.includes('_TRANSPORT') || errors.includes('_ALL_BROKERS_DOWN');
while (Date.now() - started < 30000 && !brokerLost()) {
  const payload = Buffer.from('m' + produced);
  if (rd_kafka_produce(rkt, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload, payload.length, null, 0, null) === 0) produced++;
  rd_kafka_poll(rk, 0);
  await new Promise((r) => setTimeout(r, 100));
}
const flushed = rd_kafka_flush(rk, 10000);
console.log('failed deliveries: ' + failedReports.length + ' (' + [...new Set(failedReports)].join(',') + ')');
console.log('produced=' + produced + ' reports=' + reports + ' flush=' + rd_kafka_err2name(flushed) +
  ' still queued=' + rd_kafka_outq_len(rk) + ' errors=' + [...new Set(errors)].join(','));
`;

test('the broker stopped mid-notebook: cells see librdkafka errors, events carry them, the kernel stays usable', async (t) => {
  const broker = brokerFor(t);
  if (!broker) return;
  const client = await KernelClient.start({
    bindingsDir: await ensureBindings(),
    bootstrap: broker.bootstrap,
    cwd: repoRoot,
    kernelScript,
  });
  t.after(() => client.shutdown());
  const events: KernelEvent[] = [];
  let stopped: Promise<void> | null = null;
  let stoppedAt = 0;
  client.onEvents((batch) => {
    events.push(...batch);
    // Stop the broker the moment the first message has been delivered: mid-notebook, mid-cell.
    if (!stopped && batch.some((e) => e.type === 'dr' && e.data.err === 0)) {
      stoppedAt = Date.now();
      stopped = stopBroker(broker.stateFile);
    }
  });
  const topic = `failure-${process.pid}`;
  const run = async (cell: number, source: string) => {
    const outs: CellOutput[] = [];
    const res = await client.execute(cell, source.replaceAll('{{TOPIC}}', topic), (o) => outs.push(o));
    return { ...res, outs, text: text(outs) };
  };

  const setup = await run(0, SETUP);
  assert.equal(setup.status, 'ok', `setup cell failed:\n${setup.text}`);

  const t0 = Date.now();
  const produce = await run(1, PRODUCE_UNTIL_FAILURE);
  const seconds = (Date.now() - t0) / 1000;
  t.diagnostic(
    `produce cell: ${produce.status} in ${seconds.toFixed(1)} s; broker stopped ${stopped ? ((stoppedAt - t0) / 1000).toFixed(1) + ' s in' : 'never'}`,
  );
  for (const line of produce.text.split('\n').filter((l) => /^(failed deliveries|produced=)/.test(l)))
    t.diagnostic(line);
  assert.ok(
    stopped,
    `the cell never delivered a first message, so the broker was never stopped:\n${produce.text}`,
  );
  await stopped;
  // `stop` removed the broker's temp folder and its state.
  assert.equal(existsSync(broker.dir), false, `stop left ${broker.dir} behind`);
  assert.equal(existsSync(broker.stateFile), false, `stop left ${broker.stateFile} behind`);
  assert.equal(produce.status, 'ok', `the cell itself should finish, reporting the errors:\n${produce.text}`);
  assert.ok(seconds < 45, `the cell took ${seconds} s`);

  // The cell saw librdkafka's errors: error_cb with a transport / all-brokers-down error, a failed flush.
  assert.match(
    produce.text,
    /error_cb: _(TRANSPORT|ALL_BROKERS_DOWN)/,
    `the cell did not see the broker's loss:\n${produce.text}`,
  );
  assert.match(
    produce.text,
    /failed deliveries: [1-9]\d* \(.*_MSG_TIMED_OUT/,
    `the cell's dr_msg_cb saw no failed delivery:\n${produce.text}`,
  );
  // …and the events carry them: error events and failed delivery reports with librdkafka's error names.
  const errorEvents = events.filter((e): e is Extract<KernelEvent, { type: 'error' }> => e.type === 'error');
  assert.ok(
    errorEvents.some((e) => e.data.err === -195 || e.data.err === -187),
    `no _TRANSPORT/_ALL_BROKERS_DOWN error event (error events: ${errorEvents.map((e) => e.data.errName).join(', ') || 'none'})`,
  );
  const failedDrs = events.filter(
    (e): e is Extract<KernelEvent, { type: 'dr' }> => e.type === 'dr' && e.data.err !== 0,
  );
  assert.ok(failedDrs.length > 0, `no failed delivery report event; cell said:\n${produce.text}`);
  assert.ok(
    failedDrs.every((e) => typeof e.data.errName === 'string' && e.data.errName.length > 0),
    'failed delivery reports without an error name',
  );
  assert.ok(
    failedDrs.some((e) => e.data.err === -192),
    `expected _MSG_TIMED_OUT (-192) among the failed deliveries, got ${[...new Set(failedDrs.map((e) => e.data.errName))].join(', ')}`,
  );

  // The kernel stays usable: state kept, new cells run, handles can be destroyed and created again.
  const after1 = await run(2, 'reports > 0 && produced > 0');
  assert.equal(after1.status, 'ok', after1.text);
  assert.match(after1.text, /true/, `state after the failure: ${after1.text}`);
  const destroy = await run(3, 'rd_kafka_topic_destroy(rkt);\nrd_kafka_destroy(rk);\n"destroyed"');
  assert.equal(destroy.status, 'ok', `destroying the producer whose broker died failed:\n${destroy.text}`);
  const again = await run(
    4,
    `const c2 = rd_kafka_conf_new();
rd_kafka_conf_set(c2, 'bootstrap.servers', BOOTSTRAP, errstr, errstr.length);
const rk2 = rd_kafka_new(RD_KAFKA_PRODUCER, c2, errstr, errstr.length);
const name2 = rd_kafka_name(rk2);
rd_kafka_destroy(rk2);
name2`,
  );
  assert.equal(again.status, 'ok', again.text);
  assert.match(again.text, /rdkafka#producer-2/, `a second producer after the failure: ${again.text}`);
  assert.equal(client.alive, true);
});

test('a notebook still waiting on a vanished broker is stopped at --timeout, not hung', async (t) => {
  const broker = brokerFor(t);
  if (!broker) return;
  // The first test stopped the broker: start this file's private broker again.
  const fresh = await privateBroker('failure-timeout');
  if (!fresh.broker) return void requireBroker(t, fresh);
  t.after(() => fresh.broker.stop());

  const file = instantiate(join(notebooksDir, 'wait-forever.rdkafka'), { TOPIC: `timeout-${process.pid}` });
  let stopping: Promise<void> | null = null;
  const timeout = 15;
  const r = await runNotebook(file, {
    bootstrap: fresh.broker.bootstrap,
    timeout,
    grace: 30,
    onStdout: (chunk) => {
      if (!stopping && chunk.includes('FIRST_DELIVERY')) stopping = stopBroker(fresh.broker.stateFile);
    },
  });
  await stopping;
  t.diagnostic(`runner exit ${r.code} after ${r.seconds.toFixed(1)} s (--timeout ${timeout})`);
  assert.ok(stopping, `the notebook never reported its first delivery:\n${explain(r)}`);
  assert.equal(r.hung, false, `the runner hung past --timeout:\n${explain(r)}`);
  assert.ok(r.seconds < timeout + 15, `the runner took ${r.seconds.toFixed(1)} s for --timeout ${timeout}`);
  assert.notEqual(r.code, 0, `a notebook stopped by --timeout must not exit 0:\n${explain(r)}`);
  assert.match(
    r.stdout + r.stderr,
    /time(d)? ?out|timeout/i,
    `the runner does not say it timed out:\n${explain(r)}`,
  );
  // What ran before the broker vanished was kept: the first cell's output is in the written notebook.
  assert.match(printed(r.notebook) + r.stdout, /FIRST_DELIVERY/);
});
