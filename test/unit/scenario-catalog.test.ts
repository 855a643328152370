// The scenario notebooks as a catalogue (what the quick pick and docs/scenarios.md show), the table of
// docs/scenarios.md rendered and read back, and what every shipped scenario notebook must contain: the
// opening markdown of the issue, a parameters cell, assertions that throw, a closing display().
import { test } from 'node:test';
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  copyFileName,
  scenarioCatalog,
  scenarioCopy,
  scenarioEntry,
  scenarioPicks,
  satisfyingVersion,
} from '../../extension/notebook/scenario-catalog.ts';
import { cellTags, PARAMETERS_TAG } from '../../extension/notebook/parameters.ts';
import { parseNotebook } from '../../extension/notebook/format.ts';
import {
  parseScenarioTable,
  renderScenarioTable,
  replaceScenarioTable,
  TABLE_END,
  TABLE_START,
} from '../../cli/scenarios-doc.ts';
import { main as scenariosMain, outcomeOf } from '../../cli/scenarios.ts';
import type { VersionRun } from '../../cli/matrix-table.ts';
import { cliPath, repoRoot } from '../support/repo.ts';
import { startCli } from '../support/cli-process.ts';
import { ensureBindingsSync } from '../support/bindings.ts';

const nb = (metadata: object) => JSON.stringify({ rdkafkaNotebook: 1, metadata, cells: [] });
const dir = join(repoRoot, 'examples', 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.rdkafka'));

test('a catalogue entry: name from the file, title, description and what it needs from the metadata', () => {
  const e = scenarioEntry(
    'kip848.rdkafka',
    nb({ title: 'T', description: 'D', requires: { librdkafka: '>=2.8' } }),
  );
  assert.deepEqual(e, {
    name: 'kip848',
    fileName: 'kip848.rdkafka',
    title: 'T',
    description: 'D',
    librdkafka: '>=2.8',
    cluster: null,
    needs: 'librdkafka >= 2.8',
  });
  assert.equal(
    scenarioEntry('x.rdkafka', nb({ requires: { cluster: 'kafka' } })).needs,
    'any librdkafka, a real Kafka cluster',
  );
});

test('the catalogue sorts by name and names the notebooks it could not read instead of failing', () => {
  const { entries, problems } = scenarioCatalog([
    { fileName: 'b.rdkafka', text: nb({}) },
    { fileName: 'a.rdkafka', text: nb({}) },
    { fileName: 'broken.rdkafka', text: '{' },
    { fileName: 'bad-range.rdkafka', text: nb({ requires: { librdkafka: 'soon' } }) },
    { fileName: 'notes.md', text: '# not a notebook' },
  ]);
  assert.deepEqual(
    entries.map((e) => e.name),
    ['a', 'b'],
  );
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^broken\.rdkafka: invalid JSON/);
  assert.match(problems[1]!, /"soon" is not a version comparator/);
});

test('the version to preselect: the newest installed one that satisfies the range, the system one included', () => {
  const installed = [
    { version: '2.0.2', system: true },
    { version: '2.12.0', system: false },
    { version: '2.15.1', system: false },
  ];
  const e = (range?: string) =>
    scenarioEntry('s.rdkafka', nb(range ? { requires: { librdkafka: range } } : {}));
  assert.deepEqual(satisfyingVersion(e('>=2.8.0'), installed), { version: '2.15.1', system: false });
  assert.deepEqual(satisfyingVersion(e('<2.3.0'), installed), { version: '2.0.2', system: true });
  assert.equal(satisfyingVersion(e('>=3.0.0'), installed), null);
  const [pick] = scenarioPicks([e('>=3.0.0')], installed);
  assert.equal(pick!.description, 'needs librdkafka >= 3.0.0 · no installed librdkafka satisfies it');
  assert.equal(
    scenarioPicks([e('<2.3.0')], installed)[0]!.description,
    'needs librdkafka < 2.3.0 · runs on 2.0.2 (system)',
  );
});

test('a copy never takes the name of a file that exists, and records the version in its metadata', () => {
  assert.equal(copyFileName('s', new Set()), 's.rdkafka');
  assert.equal(copyFileName('s', new Set(['s.rdkafka', 's-2.rdkafka'])), 's-3.rdkafka');
  const text = JSON.stringify({
    rdkafkaNotebook: 1,
    metadata: { title: 'T' },
    cells: [{ kind: 'code', source: '1' }],
  });
  assert.equal(
    parseNotebook(scenarioCopy(text, 's.rdkafka', { version: '2.15.1', system: false })).metadata.librdkafka,
    '2.15.1',
  );
  assert.equal(
    parseNotebook(scenarioCopy(text, 's.rdkafka', { version: '2.0.2', system: true })).metadata.librdkafka,
    'system',
  );
  assert.equal(parseNotebook(scenarioCopy(text, 's.rdkafka', null)).metadata.librdkafka, undefined);
});

