// Every scenario notebook (examples/scenarios) headless on the system librdkafka and on the newest version
// the tests build (test/support/versions.ts), each in a fresh kernel on the embedded mock cluster, exactly
// as `rdkafka-workbench scenarios --matrix system,2.15.1` runs them: it must run every cell where its
// `requires` holds, and be reported skipped with the reason where it does not. Then docs/scenarios.md must
// show what these runs saw. The slowest run is printed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readScenarios, outcomeOf, type ScenarioRun } from '../../cli/scenarios.ts';
import { matrixVersions, runOne } from '../../cli/matrix.ts';
import { parseRunArgs } from '../../cli/run.ts';
import { parseScenarioTable } from '../../cli/scenarios-doc.ts';
import { unmetRequirement } from '../../extension/notebook/requires.ts';
import { compareVersions } from '../../versions/index.ts';
import { repoRoot } from '../support/repo.ts';
import { ensureBindingsSync } from '../support/bindings.ts';
import { TEST_VERSIONS } from '../support/versions.ts';

const dir = join(repoRoot, 'examples', 'scenarios');
const newest = Object.keys(TEST_VERSIONS).sort(compareVersions).at(-1)!;
// The system library runs with the bindings the other suites generate for it; a built version with its own.
const systemBindings = ensureBindingsSync();
const versions = matrixVersions(`system,${newest}`, repoRoot);
const { entries, problems } = readScenarios(dir);
const runs: ScenarioRun[] = [];

test('the scenario folder reads as a catalogue: every notebook parses and declares what it needs', () => {
  assert.deepEqual(problems, []);
  assert.ok(entries.length >= 12, `expected at least the issue's 12 scenarios, found ${entries.length}`);
});

for (const entry of entries)
  for (const version of versions) {
    const versionNumber = version.label.split(' ')[0]!;
    const reason = unmetRequirement(
      { requires: { librdkafka: entry.librdkafka ?? undefined, cluster: entry.cluster ?? undefined } },
      versionNumber,
      'mock',
    );
    const name = reason
      ? `${entry.name} on librdkafka ${version.label}: reported skipped (${reason}), exit 0`
      : `${entry.name} on librdkafka ${version.label}: every cell runs and every expectation holds`;
    test(name, async () => {
      const opts = {
        ...parseRunArgs(
          [join(dir, entry.fileName), ...(version.spec === 'system' ? ['--bindings', systemBindings] : [])],
          repoRoot,
        ),
        quiet: true,
        timeout: 60,
      };
      const run = await runOne(opts, version);
      const r: ScenarioRun = { entry, version, ...outcomeOf(run), durationMs: run.durationMs, run };
      runs.push(r);
      if (reason) {
        assert.equal(r.outcome, `skipped: ${reason}`);
        assert.equal(run.summary?.code, 0, 'a skip is not a failure');
        assert.equal(run.summary?.cellsRun, 0, 'nothing runs on a version the notebook does not support');
        return;
      }
      const outputs = (run.summary?.notebook?.cells ?? [])
        .filter((c) => c.kind === 'code')
        .map((c) =>
          c.outputs
            .map((o) => (o.kind === 'error' ? `${o.name}: ${o.message}` : o.kind === 'stream' ? o.text : ''))
            .join(''),
        )
        .join('\n');
      assert.equal(
        r.outcome,
        'ok',
        `${entry.name} on ${version.label}: ${r.outcome}\n${outputs.slice(-3000)}`,
      );
      assert.equal(run.summary?.librdkafka, versionNumber, 'the run loaded the version it was asked for');
      assert.ok((run.summary?.counts.handle_created ?? 0) > 0, 'the scenario created librdkafka handles');
      const code = run.summary!.notebook!.cells.filter((c) => c.kind === 'code');
      assert.ok(
        code.at(-1)!.outputs.some((o) => o.kind === 'display'),
        'the last cell displays a table of what was observed',
      );
    });
  }

test(`kip848-consumer-group -p group_protocol=classic on librdkafka ${newest}: the same steps on the classic protocol, and every expectation holds`, async () => {
  const v = versions.find((x) => x.spec !== 'system')!;
  const opts = {
    ...parseRunArgs([join(dir, 'kip848-consumer-group.rdkafka'), '-p', 'group_protocol=classic'], repoRoot),
    quiet: true,
    timeout: 60,
  };
  const run = await runOne(opts, v);
  const text = (run.summary?.notebook?.cells ?? [])
    .flatMap((c) => c.outputs)
    .map((o) => (o.kind === 'error' ? `${o.name}: ${o.message}` : o.kind === 'stream' ? o.text : ''))
    .join('');
  assert.equal(outcomeOf(run).outcome, 'ok', text.slice(-3000));
  assert.match(text, /after UNKNOWN_MEMBER_ID: revoke [\d, ]+ \(lost\)/, 'the classic fence was injected');
  assert.match(text, /group\.protocol=classic: first assignment after \d+ ms/);
});

test('docs/scenarios.md shows what these runs saw (regenerate it with `npm run scenarios:doc`)', (t) => {
  const page = readFileSync(join(repoRoot, 'docs', 'scenarios.md'), 'utf8');
  const table = parseScenarioTable(page);
  const missing = entries.filter((e) => !table.outcomes.has(e.name)).map((e) => e.name);
  assert.deepEqual(missing, [], 'scenarios missing from the table');
  const labels = versions.map((v) => v.label).filter((l) => table.versions.includes(l));
  if (!labels.length)
    return t.skip(`the table has no column for ${versions.map((v) => v.label).join(' or ')}`);
  const stale = runs
    .filter((r) => labels.includes(r.version.label))
    .filter((r) => table.outcomes.get(r.entry.name)?.[r.version.label] !== r.outcome)
    .map(
      (r) =>
        `${r.entry.name} on ${r.version.label}: the page says "${table.outcomes.get(r.entry.name)?.[r.version.label]}", the run "${r.outcome}"`,
    );
  assert.deepEqual(stale, [], 'docs/scenarios.md is out of date');
});

after(() => {
  const ran = runs.filter((r) => r.outcome === 'ok').sort((a, b) => b.durationMs - a.durationMs);
  const total = runs.reduce((s, r) => s + r.durationMs, 0);
  if (ran[0])
    console.log(
      `slowest scenario: ${ran[0].entry.name} on librdkafka ${ran[0].version.label}, ${(ran[0].durationMs / 1000).toFixed(1)} s; ` +
        `${runs.length} runs in ${(total / 1000).toFixed(0)} s`,
    );
});
