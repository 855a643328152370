// An independent client checks the workbench's work: kcat (Debian's package) reads back exactly what a
// notebook produced, and a notebook reads exactly what kcat produced.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KernelEvent } from '../../protocol/index.ts';
import { useBroker } from './broker.ts';
import { kcatConsume, kcatProduce } from './kcat.ts';
import { notebooksDir } from './paths.ts';
import { explain, instantiate, reported, runNotebook } from './run.ts';

const brokerFor = useBroker();

const N = 200;
type Dr = Extract<KernelEvent, { type: 'dr' }>;

test('kcat reads back exactly the messages a notebook produced', async (t) => {
  const broker = brokerFor(t);
  if (!broker) return;
  const topic = `from-notebook-${process.pid}-${Date.now()}`;
  const file = instantiate(join(notebooksDir, 'produce-known.rdkafka'), { TOPIC: topic, N: String(N) });
  const r = await runNotebook(file, { bootstrap: broker.bootstrap, timeout: 60 });
  t.diagnostic(`exit ${r.code} in ${r.seconds.toFixed(1)} s, ${r.events.length} events`);
  assert.equal(r.code, 0, explain(r));

  // The notebook produces key-i / value-i (with a multi-byte character, to catch encoding slips).
  const want = Array.from({ length: N }, (_, i) => ({ key: `key-${i}`, value: `value-${i}-ü` }));
  const log = await kcatConsume(broker.bootstrap, topic);
  assert.deepEqual(
    log.map((m) => ({ key: m.key, value: m.value })),
    want,
    'kcat read something else than the notebook produced',
  );
  // The delivery report events name the same offsets kcat found the messages at.
  const drs = r.events.filter((e): e is Dr => e.type === 'dr');
  assert.equal(drs.length, N, 'one delivery report event per message');
  assert.ok(drs.every((e) => e.data.err === 0 && e.data.topic === topic && e.data.partition === 0));
  assert.deepEqual(
    drs.map((e) => e.data.offset).sort((a, b) => a - b),
    log.map((m) => m.offset),
  );
  const byNumber = (a: number, b: number) => a - b;
  assert.deepEqual(
    drs.map((e) => e.data.len).sort(byNumber),
    want.map((m) => Buffer.byteLength(m.value)).sort(byNumber),
    'delivery report payload lengths (bytes, UTF-8)',
  );
});

test('a notebook reads exactly the messages kcat produced', async (t) => {
  const broker = brokerFor(t);
  if (!broker) return;
  const topic = `from-kcat-${process.pid}-${Date.now()}`;
  const sent = Array.from({ length: N }, (_, i) => ({ key: `k${i}`, value: `kcat says ${i} ✓` }));
  await kcatProduce(broker.bootstrap, topic, sent);

  const file = instantiate(join(notebooksDir, 'consume-known.rdkafka'), {
    TOPIC: topic,
    N: String(N),
    GROUP: `wb-crosscheck-${process.pid}`,
  });
  const r = await runNotebook(file, { bootstrap: broker.bootstrap, timeout: 60 });
  t.diagnostic(`exit ${r.code} in ${r.seconds.toFixed(1)} s, ${r.events.length} events`);
  assert.equal(r.code, 0, explain(r));
  const consumed = reported(r, 'CONSUMED');
  assert.ok(consumed, `the notebook printed no CONSUMED= line\n${explain(r)}`);
  assert.deepEqual(JSON.parse(consumed), sent, 'the notebook read something else than kcat produced');
});
