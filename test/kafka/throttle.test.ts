// Throttling on a real broker: a client quota set through Kafka's own Admin API (test/kafka/ClientQuota.java
// on the cached jars) makes the broker throttle kcat's produce request; kcat's throttle_cb prints each
// throttle, and `rdkafka-workbench trace` must report the same ones as throttle events (the mock cluster
// never throttles, so this is where the tracer's throttle callback is exercised).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { KernelEvent } from '../../protocol/index.ts';
import { cacheRoot } from '../../versions/paths.ts';
import { ensureBindings } from '../support/bindings.ts';
import { useBroker } from './broker.ts';
import { cliPath, repoRoot } from './paths.ts';

const brokerFor = useBroker();

function run(cmd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

test('a client quota on a real broker: the throttles kcat reports are the traced throttle events', async (t) => {
  const broker = brokerFor(t);
  if (!broker) return;
  const version = /^VERSION=(.+)$/m.exec(readFileSync(broker.stateFile, 'utf8'))?.[1];
  assert.ok(version, `no VERSION in ${broker.stateFile}`);
  const client = `wb-throttled-${process.pid}`;
  const quota = await run('java', [
    '-cp',
    `${join(cacheRoot(), `kafka-${version}`, 'libs')}/*`,
    join(repoRoot, 'test', 'kafka', 'ClientQuota.java'),
    broker.bootstrap,
    client,
    '256',
  ]);
  assert.equal(quota.code, 0, quota.stderr);

  // 12 KB in one produce request (linger): far above 256 bytes/s, so its response is throttled.
  const dir = mkdtempSync(join(tmpdir(), 'wb-throttle-'));
  const lines = join(dir, 'lines.txt');
  writeFileSync(lines, Array.from({ length: 120 }, (_, i) => `${i} ${'x'.repeat(96)}\n`).join(''));
  const events = join(dir, 'events.jsonl');
  const bindings = await ensureBindings();
  const r = await run(process.execPath, [
    cliPath,
    'trace',
    '--bindings',
    bindings,
    '--events',
    events,
    '--',
    'kcat',
    '-P',
    '-b',
    broker.bootstrap,
    '-t',
    `throttled-${process.pid}`,
    '-X',
    `client.id=${client}`,
    '-X',
    'linger.ms=200',
    '-l',
    lines,
  ]);
  assert.equal(r.code, 0, r.stderr);
  // kcat's throttle_cb: "% Broker 127.0.0.1:PORT (1) throttled request for 11103ms"
  const printed = [...r.stderr.matchAll(/Broker (\S+) \((-?\d+)\) throttled request for (\d+)ms/g)].map(
    (m) => ({ broker: m[1], brokerId: Number(m[2]), throttleMs: Number(m[3]) }),
  );
  assert.ok(printed.length >= 1, `kcat reported no throttle:\n${r.stderr}`);
  const traced = readFileSync(events, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as KernelEvent)
    .filter((e) => e.type === 'throttle');
  assert.deepEqual(
    traced.map((e) => e.data),
    printed,
  );
  assert.ok(traced.every((e) => e.handle === `${client}#producer-1`));
});
