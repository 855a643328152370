// The notebook tools against a real kernel (extension/kernel/tools.ts): the Variables view's list, pointers
// named as C does in outputs, the ports the kernel listens on, and Debug Cell's inspector and sources.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KernelClient } from '../../extension/kernel/client.ts';
import { askKernel } from '../../extension/kernel/tools-client.ts';
import { cellSourceMap, sourceKey } from '../../extension/kernel/debugging.ts';
import { decodeSegments, encodeSegments } from '../../extension/kernel/sourcemap.ts';
import type {
  CellOutput,
  DebugStartRequest,
  PortsRequest,
  VariableInfo,
  VariablesRequest,
} from '../../protocol/index.ts';
import { repoRoot as root } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

let k: KernelClient;

async function run(cell: number, source: string): Promise<CellOutput[]> {
  const outputs: CellOutput[] = [];
  const r = await k.execute(cell, source, (o) => outputs.push(o));
  assert.equal(r.status, 'ok', JSON.stringify(outputs));
  return outputs;
}

const variables = async () => (await askKernel<VariablesRequest>(k, { type: 'variables' })).variables;
const find = (vs: VariableInfo[], name: string) => vs.find((v) => v.name === name);

before(async () => {
  k = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
});
after(async () => {
  await k?.shutdown();
});

test('variables: every global the cells defined, with its type and short value, and nothing of the kernel', async () => {
  assert.deepEqual(await variables(), []);
  await run(1, "const count = 3; let topic = 'orders'; const rows = [{ p: 0 }, { p: 1 }];\nimplicit = 5;");
  const vs = await variables();
  assert.deepEqual(
    vs.map((v) => v.name),
    ['count', 'implicit', 'rows', 'topic'],
  );
  assert.deepEqual(find(vs, 'count'), { name: 'count', type: 'number', value: '3' });
  assert.deepEqual(find(vs, 'topic'), { name: 'topic', type: 'string', value: 'orders' });
  const rows = find(vs, 'rows')!;
  assert.equal(rows.type, 'Array(2)');
  assert.deepEqual(
    rows.children?.map((c) => `${c.name}: ${c.value}`),
    ['0: { p: 0 }', '1: { p: 1 }'],
  );
});

