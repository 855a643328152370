// librdkafka's default logger (no log_cb set) observed by the kernel (interceptors/default-log.ts): its lines
// become log events and still reach the cell's stderr as librdkafka prints them; a cell's own log_cb and
// log.queue=true are left alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { KernelClient } from '../../extension/kernel/client.ts';
import type { CellOutput, KernelEvent } from '../../protocol/index.ts';
import { repoRoot as root } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

let k: KernelClient;
const events: KernelEvent[] = [];

before(async () => {
  k = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  k.onEvents((e) => events.push(...e));
});
after(async () => {
  await k?.shutdown();
});

async function run(cell: number, source: string) {
  const outputs: CellOutput[] = [];
  const r = await k.execute(cell, source, (o) => outputs.push(o));
  assert.equal(r.status, 'ok', JSON.stringify(outputs));
  const stderr = outputs.map((o) => (o.kind === 'stream' && o.name === 'stderr' ? o.text : '')).join('');
  return { outputs, stderr };
}

/** Waits in a cell until `condition` holds, checked every 20 ms (the cell yields, so lines are relayed). */
const until = (condition: string) => `while (!(${condition})) await new Promise((r) => setTimeout(r, 20));`;
/** Until this handle's refused connection has been logged (its FAIL line is a published event). */
const failLogged = until(
  'cellEvents().some((ev) => ev.type === "log" && ev.handle === name && ev.data.facility === "FAIL")',
);

/**
 * A producer to a port nobody listens on: connection errors at log level 3 within a second. `wait` waits
 * for what the test is about.
 */
const refused = (extra: string, wait: string, beforeDestroy = '') =>
  [
    'const e = errbuf();',
    'const conf = rd_kafka_conf_new();',
    "rd_kafka_conf_set(conf, 'bootstrap.servers', '127.0.0.1:9', e, e.length);",
    extra,
    'const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);',
    'const name = rd_kafka_name(rk);',
    wait,
    beforeDestroy,
    'rd_kafka_destroy(rk);',
    'name',
  ].join('\n');

test('a handle without log_cb: its lines are log events, and the cell prints them as librdkafka does', async () => {
  const { outputs, stderr } = await run(1, refused('', failLogged));
  const res = outputs.find((o) => o.kind === 'result');
  const name = String(res?.kind === 'result' && res.data['text/plain']).replace(/'/g, '');
  const logs = events.filter((e) => e.type === 'log' && e.handle === name);
  assert.ok(logs.length >= 1, `no log events for ${name}: ${JSON.stringify(events.map((e) => e.type))}`);
  const fail = logs.find((e) => e.type === 'log' && e.data.facility === 'FAIL');
  assert.ok(fail && fail.type === 'log' && fail.data.level === 3, JSON.stringify(logs));
  assert.match(
    stderr,
    new RegExp(`^%3\\|\\d+\\.\\d{3}\\|FAIL\\|${name.replace('#', '\\#')}\\| \\[thrd:`, 'm'),
  );
  assert.equal(
    stderr.split('\n').filter((l) => l.startsWith('%')).length,
    logs.length,
    'one printed line per event',
  );
});

test("a cell's own log_cb gets the lines and nothing is printed in the default logger's format", async () => {
  const before = events.length;
  const { stderr } = await run(
    2,
    'let got = 0;\n' +
      refused('rd_kafka_conf_set_log_cb(conf, () => { got++; });', until('got > 0')) +
      '\n;got',
  );
  assert.doesNotMatch(stderr, /^%\d\|/m);
  assert.ok(
    events.slice(before).some((e) => e.type === 'log'),
    'the log relay publishes them as events still',
  );
});

test('log.queue=true is left to the cell: its queued lines are served by librdkafka, not relayed', async () => {
  const before = events.length;
  const { outputs, stderr } = await run(
    3,
    refused(
      [
        "rd_kafka_conf_set(conf, 'log.queue', 'true', e, e.length);",
        'let failed = false;',
        'rd_kafka_conf_set_error_cb(conf, () => { failed = true; });',
      ].join('\n'),
      // Queued lines are seen by nothing before they are served. librdkafka queues a refused connection's
      // FAIL line just before it queues the error for error_cb; the forward to the main queue may put the
      // line after the error, so one more poll once the error has been served serves the line.
      [
        'rd_kafka_set_log_queue(rk, null);',
        'const until = Date.now() + 10000;',
        'while (!failed && Date.now() < until) rd_kafka_poll(rk, 100);',
        'rd_kafka_poll(rk, 0);',
        "if (!failed) throw new Error('no connection error within 10 s');",
      ].join('\n'),
    ),
  );
  const res = outputs.find((o) => o.kind === 'result');
  const name = String(res?.kind === 'result' && res.data['text/plain']).replace(/'/g, '');
  // Served by rd_kafka_poll through the default logger itself: printed, but no relay, so no log events.
  assert.match(stderr, /^%3\|/m, 'the queued lines were not served');
  assert.equal(
    events.slice(before).filter((e) => e.type === 'log' && e.handle === name).length,
    0,
    'log.queue lines went through the relay',
  );
});
