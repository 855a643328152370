// extension/kernel/compare.ts: counts side by side, delivery errors by code, and where event sequences part.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  compareRuns,
  countsByType,
  divergenceSentence,
  drErrorsByCode,
  firstDivergence,
  type Run,
} from '../../extension/kernel/compare.ts';
import type { KernelEvent } from '../../protocol/index.ts';

let seq = 0;
const base = (handle: string | null, cell: number | null, time: number) => ({
  seq: ++seq,
  time,
  handle,
  cell,
});
const dr = (
  n: number,
  errName?: string,
  o: { handle?: string; cell?: number; time?: number } = {},
): KernelEvent => ({
  ...base(o.handle ?? 'rdkafka#producer-1', o.cell ?? 2, o.time ?? 1000 + n),
  type: 'dr',
  data: {
    topic: 't',
    partition: 0,
    offset: n,
    err: errName ? -192 : 0,
    ...(errName ? { errName } : {}),
    len: 10,
  },
});
const created = (handle: string, kind: 'producer' | 'consumer', cell = 1): KernelEvent => ({
  ...base(handle, cell, 1000),
  type: 'handle_created',
  data: { kind, name: handle },
});
const stats = (time: number): KernelEvent => ({
  ...base('rdkafka#producer-1', 2, time),
  type: 'stats',
  data: {},
});
const producing = (n: number, failFrom?: number) => [
  created('rdkafka#producer-1', 'producer'),
  ...Array.from({ length: n }, (_, i) =>
    failFrom && i + 1 >= failFrom ? dr(i + 1, '_MSG_TIMED_OUT') : dr(i + 1),
  ),
];

test('the first point where two versions part names the stream, the message and both sides', () => {
  const runs: Run[] = [
    { label: '2.0.2', events: producing(100, 41) },
    { label: '2.15.1', events: producing(100) },
  ];
  const d = firstDivergence(runs);
  assert.ok(d);
  assert.equal(d.summary, '2.0.2: dr _MSG_TIMED_OUT at message 41; 2.15.1: dr NO_ERROR');
  assert.equal(d.position, 'message 41');
  assert.equal(d.cell, 2);
  assert.equal(d.streamLabel, "rdkafka#producer-1's delivery reports");
  assert.match(
    divergenceSentence(d, 0),
    /^first difference in cell 2, rdkafka#producer-1's delivery reports: 2\.0\.2/,
  );
});

test('runs that did the same agree, whatever their timing events and the interleaving of two handles', () => {
  const a = [...producing(5), stats(1001), stats(1002), created('rdkafka#consumer-2', 'consumer', 3)];
  // The other run saw the consumer earlier and no stats at all: neither is a difference in behaviour.
  const b = [created('rdkafka#consumer-2', 'consumer', 3), ...producing(5)];
  const c = compareRuns([
    { label: 'a', events: a },
    { label: 'b', events: b },
  ]);
  assert.equal(c.divergence, null);
  assert.equal(
    divergenceSentence(c.divergence, c.compared),
    'the event sequences agree (7 comparable events each)',
  );
});

test('a run whose stream ends early parts where the other goes on', () => {
  const d = firstDivergence([
    { label: '2.0.2', events: producing(3) },
    { label: '2.15.1', events: producing(4) },
  ]);
  assert.equal(d?.summary, '2.0.2: none at message 4; 2.15.1: dr NO_ERROR');
});

test('of two differing streams the one that parts in the earlier cell is reported', () => {
  const early = { handle: 'rdkafka#producer-3', cell: 1, time: 5000 };
  const runs: Run[] = [
    { label: 'x', events: [...producing(10, 9), dr(1, '_TRANSPORT', early)] },
    { label: 'y', events: [...producing(10), dr(1, undefined, early)] },
  ];
  const d = firstDivergence(runs);
  assert.equal(d?.stream, 'rdkafka#producer-3 dr');
  assert.equal(d?.summary, 'x: dr _TRANSPORT at message 1; y: dr NO_ERROR');
});

test('counts side by side use exact counts when given, and delivery errors are grouped by code', () => {
  const runs: Run[] = [
    { label: '2.0.2', events: producing(10, 8), counts: { dr: 5000, handle_created: 1 } },
    { label: '2.15.1', events: producing(10) },
  ];
  assert.deepEqual(countsByType(runs), {
    labels: ['2.0.2', '2.15.1'],
    rows: [
      { key: 'dr', values: [5000, 10] },
      { key: 'handle_created', values: [1, 1] },
    ],
  });
  assert.deepEqual(drErrorsByCode(runs).rows, [{ key: '_MSG_TIMED_OUT', values: [3, 0] }]);
});

test('under load a sampled stream is compared only up to its first gap, and the run is named as sampled', () => {
  const gap: KernelEvent = { ...base(null, 2, 1050), type: 'dropped', data: { counts: { dr: 500 } } };
  const a = [...producing(5), gap, dr(600, '_MSG_TIMED_OUT')];
  const c = compareRuns([
    { label: 'loaded', events: a },
    { label: 'calm', events: producing(5) },
  ]);
  assert.equal(c.divergence, null, 'a sampled detail after the gap is not a difference');
  assert.deepEqual(c.sampled, ['loaded']);
  assert.equal(c.counts.rows.find((r) => r.key === 'dr')?.values[0], 5 + 500 + 1);
});

test('delivery errors only counted under load (a dropped event with drErrors) are in the errors by code', () => {
  const gap: KernelEvent = {
    ...base(null, 2, 1050),
    type: 'dropped',
    data: { counts: { dr: 290 }, drErrors: { _MSG_TIMED_OUT: 290 } },
  };
  const runs: Run[] = [
    { label: 'loaded', events: [...producing(10, 1), gap] },
    { label: 'calm', events: producing(300, 1) },
  ];
  assert.deepEqual(drErrorsByCode(runs).rows, [{ key: '_MSG_TIMED_OUT', values: [300, 300] }]);
});

test("a sampled stream that stops at its gap before the other run's stream ends is no difference", () => {
  const gap: KernelEvent = { ...base(null, 2, 1050), type: 'dropped', data: { counts: { dr: 290 } } };
  const c = compareRuns([
    { label: 'calm', events: producing(300) },
    { label: 'loaded', events: [...producing(10), gap] },
  ]);
  assert.equal(c.divergence, null, c.divergence?.summary);
  assert.deepEqual(c.sampled, ['loaded']);
  // A difference before the gap is still one.
  const d = compareRuns([
    { label: 'calm', events: producing(300) },
    { label: 'loaded', events: [...producing(10, 4), gap] },
  ]).divergence;
  assert.equal(d?.position, 'message 4');
});
