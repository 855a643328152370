// A consumer group rebalance against a real broker: two consumers in one group, in one notebook, with a
// rebalance_cb; both end up with partitions, and the rebalance events show each assignment.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KernelEvent, TopicPartition } from '../../protocol/index.ts';
import { useBroker } from './broker.ts';
import { kcatPartitions } from './kcat.ts';
import { notebooksDir } from './paths.ts';
import { explain, instantiate, reported, runNotebook } from './run.ts';

const brokerFor = useBroker();

const PARTITIONS = 4;
type Rebalance = Extract<KernelEvent, { type: 'rebalance' }>;
const key = (p: TopicPartition) => `${p.topic}[${p.partition}]`;

test('two consumers in one group both get partitions; rebalance events show the assignments', async (t) => {
  const broker = brokerFor(t);
  if (!broker) return;
  const id = `${process.pid}-${Date.now()}`;
  const topic = `rebalance-${id}`;
  const file = instantiate(join(notebooksDir, 'rebalance-two-consumers.rdkafka'), {
    TOPIC: topic,
    GROUP: `wb-group-${id}`,
    PARTITIONS: String(PARTITIONS),
  });
  const r = await runNotebook(file, { bootstrap: broker.bootstrap, timeout: 120 });
  t.diagnostic(`exit ${r.code} in ${r.seconds.toFixed(1)} s, ${r.events.length} events`);
  assert.equal(r.code, 0, explain(r));
  assert.equal(
    await kcatPartitions(broker.bootstrap, topic),
    PARTITIONS,
    `the notebook created ${topic} with ${PARTITIONS} partitions`,
  );

  // What each consumer holds at the end, as the notebook saw it (rd_kafka_assignment).
  const a = JSON.parse(reported(r, 'ASSIGNMENT_A') ?? 'null') as number[] | null;
  const b = JSON.parse(reported(r, 'ASSIGNMENT_B') ?? 'null') as number[] | null;
  assert.ok(a && b, `no ASSIGNMENT_A/ASSIGNMENT_B lines\n${explain(r)}`);
  assert.ok(
    a.length > 0 && b.length > 0,
    `both consumers must hold partitions: A=${JSON.stringify(a)} B=${JSON.stringify(b)}`,
  );
  assert.deepEqual(
    [...a, ...b].sort((x, y) => x - y),
    [...Array(PARTITIONS).keys()],
    'together they hold every partition exactly once',
  );

  // The rebalance events up to the cell that closes the consumers (closing revokes everything again):
  // replaying assign/revoke per handle must end in exactly the assignments the consumers reported.
  const closeCell = r.notebook!.cells.findIndex((c) => c.source.includes('rd_kafka_consumer_close')) + 1;
  const rebalances = r.events.filter(
    (e): e is Rebalance => e.type === 'rebalance' && e.cell !== null && e.cell < closeCell,
  );
  const closing = r.events.filter((e): e is Rebalance => e.type === 'rebalance' && e.cell === closeCell);
  assert.ok(
    closing.every((e) => e.data.kind === 'revoke'),
    'closing the consumers only revokes',
  );
  const handles = [...new Set(rebalances.map((e) => e.handle))];
  assert.equal(handles.length, 2, `rebalance events from ${handles.length} handles: ${handles.join(', ')}`);
  for (const e of rebalances)
    assert.ok(
      e.data.kind === 'assign' || e.data.kind === 'revoke',
      `unexpected rebalance ${e.data.kind} err ${e.data.err}`,
    );
  const held = new Map<string, Set<string>>();
  for (const e of rebalances) {
    const set = held.get(e.handle!) ?? new Set<string>();
    for (const p of e.data.partitions) {
      if (e.data.kind === 'assign') set.add(key(p));
      else set.delete(key(p));
    }
    held.set(e.handle!, set);
  }
  const finals = [...held.values()].map((s) => [...s].sort());
  const expected = [a, b].map((ps) => ps.map((p) => `${topic}[${p}]`).sort());
  assert.deepEqual(
    finals.sort((x, y) => x.join().localeCompare(y.join())),
    expected.sort((x, y) => x.join().localeCompare(y.join())),
    'the assignments replayed from the rebalance events match what the consumers hold',
  );
  // A real rebalance happened: the first consumer was given everything, then had to give some back.
  assert.ok(
    rebalances.some((e) => e.data.kind === 'revoke' && e.data.partitions.length > 0),
    'no revoke event: the second consumer joining never caused a rebalance',
  );
});
