// `npm run kafka -- …` as a user meets it: status, a second start, bad input. (Stopping is proven by the
// failure tests, which stop their private broker.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { parseStartOutput, useBroker } from './broker.ts';
import { repoRoot } from './paths.ts';

const brokerFor = useBroker();

function kafkaSh(
  args: string[],
  stateFile?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, ...(stateFile ? { RDKAFKA_WORKBENCH_KAFKA_STATE: stateFile } : {}) };
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['scripts/kafka.sh', ...args],
      { cwd: repoRoot, env, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({
          code: err ? (typeof err.code === 'number' ? err.code : 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });
}

test('status names the running broker; a second start returns the same broker instead of another', async (t) => {
  const broker = brokerFor(t);
  if (!broker) return;
  const status = await kafkaSh(['status'], broker.stateFile);
  assert.equal(status.code, 0, status.stdout + status.stderr);
  assert.match(status.stdout, new RegExp(`^running: BOOTSTRAP=${broker.bootstrap} PID=${broker.pid} DIR=`));
  assert.ok(existsSync(broker.dir), `the broker's temp folder ${broker.dir} exists while it runs`);

  const again = await kafkaSh(['start'], broker.stateFile);
  assert.equal(again.code, 0, again.stderr);
  const kv = parseStartOutput(again.stdout);
  assert.equal(kv.BOOTSTRAP, broker.bootstrap);
  assert.equal(Number(kv.PID), broker.pid);
  assert.match(again.stderr, /already running/);
});

test('status without a broker says "not running" (exit 3); stop without one is a no-op', async () => {
  const state = `/tmp/rdkafka-workbench-kafka-none-${process.pid}.state`;
  const status = await kafkaSh(['status'], state);
  assert.equal(status.code, 3);
  assert.equal(status.stdout.trim(), 'not running');
  const stop = await kafkaSh(['stop'], state);
  assert.equal(stop.code, 0);
  assert.match(stop.stderr, /not running/);
});

test('an unknown command gets the usage and exit 2', async () => {
  const r = await kafkaSh(['launch']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /usage: npm run kafka -- install\|start \[--owner PID\]\|stop\|status\|logs/);
});
