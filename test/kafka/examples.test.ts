// Every example notebook, run headless against a real Apache Kafka broker exactly as a user would:
// `rdkafka-workbench run examples/X.rdkafka --bootstrap 127.0.0.1:PORT --events FILE --timeout N`.
// kcat, an independent client, then checks that what the delivery reports claim is really in the log.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { useBroker } from './broker.ts';
import { allTopics, kcatConsume } from './kcat.ts';
import { examplesDir } from './paths.ts';
import { explain, printed, runNotebook, type RunResult } from './run.ts';

/** The examples the issues name; any other example in the folder runs too. Order: producers before consumers. */
const NAMED = ['admin', 'producer', 'consumer', 'idempotent_producer', 'transactions', 'quickstart'];
const present = existsSync(examplesDir)
  ? readdirSync(examplesDir)
      .filter((n) => n.endsWith('.rdkafka'))
      .map((n) => n.slice(0, -'.rdkafka'.length))
  : [];
const order = [
  ...NAMED.filter((n) => present.includes(n)),
  ...present.filter((n) => !NAMED.includes(n)).sort(),
];

const brokerFor = useBroker();

test('every example the issues name exists', () => {
  assert.deepEqual(
    NAMED.filter((n) => !present.includes(n)).map((n) => `examples/${n}.rdkafka`),
    [],
    'these examples are missing',
  );
});

type Dr = Extract<RunResult['events'][number], { type: 'dr' }>;
type Consume = Extract<RunResult['events'][number], { type: 'consume' }>;

/** Checks every run must pass: clean exit, no cell error, events written, every delivery report in the log. */
async function checkRun(name: string, r: RunResult, bootstrap: string): Promise<void> {
  assert.equal(r.hung, false, `examples/${name} hung past --timeout\n${explain(r)}`);
  assert.equal(r.code, 0, `examples/${name} failed\n${explain(r)}`);
  const cellErrors = (r.notebook?.cells ?? []).flatMap((c) => c.outputs).filter((o) => o.kind === 'error');
  assert.deepEqual(cellErrors, [], `examples/${name}: a cell reported an error`);
  assert.ok(r.events.length > 0, `examples/${name}: no events in ${r.eventsFile}`);
  assert.ok(
    r.events.some((e) => e.type === 'handle_created'),
    `examples/${name}: no handle_created event`,
  );
  // A fatal error is only fine when the example raised it on purpose (idempotent_producer.c's
  // rd_kafka_test_fatal_error() demonstration).
  const fatal = r.events.filter(
    (e) => e.type === 'error' && e.data.fatal && !/test_fatal_error/.test(e.data.reason),
  );
  assert.deepEqual(fatal, [], `examples/${name}: fatal librdkafka errors`);

  const drs = r.events.filter((e): e is Dr => e.type === 'dr');
  const failed = drs.filter((e) => e.data.err !== 0);
  assert.deepEqual(
    failed.map((e) => `${e.data.topic}[${e.data.partition}] ${e.data.errName ?? e.data.err}`),
    [],
    `examples/${name}: deliveries failed against a healthy broker`,
  );
  // What the delivery reports and the consumed messages claim, read back by kcat (read_uncommitted:
  // aborted transactional messages are in the log too; who sees them is the transactions tests' business).
  const consumed = r.events.filter((e): e is Consume => e.type === 'consume' && e.data.err === 0);
  const claims = [
    ...drs.filter((e) => e.data.err === 0).map((e) => ({ what: 'delivered', ...e.data })),
    ...consumed.map((e) => ({ what: 'consumed', ...e.data })),
  ];
  for (const topic of new Set(claims.map((c) => c.topic))) {
    const log = await kcatConsume(bootstrap, topic, 'read_uncommitted');
    const inLog = new Map(log.map((m) => [`${m.partition}:${m.offset}`, m]));
    const missing = claims.filter((c) => c.topic === topic && !inLog.has(`${c.partition}:${c.offset}`));
    assert.deepEqual(
      missing.map((c) => `${c.what} ${topic}[${c.partition}]@${c.offset}`),
      [],
      `examples/${name}: messages the events name are not in the log (kcat read ${log.length} from ${topic})`,
    );
    const wrongLen = claims.filter(
      (c) => c.topic === topic && Buffer.byteLength(inLog.get(`${c.partition}:${c.offset}`)!.value) !== c.len,
    );
    assert.deepEqual(
      wrongLen.map((c) => `${c.what} ${topic}[${c.partition}]@${c.offset} len ${c.len}`),
      [],
      `examples/${name}: payload lengths in the events differ from the log`,
    );
  }
}

for (const name of order) {
  test(`examples/${name}.rdkafka runs headless against Apache Kafka`, async (t) => {
    const broker = brokerFor(t);
    if (!broker) return;
    const before = name === 'admin' ? await allTopics(broker.bootstrap) : null;
    const r = await runNotebook(join(examplesDir, `${name}.rdkafka`), {
      bootstrap: broker.bootstrap,
      timeout: 90,
    });
    t.diagnostic(`examples/${name}: exit ${r.code} in ${r.seconds.toFixed(1)} s, ${r.events.length} events`);
    await checkRun(name, r, broker.bootstrap);

    if (name === 'admin') {
      // Create a topic with 3 partitions, list it, describe its configs.
      const after = await allTopics(broker.bootstrap);
      const created = [...after].filter(([topic, parts]) => !before!.has(topic) && parts === 3);
      assert.ok(
        created.length >= 1,
        `examples/admin: no new topic with 3 partitions in the broker's metadata (topics: ${[...after].map(([n, p]) => `${n}:${p}`).join(', ')})`,
      );
      const out = printed(r.notebook) + JSON.stringify(r.notebook?.cells.flatMap((c) => c.outputs) ?? []);
      assert.ok(
        out.includes(created[0]![0]),
        `examples/admin: the new topic ${created[0]![0]} is not listed in its outputs`,
      );
      assert.match(
        out,
        /retention\.ms|cleanup\.policy|segment\.bytes/,
        'examples/admin: no topic config (retention.ms, cleanup.policy, …) in its outputs',
      );
    }
    if (name === 'consumer' || name === 'quickstart') {
      // The group consumer (subscribe, no explicit assign) got partitions and read from them; with a
      // rebalance_cb the assignment shows as events too.
      const byConsumer = r.events.filter(
        (e) => e.type === 'consume' && e.data.err === 0 && /consumer/.test(e.handle ?? ''),
      );
      assert.ok(
        byConsumer.length > 0,
        `examples/${name}: its group consumer read no message (no consume events)`,
      );
      const assigned = r.events.filter((e) => e.type === 'rebalance' && e.data.kind === 'assign');
      assert.ok(
        assigned.every((e) => e.type === 'rebalance' && e.data.partitions.length > 0),
        `examples/${name}: an assign event without partitions`,
      );
    }
    if (
      name === 'producer' ||
      name === 'idempotent_producer' ||
      name === 'quickstart' ||
      name === 'transactions'
    ) {
      assert.ok(
        r.events.some((e) => e.type === 'dr' && e.data.err === 0),
        `examples/${name}: not one successful delivery report`,
      );
    }
  });
}
