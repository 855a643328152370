// The bench's per-machine record of peers that ran (a peer that ran here before and is missing now fails
// `npm run bench`), and the callgrind reader behind its instruction counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missingPeers, outcome, parseRecord, updateRecord } from '../../bench/record.ts';
import { categories, perMessage, selfCost } from '../../bench/callgrind.ts';
import type { CaseResult } from '../../bench/stats.ts';

const row = (impl: string, runs: number[], extra: Partial<CaseResult> = {}): CaseResult => ({
  name: 'produce',
  impl,
  runs,
  median: null,
  unit: 'msgs/s',
  ratio_vs_c: null,
  ...extra,
});

test('a peer that ran before and is skipped now is missing, with its reason and when it last ran', () => {
  const record = {
    mock: { 'produce: PyPy': '2026-11-30T10:00:00.000Z', 'produce: kafkajs': '2026-11-30T10:00:00.000Z' },
  };
  const now = [
    outcome(row('PyPy', [], { skipped: 'pypy3 is not installed' }), 'produce: PyPy', null),
    outcome(row('kafkajs', [80_000]), 'produce: kafkajs', null),
  ];
  assert.deepEqual(missingPeers(record, 'mock', now), [
    { impl: 'produce: PyPy', lastRan: '2026-11-30T10:00:00.000Z', why: 'pypy3 is not installed' },
  ]);
});

test('a peer whose every round failed is missing too; one failed round of several is not', () => {
  const record = { mock: { 'produce: a': 'd', 'produce: b': 'd' } };
  const now = [
    outcome(
      row('a', [], { failures: ['round 1: exited 1'], skipped: 'failed: exited 1' }),
      'produce: a',
      null,
    ),
    outcome(row('b', [5], { failures: ['round 2: exited 1'] }), 'produce: b', null),
  ];
  assert.deepEqual(
    missingPeers(record, 'mock', now).map((m) => m.impl),
    ['produce: a'],
  );
});

test('peers not selected (--only), not applicable to the options, or new on this machine are not missing', () => {
  const record = { mock: { 'produce: a': 'd', 'produce: b': 'd' } };
  const now = [
    outcome(undefined, 'produce: a', null), // filtered out by --only
    outcome(row('b', [], { skipped: 'no -X for kafkajs' }), 'produce: b', 'no -X for kafkajs'),
    outcome(row('c', [], { skipped: 'not installed' }), 'produce: c', null), // never ran here
  ];
  assert.deepEqual(missingPeers(record, 'mock', now), []);
  // Another setting (a real cluster) has its own record.
  assert.deepEqual(
    missingPeers(record, 'real', [outcome(row('a', [], { skipped: 'x' }), 'produce: a', null)]),
    [],
  );
});

test('the record dates the peers that ran and keeps the others, so a broken peer keeps failing', () => {
  const before = { mock: { 'produce: a': 'old', 'produce: b': 'old' }, real: { 'produce: a': 'r' } };
  const now = [
    outcome(row('a', [1]), 'produce: a', null),
    outcome(row('b', [], { skipped: 'gone' }), 'produce: b', null),
    outcome(row('c', [2]), 'produce: c', null),
  ];
  const after = updateRecord(before, 'mock', now, 'new');
  assert.deepEqual(after, {
    mock: { 'produce: a': 'new', 'produce: b': 'old', 'produce: c': 'new' },
    real: { 'produce: a': 'r' },
  });
  assert.equal(missingPeers(after, 'mock', now).length, 1);
  assert.deepEqual(before.mock, { 'produce: a': 'old', 'produce: b': 'old' }, 'the input is not changed');
});

test('a missing, empty or corrupt record file reads as an empty record', () => {
  assert.deepEqual(parseRecord(null), {});
  assert.deepEqual(parseRecord(''), {});
  assert.deepEqual(parseRecord('{not json'), {});
  assert.deepEqual(parseRecord('[1,2]'), {});
  assert.deepEqual(parseRecord('{"mock": {"a": "d", "b": 3}, "x": 5}'), { mock: { a: 'd' } });
});

// A callgrind file as valgrind writes it with --dump-instr=no: compressed names, calls whose next cost
// line is inclusive (not the caller's own), and relative line numbers.
const CG = `version: 1
creator: callgrind-3.19.0
events: Ir
ob=(1) /usr/bin/node
fl=(1) ???
fn=(1) napi_get_cb_info
0 100
ob=(2) /lib/librdkafka.so.1
fn=(2) rd_kafka_produce
0 40
cob=(3) /lib/libc.so.6
cfn=(3) malloc
calls=2 0
0 500
+1 10
ob=(3)
fn=(3)
0 30
ob=(1)
fn=(1)
0 20
totals: 200
`;

test('callgrind self cost: each function its own instructions, calls not counted twice', () => {
  const c = selfCost(CG);
  assert.equal(c.total, 200);
  assert.equal(c.objects.get('/usr/bin/node'), 120);
  assert.equal(c.objects.get('/lib/librdkafka.so.1'), 50);
  assert.equal(c.objects.get('/lib/libc.so.6'), 30);
  assert.equal(c.functions.get('/lib/libc.so.6\tmalloc'), 30);
  assert.equal(c.functions.get('/usr/bin/node\tnapi_get_cb_info'), 120);
});

test('callgrind per message: the difference of two runs divided by the extra messages', () => {
  const small = selfCost(CG);
  const big = selfCost(CG.replace('0 100', '0 1100'));
  const d = perMessage(small, big, 100);
  assert.equal(d.total, 10);
  assert.equal(d.objects.get('/usr/bin/node'), 10);
  assert.equal(d.objects.get('/lib/libc.so.6'), 0);
});

test("callgrind categories: node's functions grouped into the parts of a koffi crossing", () => {
  const f = new Map([
    ['/usr/bin/node\tnapi_get_cb_info', 300],
    [
      "/usr/bin/node\tv8impl::(anonymous namespace)::FunctionCallbackWrapper::Invoke(v8::FunctionCallbackInfo<v8::Value> const&)'2",
      40,
    ],
    ['/usr/bin/node\tnapi_typeof', 170],
    ['/usr/bin/node\tnapi_call_function', 90],
    ['/usr/bin/node\tnapi_create_bigint_uint64', 50],
    ['/usr/bin/node\tBuiltins_LoadIC', 180],
    ['/usr/bin/node\tv8::internal::Scavenger::ScavengeObject', 7],
    ['/usr/bin/node\tnode::SomethingElse', 3],
    ['/lib/libc.so.6\tmalloc', 1000],
  ]);
  assert.deepEqual(Object.fromEntries(categories(f)), {
    'N-API argument conversion': 170,
    'N-API call entry (JS → C)': 340,
    'callback entry (C → JS)': 90,
    'results: new BigInts and numbers': 50,
    'garbage collection': 7,
    'JS builtins (interpreter, inline caches)': 180,
    other: 3,
  });
});
