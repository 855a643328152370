// The output limit (extension/notebook/output-limit.ts): head and tail kept, one line saying what was dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LimitedOutputs } from '../../extension/notebook/output-limit.ts';
import type { CellOutput } from '../../protocol/index.ts';

const out = (text: string, name: 'stdout' | 'stderr' = 'stdout'): CellOutput => ({
  kind: 'stream',
  name,
  text,
});
const text = (outputs: CellOutput[]) =>
  outputs.map((o) => (o.kind === 'stream' ? o.text : `<${o.kind}>`)).join('');

test('under the limit every output is kept as it came, consecutive text of one stream merged', () => {
  const l = new LimitedOutputs({ headChars: 100, tailChars: 100, headOutputs: 10 });
  assert.deepEqual(l.add(out('a\n')), out('a\n'));
  l.add(out('b\n'));
  l.add({ kind: 'result', data: { 'text/plain': '1' } });
  assert.equal(l.full, false);
  assert.equal(l.notice(), null);
  assert.deepEqual(l.outputs(), [out('a\nb\n'), { kind: 'result', data: { 'text/plain': '1' } }]);
});

test('10,000 lines into a 100 + 100 character limit: the first and last lines kept, the count of the rest exact', () => {
  const l = new LimitedOutputs({ headChars: 100, tailChars: 100, headOutputs: 10 });
  let all = '';
  for (let i = 0; i < 10_000; i++) {
    const line = `line ${String(i).padStart(5, '0')}\n`; // 11 characters
    all += line;
    l.add(out(line));
  }
  const kept = l.outputs();
  const t = text(kept);
  assert.ok(t.startsWith(all.slice(0, 100)), 'the head is the first 100 characters');
  assert.ok(t.endsWith(all.slice(-100)), 'the tail is the last 100 characters');
  const dropped = all.length - 200;
  const droppedLines = all.slice(100, -100).split('\n').length - 1;
  assert.match(
    t,
    new RegExp(
      `\\[… ${dropped.toLocaleString('en-US')} characters \\(${droppedLines.toLocaleString('en-US')} lines\\) of output dropped here`,
    ),
  );
  assert.ok(t.length < 400, `kept ${t.length} characters`);
});

test('errors after the limit are never dropped; rich outputs past it are counted', () => {
  const l = new LimitedOutputs({ headChars: 10, tailChars: 10, headOutputs: 2 });
  l.add(out('0123456789'));
  l.add({ kind: 'display', data: { 'text/plain': 'x' } });
  l.add({ kind: 'error', name: 'Error', message: 'boom', stack: '' });
  for (let i = 0; i < 50; i++) l.add(out('more text\n'));
  const kept = l.outputs();
  assert.ok(
    kept.some((o) => o.kind === 'error' && o.message === 'boom'),
    'the error is kept',
  );
  assert.match(text(kept), /and 1 other output of output dropped/);
  assert.ok(text(kept).endsWith('more text\n'));
});

test('what add() returns is what belongs to the head: a live view shows exactly the head', () => {
  const l = new LimitedOutputs({ headChars: 5, tailChars: 5, headOutputs: 10 });
  assert.deepEqual(l.add(out('abc')), out('abc'));
  assert.deepEqual(l.add(out('defgh')), out('de'));
  assert.equal(l.add(out('ijk')), null);
  assert.equal(l.full, true);
  assert.equal(
    text(l.rest()),
    '\n[… 1 character (0 lines) of output dropped here: a cell keeps its first 5 and last 5 characters …]\nghijk',
  );
});
