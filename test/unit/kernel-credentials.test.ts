// In the kernel, the cluster's credentials go only to that cluster: a cell that points a configuration
// carrying them at other brokers gets no handle (and the other brokers no connection), whatever the cell does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { KernelClient } from '../../extension/kernel/client.ts';
import type { CellOutput } from '../../protocol/index.ts';
import { repoRoot as root } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

let k: KernelClient;
let other: Server;
let connections = 0;
let elsewhere = '';
let cell = 0;

before(async () => {
  other = createServer((s) => {
    connections++;
    s.on('error', () => {});
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  elsewhere = `127.0.0.1:${(other.address() as AddressInfo).port}`;
  k = await KernelClient.start({
    bindingsDir: bindings(),
    bootstrap: '127.0.0.1:9',
    cwd: root,
    clusterConfig: {
      'security.protocol': 'SASL_PLAINTEXT',
      'sasl.mechanisms': 'PLAIN',
      'sasl.username': 'alice',
      'sasl.password': 'hunter2-secret',
    },
  });
});
after(async () => {
  await k?.shutdown();
  other?.close();
});

async function run(source: string): Promise<string> {
  const outputs: CellOutput[] = [];
  const r = await k.execute(++cell, source, (o) => outputs.push(o));
  // stdout: what the cell printed (librdkafka's own logger writes "connection refused" lines to stderr).
  const text = outputs.map((o) => (o.kind === 'stream' && o.name === 'stdout' ? o.text : '')).join('');
  assert.equal(r.status, 'ok', JSON.stringify(outputs));
  return text;
}

const MAKE = (bootstrap: string, extra = '') => `{
const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, "bootstrap.servers", ${JSON.stringify(bootstrap)}, e, e.length);
${extra}
const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
console.log(rk ? "handle" : "refused: " + e.text);
if (rk) rd_kafka_destroy(rk); else rd_kafka_conf_destroy(conf);
}`;

test("a configuration carrying the cluster's credentials and naming other brokers gets no handle, and they no connection", async () => {
  const text = await run(MAKE(elsewhere));
  assert.match(
    text,
    /^refused: rdkafka workbench: this configuration carries the SASL credentials stored for 127\.0\.0\.1:9, but bootstrap\.servers names other brokers/,
  );
  assert.doesNotMatch(text, /hunter2/);
  assert.equal(connections, 0);
});

test("the cluster's own brokers get a handle; so does a configuration with the cell's own credentials", async () => {
  assert.equal(await run(MAKE('127.0.0.1:9')), 'handle\n');
  assert.equal(
    await run(MAKE(elsewhere, 'rd_kafka_conf_set(conf, "sasl.password", "my-own", e, e.length);')),
    'handle\n',
  );
});

test("rd_kafka_brokers_add on a handle carrying the credentials adds none of another cluster's brokers", async () => {
  const text = await run(`{
const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, "bootstrap.servers", BOOTSTRAP, e, e.length);
const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
console.log(rd_kafka_brokers_add(rk, ${JSON.stringify(elsewhere)}), rd_kafka_brokers_add(rk, "127.0.0.1:9"));
rd_kafka_destroy(rk);
}`);
  assert.equal(text, '0 1\n');
});
