// `run --timeout N`: the run ends within the documented grace after the timeout (cli/stop.ts), whatever
// the cell is stuck in, and the saved notebook and the events file keep what happened and say why it stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/run.ts';
import { STOP_GRACE_MS } from '../../cli/stop.ts';
import { parseNotebook } from '../../extension/notebook/format.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';
import { writeNotebook } from '../support/notebook.ts';

const dir = mkdtempSync(join(tmpdir(), 'wb-timeout-'));
const PRODUCER = `const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, "bootstrap.servers", BOOTSTRAP, e, e.length);
rd_kafka_conf_set_dr_msg_cb(conf, () => {});
const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
for (let i = 0; i < 5; i++) rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("t"), RD_KAFKA_V_VALUE("m"), RD_KAFKA_V_END);
rd_kafka_flush(rk, 10000);`;

/** Runs `cells` with --timeout 2, --out and --events; returns what was saved and how long after the timer. */
async function timedOut(name: string, cells: string[]) {
  const nb = join(dir, `${name}.rdkafka`);
  writeNotebook(nb, cells);
  const out = join(dir, `${name}.out.rdkafka`);
  const events = join(dir, `${name}.jsonl`);
  let ready = 0;
  const printed: string[] = [];
  const code = await main(
    [nb, '--bindings', bindings(), '--timeout', '2', '--out', out, '--events', events],
    (_n, s) => {
      if (!ready && String(s).startsWith('kernel ready')) ready = Date.now();
      printed.push(String(s));
    },
  );
  const afterTimeout = Date.now() - ready - 2000;
  const saved = parseNotebook(readFileSync(out, 'utf8'));
  const lines = readFileSync(events, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return { code, afterTimeout, saved, lines, printed: printed.join('') };
}

// The bound the docs give: the grace for the cell to stop, then at most the grace for the kernel to shut
// down; plus slack for a loaded machine.
const BOUND = 2 * STOP_GRACE_MS + 3000;

test('--timeout on a loop the kernel can interrupt: the cell says it was stopped by the timeout, earlier output kept', async () => {
  const r = await timedOut('loop', ['console.log("before the loop"); while (true) {}']);
  assert.equal(r.code, 1);
  assert.match(r.printed, /cell 1 timed out after 2 s: stopping/);
  const outputs = r.saved.cells[0]!.outputs;
  assert.deepEqual(outputs[0], { kind: 'stream', name: 'stdout', text: 'before the loop\n' });
  assert.deepEqual(
    outputs.map((o) => (o.kind === 'error' ? `${o.name}: ${o.message}` : o.kind)),
    ['stream', 'Interrupted: cell 1 was stopped by --timeout 2 s'],
  );
  assert.ok(r.afterTimeout < BOUND, `ended ${r.afterTimeout} ms after the timeout`);
});

test('--timeout on eval("while(true){}"), which no interrupt reaches: the kernel is killed after the grace and the cell says so', async () => {
  const r = await timedOut('eval', ['console.log("step 1");\neval("while(true){}")']);
  assert.equal(r.code, 1);
  const outputs = r.saved.cells[0]!.outputs;
  assert.deepEqual(outputs[0], { kind: 'stream', name: 'stdout', text: 'step 1\n' });
  const last = outputs[outputs.length - 1]!;
  assert.equal(last.kind, 'error');
  assert.match(
    last.kind === 'error' ? last.message : '',
    /^cell 1 was still running 2 s after --timeout 2 s and was killed with its kernel$/,
  );
  assert.ok(r.afterTimeout < BOUND, `ended ${r.afterTimeout} ms after the timeout`);
});

test('--timeout on a cell blocked in rd_kafka_poll(rk, 60000): what it printed and its delivery reports are in the notebook and the events file', async () => {
  const r = await timedOut('poll', [PRODUCER, 'console.log("step 1");\nrd_kafka_poll(rk, 60000);']);
  assert.equal(r.code, 1);
  assert.deepEqual(r.saved.cells[1]!.outputs[0], { kind: 'stream', name: 'stdout', text: 'step 1\n' });
  assert.match(JSON.stringify(r.saved.cells[1]!.outputs), /was killed with its kernel/);
  assert.equal(r.lines.filter((e) => e.type === 'dr').length, 5);
  assert.deepEqual(
    r.lines.filter((e) => e.type === 'handle_created').map((e) => e.data.kind),
    ['producer'],
  );
  assert.ok(r.afterTimeout < BOUND, `ended ${r.afterTimeout} ms after the timeout`);
});