test('variables: a handle reads as its C type and name, a topic partition list is expanded', async () => {
  await run(
    2,
    [
      'const e = errbuf();',
      'const rk = rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), e, e.length);',
      'const tpl = rd_kafka_topic_partition_list_new(2);',
      "rd_kafka_topic_partition_list_add(tpl, 'orders', 0);",
      "rd_kafka_topic_partition_list_add(tpl, 'orders', 3);",
    ].join('\n'),
  );
  const vs = await variables();
  const rk = find(vs, 'rk')!;
  assert.equal(rk.type, 'rd_kafka_t *');
  assert.match(rk.value, /^rdkafka#producer-\d+ \(0x[0-9a-f]+\)$/);
  const tpl = find(vs, 'tpl')!;
  assert.equal(tpl.type, 'rd_kafka_topic_partition_list_t *');
  assert.match(tpl.value, /^2 partitions \(0x[0-9a-f]+\)$/);
  assert.deepEqual(
    tpl.children?.map((c) => c.value.replace(/ offset -?\d+/, '')),
    ['orders [0]', 'orders [3]'],
  );
  await run(3, 'rd_kafka_topic_partition_list_destroy(tpl);');
  assert.equal(find(await variables(), 'tpl')!.type, 'bigint', 'a destroyed list is no longer named');
});

test('outputs show a handle as C does, never as a decimal BigInt', async () => {
  const [out] = await run(4, 'rk');
  assert.equal(out?.kind, 'result');
  const text = String(out?.kind === 'result' && out.data['text/plain']);
  assert.match(text, /^rd_kafka_t \* 0x[0-9a-f]+ \(rdkafka#producer-\d+\)$/);
  const [shown] = await run(5, 'display([{ handle: rk, n: 1 }])');
  assert.match(
    String(shown?.kind === 'display' && shown.data['text/html']),
    /<td>rd_kafka_t \* 0x[0-9a-f]+ \(rdkafka#producer-\d+\)<\/td>/,
  );
  // console.log, where most cells print a handle: as C shows it too; a printf-style format keeps its own.
  const logged = await run(
    6,
    "console.log(rk); console.log('handle', rk, { rk, n: 5n }); console.error([rk]); console.log('%d', 12n)",
  );
  const text2 = logged.map((o) => (o.kind === 'stream' ? o.text : '')).join('');
  assert.match(
    text2,
    /^rd_kafka_t \* (0x[0-9a-f]+) \(rdkafka#producer-\d+\)\nhandle rd_kafka_t \* \1 \(rdkafka#producer-\d+\) \{ rk: rd_kafka_t \* \1 \(rdkafka#producer-\d+\), n: 5n \}\n\[ rd_kafka_t \* \1 \(rdkafka#producer-\d+\) \]\n12n?\n$/,
  );
  assert.doesNotMatch(text2, /\d{6,}n/);
  await run(7, 'rd_kafka_destroy(rk);');
});

test('ports: the mock cluster brokers the kernel listens on', async () => {
  const [boot] = await run(7, 'BOOTSTRAP');
  const fromBootstrap = String(boot?.kind === 'result' && boot.data['text/plain'])
    .replace(/'/g, '')
    .split(',')
    .map((hp) => Number(hp.split(':')[1]));
  const { ports } = await askKernel<PortsRequest>(k, { type: 'ports' });
  for (const p of fromBootstrap)
    assert.ok(ports.includes(p), `port ${p} of ${fromBootstrap} not in ${ports}`);
});

test('debug: the inspector opens on request and the cells ran so far have their source files', async () => {
  const source = 'const debugged = 1;\nconst twice = debugged * 2;';
  await run(8, source);
  const reply = await askKernel<DebugStartRequest>(k, { type: 'debug_start' });
  assert.ok(reply.port && reply.sourceDir, JSON.stringify(reply));
  const list = (await (await fetch(`http://127.0.0.1:${reply.port}/json/list`)).json()) as { type: string }[];
  assert.equal(list[0]?.type, 'node');
  assert.equal(readFileSync(join(reply.sourceDir, `${sourceKey(source)}.ts`), 'utf8'), source);
  const again = await askKernel<DebugStartRequest>(k, { type: 'debug_start' });
  assert.equal(again.port, reply.port, 'a second start reuses the inspector');
  await askKernel(k, { type: 'debug_stop' });
  await assert.rejects(fetch(`http://127.0.0.1:${reply.port}/json/list`));
  assert.ok(existsSync(reply.sourceDir));
});

test('a cell script source map: line 1 moves by the rewrite prefix, the other lines stay', () => {
  const mappings = 'AAAA,MAAM;AACA';
  const map = JSON.parse(cellSourceMap(mappings, 10, '/tmp/x.ts')) as { sources: string[]; mappings: string };
  assert.deepEqual(map.sources, ['file:///tmp/x.ts']);
  assert.deepEqual(decodeSegments(map.mappings), [
    [
      [10, 0, 0],
      [16, 0, 6],
    ],
    [[0, 1, 6]], // columns are relative across lines too
  ]);
  assert.equal(encodeSegments(decodeSegments(mappings)), mappings);
});

test('variables: an errbuf reads as its C string, other bytes by their first few, neither expanded', async () => {
  await run(9, 'const eb = errbuf(64); const bytes = new Uint8Array([1, 2, 255]);');
  const vs = await variables();
  assert.deepEqual(find(vs, 'eb'), { name: 'eb', type: 'Buffer(64)', value: '""' });
  assert.deepEqual(find(vs, 'bytes'), { name: 'bytes', type: 'Uint8Array(3)', value: '01 02 ff' });
});
