// Kernel outputs ↔ VS Code output items (extension/notebook/outputs.ts) and secret redaction (extension/redact.ts):
// what a saved notebook keeps and what a user sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  cellOutputFrom,
  outputItems,
  ERROR_MIME,
  STDERR_MIME,
  STDOUT_MIME,
} from '../../extension/notebook/outputs.ts';
import { redactConfig, redactText } from '../../extension/redact.ts';
import type { CellOutput } from '../../protocol/index.ts';

const roundTrip = (o: CellOutput) => cellOutputFrom(outputItems(o), { rdkafkaKind: o.kind });

test('stream, error, result and display outputs survive the trip through VS Code items', () => {
  const outputs: CellOutput[] = [
    { kind: 'stream', name: 'stdout', text: 'hello\n' },
    { kind: 'stream', name: 'stderr', text: 'warn\n' },
    { kind: 'error', name: 'TypeError', message: 'boom', stack: 'TypeError: boom\n    at cell 2, line 1' },
    { kind: 'result', data: { 'application/json': { a: [1, 2] }, 'text/plain': '{ a: [ 1, 2 ] }' } },
    {
      kind: 'display',
      data: { 'text/markdown': '**bold**', 'image/png': Buffer.from([137, 80, 78, 71]).toString('base64') },
    },
  ];
  for (const o of outputs) assert.deepEqual(roundTrip(o), o);
});

test('streams and errors use the MIME types VS Code renders as terminal text and error boxes', () => {
  assert.equal(outputItems({ kind: 'stream', name: 'stdout', text: 'x' })[0]!.mime, STDOUT_MIME);
  assert.equal(outputItems({ kind: 'stream', name: 'stderr', text: 'x' })[0]!.mime, STDERR_MIME);
  assert.equal(outputItems({ kind: 'error', name: 'E', message: 'm', stack: '' })[0]!.mime, ERROR_MIME);
});

test('rich output puts text/plain last so VS Code picks the richest renderer', () => {
  const mimes = outputItems({
    kind: 'result',
    data: { 'text/plain': 'x', 'application/json': 1, 'text/html': '<b>x</b>' },
  }).map((i) => i.mime);
  assert.equal(mimes.at(-1), 'text/plain');
  assert.equal(mimes.length, 3);
});

test('stream items appended to one output are saved as one stream', () => {
  const items = [
    ...outputItems({ kind: 'stream', name: 'stdout', text: 'a\n' }),
    ...outputItems({ kind: 'stream', name: 'stdout', text: 'b\n' }),
  ];
  assert.deepEqual(cellOutputFrom(items, undefined), { kind: 'stream', name: 'stdout', text: 'a\nb\n' });
});

test('secrets in cluster config are redacted; other values are shown', () => {
  const cfg = {
    'sasl.username': 'alice',
    'sasl.password': 'hunter2',
    'ssl.key.password': 'k3y-secret',
    'sasl.oauthbearer.client.secret': 'abc',
  };
  const shown = redactConfig(cfg);
  assert.equal(shown['sasl.username'], 'alice');
  for (const k of ['sasl.password', 'ssl.key.password', 'sasl.oauthbearer.client.secret'])
    assert.ok(!Object.values(shown).includes(cfg[k as keyof typeof cfg]), k);
  assert.equal(redactText('auth failed for alice with hunter2', cfg), 'auth failed for alice with ••••••');
});
