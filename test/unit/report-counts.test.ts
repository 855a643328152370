// The HTML report's counts are the run's exact counts however long the run, and a destroyed handle never
// shows as live: the events embedded in the report, read by the panel's own store (webview/store.ts, what
// the report renders), against what the run observed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventSample } from '../../cli/event-sample.ts';
import { drErrorsByCode } from '../../extension/kernel/compare.ts';
import { parseRunArgs, runNotebook } from '../../cli/run.ts';
import { Store } from '../../webview/store.ts';
import type { PanelEvent } from '../../webview/types.ts';
import type { KernelEvent } from '../../protocol/index.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';
import { writeNotebook } from '../support/notebook.ts';

const dir = mkdtempSync(join(tmpdir(), 'wb-report-counts-'));

/** What the report page shows: its embedded events through the panel's store. */
function storeOf(events: readonly KernelEvent[]): Store {
  const s = new Store();
  s.ingest(events as unknown as PanelEvent[]);
  return s;
}

test('a long run (477,000 delivery reports, 300,000 of them sent in detail): the sample is bounded and the report counts every one', () => {
  const sample = new EventSample({ head: 10_000, tail: 10_000 });
  let seq = 0;
  const t0 = Date.UTC(2026, 11, 1);
  const ev = (
    type: string,
    time: number,
    data: Record<string, unknown>,
    handle: string | null = 'rdkafka#producer-1',
  ) => sample.add({ seq: ++seq, time, handle, cell: 2, type, data } as KernelEvent);
  ev('handle_created', t0, { kind: 'producer', name: 'rdkafka#producer-1' });
  // 60 seconds as the kernel sends them under load: 5000 in detail per second, the rest counted.
  for (let second = 0; second < 60; second++) {
    for (let i = 0; i < 5000; i++)
      ev('dr', t0 + second * 1000 + i / 5, { topic: 't', partition: 0, offset: seq, err: 0, len: 100 });
    ev('dropped', t0 + second * 1000 + 999, { counts: { dr: 2_950 } }, null);
  }
  ev('handle_destroyed', t0 + 60_000, { name: 'rdkafka#producer-1' });
  assert.equal(sample.counts.dr, 477_000);

  const events = sample.events();
  assert.ok(events.length < 21_000, `${events.length} events kept`);
  assert.equal(sample.sampled, true);
  const store = storeOf(events);
  assert.equal(store.observed('dr'), 477_000);
  assert.equal(store.observedTotal(), 477_002);
  assert.equal(store.handles.get('rdkafka#producer-1')?.state, 'destroyed');
  // Rates over time stay right: every second of the run holds its 7,950 reports.
  const perSecond = new Map<number, number>();
  for (const e of events) {
    const s = Math.floor((e.time - t0) / 1000);
    const n = e.type === 'dr' ? 1 : e.type === 'dropped' ? (e.data.counts.dr ?? 0) : 0;
    perSecond.set(s, (perSecond.get(s) ?? 0) + n);
  }
  for (let s = 0; s < 60; s++) assert.equal(perSecond.get(s), 7_950, `second ${s}`);
});

test('the sample keeps failed delivery reports by error code: those it thins out and those the stream only counted', () => {
  const sample = new EventSample({ head: 5, tail: 5 });
  let seq = 0;
  const t0 = Date.UTC(2026, 11, 1);
  const all: KernelEvent[] = [];
  const add = (
    e: Omit<KernelEvent, 'seq' | 'cell' | 'handle'>,
    handle: string | null = 'rdkafka#producer-1',
  ) => {
    const full = { ...e, seq: ++seq, cell: 2, handle } as KernelEvent;
    all.push(full);
    sample.add(full);
  };
  for (let i = 0; i < 100; i++)
    add({
      time: t0 + i * 30,
      type: 'dr',
      data: { topic: 't', partition: 0, offset: -1, err: -192, errName: '_MSG_TIMED_OUT', len: 1 },
    });
  // Reports the kernel's stream only counted, 40 of them failed.
  add(
    { time: t0 + 3100, type: 'dropped', data: { counts: { dr: 50 }, drErrors: { _MSG_TIMED_OUT: 40 } } },
    null,
  );
  const run = (events: KernelEvent[]) => ({ label: 'x', events });
  assert.deepEqual(drErrorsByCode([run(all)]).rows, [{ key: '_MSG_TIMED_OUT', values: [140] }]);
  assert.ok(sample.events().filter((e) => e.type === 'dr').length <= 10);
  assert.deepEqual(drErrorsByCode([run(sample.events())]).rows, [{ key: '_MSG_TIMED_OUT', values: [140] }]);
});

test('run --report: the report counts what the run counted, says the details were sampled, and shows the producer destroyed', async () => {
  const nb = join(dir, 'many.rdkafka');
  writeNotebook(nb, [
    `const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, "bootstrap.servers", BOOTSTRAP, e, e.length);
rd_kafka_conf_set_dr_msg_cb(conf, () => {});
const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
for (let i = 0; i < 3000; i++) rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("many"), RD_KAFKA_V_VALUE("m"), RD_KAFKA_V_END);
rd_kafka_flush(rk, 20000);
rd_kafka_destroy(rk);`,
  ]);
  const report = join(dir, 'many.html');
  // A sample of 100 + 100 per type stands in for a run long enough to pass the default sample's size.
  const s = await runNotebook(
    { ...parseRunArgs([nb, '--bindings', bindings(), '--report', report]), quiet: true },
    () => true,
    {
      reportSample: { head: 100, tail: 100 },
    },
  );
  assert.equal(s.code, 0);
  assert.equal(s.counts.dr, 3000);
  const html = readFileSync(report, 'utf8');
  const embedded = /<script type="application\/json" id="rdkafka-events">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(embedded);
  const events = JSON.parse(embedded) as KernelEvent[];
  assert.ok(events.filter((e) => e.type === 'dr').length <= 200);
  const store = storeOf(events);
  assert.equal(store.observed('dr'), 3000);
  for (const [type, n] of Object.entries(s.counts)) assert.equal(store.observed(type), n, type);
  const producer = [...store.handles.values()].find((h) => h.kind === 'producer');
  assert.equal(producer?.state, 'destroyed');
  assert.match(html, /sampled: [\d,]+ of the [\d,]+ events are here in detail[^<]*every count is exact/);
});
