// Failed delivery reports under load (test/trace/programs/undelivered.c: every message times out): the
// ones the tracer only counts keep their error, so `compare` lists every failure by its code however few
// reports were written in detail.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ensureBindings } from '../support/bindings.ts';
import { cliPath } from '../support/repo.ts';
import { compileProgram, counts, runCommand, trace } from './support.ts';

const MESSAGES = 300;
let bindings: string;
let program: string;

before(async () => {
  bindings = await ensureBindings();
  program = compileProgram('undelivered');
});

test('compare: failed delivery reports only counted under load are in its errors table, as in a run detailed in full', async () => {
  const full = await trace(bindings, [program, String(MESSAGES)]);
  const budget = await trace(bindings, [program, String(MESSAGES)], {
    env: { ...process.env, RDKAFKA_WORKBENCH_TRACE_DETAIL: '10' },
  });
  for (const r of [full, budget]) {
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `failed=${MESSAGES} delivered=0 err=_MSG_TIMED_OUT\n`);
    assert.equal(counts(r.events).dr, MESSAGES);
  }
  const detailed = budget.events.filter((e) => e.type === 'dr').length;
  assert.ok(detailed < MESSAGES, `${detailed} delivery reports in detail: the budget did not apply`);

  const c = await runCommand(process.execPath, [cliPath, 'compare', full.eventsFile, budget.eventsFile]);
  const row = c.stdout.split('\n').find((l) => /^\s*_MSG_TIMED_OUT\s/.test(l));
  assert.ok(row, `no _MSG_TIMED_OUT row in:\n${c.stdout}`);
  assert.deepEqual(row.trim().split(/\s+/).slice(1), [String(MESSAGES), String(MESSAGES)], c.stdout);
});
