// Every example notebook runs headless on the embedded mock cluster and says what it should.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseRunArgs, runNotebook } from '../../cli/run.ts';
import { repoRoot as root } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

async function runExample(name: string) {
  let text = '';
  const s = await runNotebook(
    {
      ...parseRunArgs([join(root, 'examples', `${name}.rdkafka`), '--bindings', bindings()], root),
      quiet: true,
      timeout: 90,
    },
    (_n, t) => {
      text += t;
    },
  );
  assert.equal(s.code, 0, `${name} failed:\n${text}`);
  return { ...s, text };
}

test('quickstart: 1000 produced, 1000 delivery reports, 1000 consumed back, statistics seen', async () => {
  const s = await runExample('quickstart');
  assert.match(s.text, /flush: NO_ERROR, delivered 1000, failed 0/);
  assert.match(s.text, /consumed 1000 of 1000/);
  assert.equal(s.counts.dr, 1000);
  assert.equal(s.counts.consume, 1000);
  assert.ok(
    (s.counts.stats ?? 0) >= 1,
    'statistics.interval.ms without a stats_cb still yields stats events',
  );
  assert.equal(s.counts.handle_created, 2);
  assert.equal(s.counts.handle_destroyed, 2);
});

test('producer example', async () => {
  const s = await runExample('producer');
  assert.match(s.text, /Enqueued message \(10 bytes\) for topic producer-example/);
  assert.match(s.text, /delivered: 5/);
});

test('consumer example', async () => {
  const s = await runExample('consumer');
  assert.equal(
    (s.text.match(/^Message on consumer-example-\d+ \[\d\] at offset \d+: key k\d, value value \d$/gm) ?? [])
      .length,
    10,
  );
});

test('idempotent producer example: deliveries, then the fatal error reaches error_cb and the events', async () => {
  const s = await runExample('idempotent_producer');
  assert.match(s.text, /delivered: 100, failed: 0/);
  assert.match(s.text, /FATAL ERROR: OUT_OF_ORDER_SEQUENCE_NUMBER/);
  const fatal = s.events.find((e) => e.type === 'error' && e.data.fatal);
  assert.ok(fatal, 'an error event marked fatal');
});

test('transactions example: commit and abort complete, the committed messages are read back', async () => {
  const s = await runExample('transactions');
  assert.match(s.text, /delivered 15 messages/);
  assert.match(s.text, /read 10 committed and \d aborted messages/);
});

test('admin example: the topic exists with 3 partitions', async () => {
  const s = await runExample('admin');
  assert.match(s.text, /topic: 'admin-example-\d+',\s+partitions: 3/);
});
