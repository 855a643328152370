// Transactions against a real broker: a notebook commits one transaction and aborts another; a
// read_committed consumer (the notebook's own, and kcat) sees only the committed messages, while a
// read_uncommitted kcat proves the aborted ones were really written before being aborted.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { useBroker } from './broker.ts';
import { kcatConsume } from './kcat.ts';
import { notebooksDir } from './paths.ts';
import { explain, instantiate, reported, runNotebook } from './run.ts';

const brokerFor = useBroker();

const N = 5;
const committed = Array.from({ length: N }, (_, i) => `committed-${i}`);
const aborted = Array.from({ length: N }, (_, i) => `aborted-${i}`);

test('commit and abort: read_committed consumers see only the committed messages', async (t) => {
  const broker = brokerFor(t);
  if (!broker) return;
  const id = `${process.pid}-${Date.now()}`;
  const topic = `tx-${id}`;
  const file = instantiate(join(notebooksDir, 'transactions-commit-abort.rdkafka'), {
    TOPIC: topic,
    TXID: `wb-txid-${id}`,
    N: String(N),
  });
  const r = await runNotebook(file, { bootstrap: broker.bootstrap, timeout: 90 });
  t.diagnostic(`exit ${r.code} in ${r.seconds.toFixed(1)} s, ${r.events.length} events`);
  assert.equal(r.code, 0, explain(r));

  // The notebook's own read_committed consumer.
  const seen = reported(r, 'READ_COMMITTED');
  assert.ok(seen, `the notebook printed no READ_COMMITTED= line\n${explain(r)}`);
  assert.deepEqual(JSON.parse(seen), committed, 'the notebook read_committed consumer');

  // kcat, independently.
  const rc = await kcatConsume(broker.bootstrap, topic, 'read_committed');
  assert.deepEqual(
    rc.map((m) => m.value),
    committed,
    'kcat read_committed',
  );
  const ru = await kcatConsume(broker.bootstrap, topic, 'read_uncommitted');
  assert.deepEqual(
    ru.map((m) => m.value),
    [...committed, ...aborted],
    'kcat read_uncommitted: the aborted messages must be in the log (written, then aborted)',
  );

  // Every transactional message got a successful delivery report, with the offset kcat found it at.
  const drs = r.events.filter((e) => e.type === 'dr');
  assert.equal(drs.length, 2 * N, `delivery report events: ${drs.length}`);
  assert.ok(
    drs.every((e) => e.type === 'dr' && e.data.err === 0 && e.data.topic === topic),
    'every delivery report succeeded',
  );
  const offsets = drs.map((e) => (e.type === 'dr' ? e.data.offset : -1)).sort((a, b) => a - b);
  assert.deepEqual(
    offsets,
    ru.map((m) => m.offset),
    'delivery report offsets = offsets kcat read',
  );
});
