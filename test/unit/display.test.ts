// What a cell's display() and last value show (extension/kernel/display.ts): tables without a JSON twin
// that VS Code would rank above them, indented text for objects, pointers as C prints them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { format } from 'node:util';
import {
  consoleArgs,
  displayBundle,
  formatBigint,
  formatPointer,
  htmlTable,
  jsonBundle,
  resultBundle,
  setPointerNamer,
  shortText,
  toJson,
  type PointerNamer,
} from '../../extension/kernel/display.ts';

const RK = 0x41fe12c0n;
const known: PointerNamer = (p) =>
  p === RK ? { ctype: 'rd_kafka_t', name: 'rdkafka#producer-1' } : undefined;

test('display() of an array of objects is an HTML table with no application/json beside it', () => {
  const rows = [
    { partition: 0, messages: 26 },
    { partition: 1, messages: 24 },
  ];
  const bundle = displayBundle(rows);
  assert.deepEqual(Object.keys(bundle), ['text/html', 'text/plain']);
  const html = String(bundle['text/html']);
  assert.match(html, /<table class="rdkafka-table"><thead><tr><th>partition<\/th><th>messages<\/th><\/tr>/);
  assert.match(html, /<tr><td class="num">1<\/td><td class="num">24<\/td><\/tr>/);
  assert.match(String(bundle['text/plain']), /partition: 0/);
});

test('a table names missing cells empty, escapes HTML and says how many rows it left out', () => {
  const rows = Array.from({ length: 1002 }, (_, i) => (i === 0 ? { a: '<b>' } : { b: i }));
  const html = htmlTable(rows);
  assert.match(html, /<td>&lt;b&gt;<\/td><td><\/td>/);
  assert.match(html, /… 2 more rows/);
  assert.equal(html.match(/<tr>/g)!.length, 1001); // the head row and 1000 rows
});

test('an object returned by a cell is indented text over several lines, not JSON', () => {
  const value = {
    topic: 'orders',
    partitions: [
      { partition: 0, offset: 1000, leader: 1 },
      { partition: 1, offset: 2000, leader: 2 },
    ],
  };
  const bundle = resultBundle(value);
  assert.deepEqual(Object.keys(bundle), ['text/plain']);
  const text = String(bundle['text/plain']);
  assert.ok(text.split('\n').length > 3, text);
  assert.match(text, /^\{\n {2}topic: 'orders',\n {2}partitions: \[/);
});

test('pointers read as C shows them: type and name for a known handle, 0x… otherwise', () => {
  assert.equal(formatPointer(RK, known), 'rd_kafka_t * 0x41fe12c0 (rdkafka#producer-1)');
  assert.equal(formatPointer(0x7f00aa00n, known), '0x7f00aa00');
  assert.equal(formatBigint(12n, known), '12n');
  setPointerNamer(known);
  try {
    assert.equal(resultBundle(RK)['text/plain'], 'rd_kafka_t * 0x41fe12c0 (rdkafka#producer-1)');
    const text = String(resultBundle({ rk: RK, conf: 0x5555deadn, n: 3n })['text/plain']);
    assert.equal(
      text,
      '{\n  rk: rd_kafka_t * 0x41fe12c0 (rdkafka#producer-1),\n  conf: 0x5555dead,\n  n: 3n\n}',
    );
    assert.doesNotMatch(text, /1107149744/);
    assert.equal(shortText([RK]), '[ rd_kafka_t * 0x41fe12c0 (rdkafka#producer-1) ]');
    assert.match(htmlTable([{ handle: RK }]), /<td>rd_kafka_t \* 0x41fe12c0 \(rdkafka#producer-1\)<\/td>/);
    assert.deepEqual(toJson({ rk: RK, big: 3n }), {
      rk: 'rd_kafka_t * 0x41fe12c0 (rdkafka#producer-1)',
      big: 3,
    });
  } finally {
    setPointerNamer(() => undefined);
  }
});

test("console.log's arguments name pointers too; a format string's arguments and unwalkable values stay as given", () => {
  assert.equal(
    format(...consoleArgs(['rk', RK, { rk: RK, n: 3n }], known)),
    'rk rd_kafka_t * 0x41fe12c0 (rdkafka#producer-1) { rk: rd_kafka_t * 0x41fe12c0 (rdkafka#producer-1), n: 3n }',
  );
  assert.equal(format(...consoleArgs(['%d messages', 12n], known)), '12n messages');
  const { proxy, revoke } = Proxy.revocable([RK], {});
  revoke();
  const args = [proxy];
  assert.equal(consoleArgs(args, known), args);
});

test('cycles are shown as cycles, and display.json keeps JSON for those who ask for it', () => {
  const a: Record<string, unknown> = { name: 'a' };
  a.self = a;
  assert.match(String(resultBundle(a)['text/plain']), /<ref \*1> \{ name: 'a', self: \[Circular \*1\] \}/);
  const bundle = jsonBundle({ x: [1, 2] });
  assert.deepEqual(bundle['application/json'], { x: [1, 2] });
  assert.equal(bundle['text/plain'], '{\n  "x": [\n    1,\n    2\n  ]\n}');
});