test('the docs table renders between its markers, replaces only itself, and reads back cell for cell', () => {
  const entries = [
    scenarioEntry('a|b.rdkafka', nb({ description: 'pipes | inside' })),
    scenarioEntry('c.rdkafka', nb({})),
  ];
  const outcomes = new Map([
    ['a|b', { '2.0.2 (system)': 'skipped: needs librdkafka >= 2.8.0, this is 2.0.2', '2.15.1': 'ok' }],
    ['c', { '2.0.2 (system)': 'error: cell 3: Error: expected 0 duplicate offsets, saw 3', '2.15.1': 'ok' }],
  ]);
  const table = renderScenarioTable(entries, ['2.0.2 (system)', '2.15.1'], outcomes);
  assert.ok(table.startsWith(TABLE_START) && table.endsWith(TABLE_END));
  const page = replaceScenarioTable(
    `# Title\n\nintro\n\n${TABLE_START}\nold\n${TABLE_END}\n\nafter\n`,
    table,
  );
  assert.match(page, /^# Title\n\nintro\n\n/);
  assert.match(page, /\n\nafter\n$/);
  assert.doesNotMatch(page, /\nold\n/);
  const back = parseScenarioTable(page);
  assert.deepEqual(back.versions, ['2.0.2 (system)', '2.15.1']);
  assert.deepEqual(back.outcomes.get('c'), outcomes.get('c'));
  assert.equal(back.outcomes.get('a|b')?.['2.15.1'], 'ok');
  assert.match(replaceScenarioTable('# Only a title\n', table), /^# Only a title\n\n<!-- scenarios table/);
});

test('a run is ok, skipped with its reason, or an error naming the cell', () => {
  const base = {
    version: { spec: 'system', label: '2.0.2 (system)', tag: 'system' },
    durationMs: 1,
    cells: [],
  };
  const summary = (s: object) =>
    ({ code: 0, skipped: null, failedCell: null, ...s }) as unknown as VersionRun['summary'];
  assert.deepEqual(outcomeOf({ ...base, failure: null, ranAll: true, summary: summary({}) }), {
    outcome: 'ok',
    passed: true,
  });
  assert.deepEqual(
    outcomeOf({
      ...base,
      failure: null,
      ranAll: false,
      summary: summary({ skipped: 'needs librdkafka >= 2.8.0, this is 2.0.2' }),
    }),
    { outcome: 'skipped: needs librdkafka >= 2.8.0, this is 2.0.2', passed: true },
  );
  assert.deepEqual(
    outcomeOf({
      ...base,
      failure: null,
      ranAll: false,
      summary: summary({ code: 1, failedCell: 7 }),
      cells: [{ kind: 'ok' }, { kind: 'error', text: 'Error: expected 0 duplicate offsets, saw 3' }],
    }),
    { outcome: 'error: cell 7: Error: expected 0 duplicate offsets, saw 3', passed: false },
  );
  assert.deepEqual(
    outcomeOf({ ...base, failure: 'librdkafka 2.15.1 is not installed', ranAll: false, summary: null }),
    {
      outcome: 'error: librdkafka 2.15.1 is not installed',
      passed: false,
    },
  );
});

test('rdkafka-workbench scenarios --help explains itself and --list names every scenario without running one', async () => {
  const call = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await scenariosMain(args, (n, s) => (n === 'stdout' ? out : err).push(s));
    return { code, stdout: out.join(''), stderr: err.join('') };
  };
  const help = await call(['--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.match(help.stdout, /^usage: rdkafka-workbench scenarios /);
  assert.match(help.stdout, /--list/);
  const list = await call(['--list', '--dir', dir]);
  assert.equal(list.code, 0, list.stderr);
  for (const f of files)
    assert.match(list.stdout, new RegExp(`^${f.replace(/\.rdkafka$/, '')}\\s+needs `, 'm'));
  assert.match(list.stdout, /^kip848-consumer-group\s+needs librdkafka >= 2\.8\.0$/m);
  assert.doesNotMatch(list.stderr + list.stdout, /running|kernel/);
});

test('scenarios --only with a name no scenario has: exit 2 naming it and the names there are, nothing run', async () => {
  const err: string[] = [];
  const code = await scenariosMain(['--only', 'kip848-consumer-group,nope', '--dir', dir], (n, s) =>
    n === 'stderr' ? err.push(s) : undefined,
  );
  const stderr = err.join('');
  assert.equal(code, 2, stderr);
  assert.match(stderr, /no scenario named nope in .*; the names are .*kip848-consumer-group/);
  assert.doesNotMatch(stderr, / on [^:]+: (ok|skipped|failed)/, 'a scenario ran');
});

test('scenarios --list into a pipe its reader closed (| head -1) exits 0 without an EPIPE crash', async () => {
  const child = spawn(process.execPath, [cliPath, 'scenarios', '--list', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  child.stdout.destroy(); // the reader is gone before the first line, as head's is after its line
  const code = await new Promise<number | null>((res) => child.on('exit', res));
  assert.doesNotMatch(stderr, /EPIPE|Unhandled/);
  assert.equal(code, 0, stderr);
});

test('SIGINT during rdkafka-workbench scenarios stops the running scenario, starts no other, prints the table so far, exits 130', async () => {
  const cli = startCli([
    'scenarios',
    '--only',
    'produce-retries,leader-down,idempotent-fatal-error',
    '--matrix',
    'system',
    '--bindings',
    ensureBindingsSync(),
  ]);
  // They run in name order. Interrupted once the first has finished: the second is starting or running.
  await cli.whenStderr(/^idempotent-fatal-error on \S+ \(system\): /m);
  cli.kill('SIGINT');
  const { code, stdout, stderr } = await cli.exited;
  assert.equal(code, 130, `${stdout}\n${stderr}`);
  assert.match(stderr, /SIGINT: stopping/);
  assert.doesNotMatch(stderr, /^produce-retries on /m, 'no scenario started after the signal');
  assert.match(
    stdout,
    /^\| \[idempotent-fatal-error\]\(.*\| ok \|$/m,
    'the table shows the run that finished',
  );
});

test('the twelve scenarios of the issue are all shipped', () => {
  const names = files.map((f) => f.replace(/\.rdkafka$/, ''));
  for (const want of [
    'produce-retries',
    'leader-down',
    'idempotent-possibly-persisted',
    'idempotent-fatal-error',
    'transactions-abortable-fatal',
    'cooperative-sticky-rebalance',
    'commit-during-rebalance',
    'offset-validation-leader-change',
    'retry-backoff-timing',
    'kip848-consumer-group',
    'slow-broker-statistics',
    'statistics-pile-up-without-poll',
  ])
    assert.ok(names.includes(want), `examples/scenarios/${want}.rdkafka is missing`);
});

for (const file of files)
  test(`${file}: opens with the problem, its issues and test, has a parameters cell, assertions and a closing table`, () => {
    const text = readFileSync(join(dir, file), 'utf8');
    const n = parseNotebook(text, file);
    const e = scenarioEntry(file, text);
    assert.ok(e.title.length > 10 && e.description.length > 20, 'metadata title and one-line description');
    assert.ok(e.cluster, 'says which cluster it needs ("requires": {"cluster": "mock"} or "kafka")');
    if (e.cluster === 'mock') assert.match(text, /MOCK_CLUSTER/, 'a mock scenario drives the mock cluster');
    const [first] = n.cells;
    assert.equal(first?.kind, 'markdown', 'the first cell is the markdown that explains the problem');
    for (const [what, re] of [
      ['the problem', /\*\*The problem\.\*\*/],
      ['links to librdkafka issues', /https:\/\/github\.com\/confluentinc\/librdkafka\/(issues|pull)\/\d+/],
      [
        'the librdkafka test it follows',
        /\*\*Follows\*\* .*`(tests\/\d{4}-[\w-]+\.(c|cpp)|STATISTICS\.md)`/s,
      ],
      ['the versions it needs', /\*\*(Versions|Needs)/],
      ['what to change', /\*\*To explore\.\*\*/],
    ] as const)
      assert.match(first!.source, re, `the opening markdown says ${what}`);
    const code = n.cells.filter((c) => c.kind === 'code');
    const params = code.filter((c) => cellTags(c).includes(PARAMETERS_TAG));
    assert.equal(params.length, 1, 'exactly one code cell tagged "parameters"');
    assert.ok(
      /^(const|let) \w+(: [^=]+)? = /m.test(params[0]!.source),
      'the parameters cell declares its knobs',
    );
    assert.ok(
      code.some((c) => /throw new Error\(`[^`]*\bexpected /.test(c.source)),
      'an assertion cell throws "expected …"',
    );
    assert.match(code.at(-1)!.source, /display\(/, 'the last cell displays what was observed');
    assert.ok(!code.some((c) => c.outputs.length), 'shipped without outputs');
    if (e.librdkafka)
      assert.match(
        first!.source,
        /Needs librdkafka \*\*\d+\.\d+\.\d+\*\*/,
        'says which version it needs and why',
      );
  });
