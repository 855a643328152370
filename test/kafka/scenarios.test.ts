// The scenario no mock cluster can show, run where it can: transactions-read-committed against the real
// broker (`run … --bootstrap HOST:PORT`), as docs/scenarios.md tells users to. Its own assertion cells must
// hold (read_committed skips the aborted and the still-open transactions), and kcat, an independent
// reader, must see the same log.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { useBroker } from './broker.ts';
import { kcatConsume } from './kcat.ts';
import { repoRoot } from './paths.ts';
import { explain, runNotebook } from './run.ts';

const brokerFor = useBroker();

test('transactions-read-committed on a real broker: committed messages only for read_committed, all for read_uncommitted', async (t) => {
  const broker = brokerFor(t);
  if (!broker) return;
  const file = join(repoRoot, 'examples', 'scenarios', 'transactions-read-committed.rdkafka');
  const r = await runNotebook(file, { bootstrap: broker.bootstrap, timeout: 120 });
  t.diagnostic(`exit ${r.code} in ${r.seconds.toFixed(1)} s`);
  assert.equal(r.code, 0, explain(r));
  assert.doesNotMatch(r.stderr, /^skipped:/m, 'a real cluster satisfies "requires": {"cluster": "kafka"}');
  assert.match(r.stdout, /all expectations hold/, explain(r));
  const topic = /written to (read-committed-\d+):/.exec(r.stdout)?.[1];
  assert.ok(topic, `the notebook did not say which topic it wrote\n${explain(r)}`);
  const committed = await kcatConsume(broker.bootstrap, topic, 'read_committed');
  const all = await kcatConsume(broker.bootstrap, topic, 'read_uncommitted');
  const kinds = (ms: { value: string }[]) =>
    ms.reduce(
      (m: Record<string, number>, x) => ({
        ...m,
        [x.value.split(' ')[0]!]: (m[x.value.split(' ')[0]!] ?? 0) + 1,
      }),
      {},
    );
  assert.deepEqual(
    kinds(committed),
    { committed: 20, open: 5 },
    'kcat read_committed (after the open transaction committed)',
  );
  assert.deepEqual(kinds(all), { committed: 20, aborted: 10, open: 5 }, 'kcat read_uncommitted');
});
