// A Python confluent-kafka producer from PyPI: the wheel loads its own bundled librdkafka through a
// dlopen'd extension module, where dlsym(RTLD_NEXT) finds nothing (FACTS.md); the tracer still finds the
// real functions and observes every delivery report.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBindings } from '../support/bindings.ts';
import { repoRoot } from '../support/repo.ts';
import { counts, startMock, trace, type Mock } from './support.ts';

let bindings: string;
let mock: Mock;
let python: string;

before(async () => {
  bindings = await ensureBindings();
  mock = await startMock(bindings);
  // The benchmarks' venv (bench/py/setup.sh, cached; the trace suite's setup installs it).
  python = execFileSync('bash', [join(repoRoot, 'bench/py/setup.sh'), 'confluent-kafka'], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .pop()!;
});
after(async () => {
  await mock.stop();
});

test("a confluent-kafka producer: its delivery reports observed through the wheel's bundled librdkafka", async () => {
  const r = await trace(bindings, [
    python,
    join(repoRoot, 'bench/py/produce_confluent.py'),
    mock.bootstrap,
    'py-traced',
    '500',
    '100',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const answer = JSON.parse(r.stdout.trim().split('\n').pop()!) as { delivered: number; librdkafka: string };
  assert.equal(answer.delivered, 500);
  // The script's warm-up message is delivered too: 1 + 500 reports.
  assert.equal(counts(r.events).dr, 501);
  assert.match(
    r.stderr,
    new RegExp(
      `python[\\d.]* \\(librdkafka ${answer.librdkafka.replace(/\./g, '\\.')} from .*confluent_kafka\\.libs/librdkafka`,
    ),
  );
  const created = r.events.find((e) => e.type === 'handle_created');
  assert.equal(created?.handle, 'rdkafka#producer-1');
  assert.ok(r.events.filter((e) => e.type === 'dr').every((e) => e.handle === created?.handle));
});
