// Running notebooks on installed librdkafka versions: `run --librdkafka`, the notebook's "librdkafka"
// metadata, what only newer versions' mock clusters can do, and `run --matrix` across versions. Uses the
// versions the test setup built into the shared cache (test/support/versions.ts); changes nothing there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/run.ts';
import { repoRoot } from '../support/repo.ts';
import { startCli } from '../support/cli-process.ts';
import { ensureBindingsSync } from '../support/bindings.ts';
import { systemLibrary } from '../../versions/index.ts';
import { writeNotebook } from '../support/notebook.ts';

const dir = mkdtempSync(join(tmpdir(), 'wb-versions-run-'));
const fixtures = join(repoRoot, 'test', 'unit', 'fixtures', 'versions');
const system = systemLibrary()!.version;

const notebook = (name: string, cells: string[], metadata: Record<string, unknown> = {}) =>
  writeNotebook(join(dir, name), cells, metadata);

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (name, s) => (name === 'stdout' ? out : err).push(s));
  return { code, stdout: out.join(''), stderr: err.join(''), text: out.join('') + err.join('') };
}

// The system library's bindings, where a plain `run` looks for them (the repository's .rdkafka/bindings).
const sysBindings = ensureBindingsSync();
const printVersion = 'console.log(`loaded ${rd_kafka_version_str()}`)';

test('rd_kafka_version_str() in a cell proves which librdkafka ran: --librdkafka, the metadata, system', async () => {
  const nb = notebook('which.rdkafka', [printVersion], { librdkafka: '2.12.0' });
  const fromMeta = await run([nb, '--bindings', sysBindings, '--quiet']);
  // An explicit --bindings wins over the metadata (the user said what to load).
  assert.equal(fromMeta.code, 0, fromMeta.text);
  assert.match(fromMeta.stdout, new RegExp(`loaded ${system.replace(/\./g, '\\.')}\\n`));
  const meta = await run([nb, '--quiet']);
  assert.equal(meta.code, 0, meta.text);
  assert.equal(meta.stdout, 'loaded 2.12.0\n');
  const flag = await run([nb, '--librdkafka', '2.15.1', '--quiet']);
  assert.equal(flag.code, 0, flag.text);
  assert.equal(flag.stdout, 'loaded 2.15.1\n', '--librdkafka overrides the notebook');
  const sys = await run([notebook('system.rdkafka', [printVersion], { librdkafka: 'system' }), '--quiet']);
  assert.equal(sys.code, 0, sys.text);
  assert.equal(sys.stdout, `loaded ${system}\n`);
});

test('a version that is not installed: one sentence naming lib add, exit 2, nothing run', async () => {
  const flag = await run([notebook('a.rdkafka', ['console.log("ran")']), '--librdkafka', '9.9.9']);
  assert.equal(flag.code, 2);
  assert.doesNotMatch(flag.stdout, /ran/);
  assert.match(
    flag.stderr,
    /librdkafka 9\.9\.9 is not installed: add it with `rdkafka-workbench lib add 9\.9\.9`/,
  );
  assert.match(flag.stderr, /asked for by --librdkafka/);
  const meta = await run([notebook('b.rdkafka', ['console.log("ran")'], { librdkafka: '9.9.9' })]);
  assert.equal(meta.code, 2);
  assert.match(meta.stderr, /lib add 9\.9\.9.*asked for by "librdkafka" in .*b\.rdkafka's metadata/);
  const bad = await run([notebook('c.rdkafka', ['1'], { librdkafka: 2.15 })]);
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /"librdkafka" in .*c\.rdkafka's metadata is 2\.15, not a version: write a version string/,
  );
});

test('on the 2.15.1 mock cluster: request tracking reads back the Produce requests of a producer', async () => {
  const r = await run([join(fixtures, 'request-tracking.rdkafka'), '--quiet']);
  assert.equal(r.code, 0, r.text);
  assert.match(r.stdout, /^2\.15\.1\n/);
  assert.match(r.stdout, /flush: NO_ERROR delivered: 5/);
  const m = /tracked (\d+) requests, (\d+) of them Produce/.exec(r.stdout);
  assert.ok(m && Number(m[2]) >= 1, r.stdout);
});

test('on the 2.15.1 mock cluster: a KIP-848 consumer (group.protocol=consumer) gets its assignment and consumes', async () => {
  const events = join(dir, 'kip848.jsonl');
  const r = await run([join(fixtures, 'kip848-consumer.rdkafka'), '--quiet', '--events', events]);
  assert.equal(r.code, 0, r.text);
  assert.match(r.stdout, /assigned 4 partitions, received 40 messages/);
  const consumed = readFileSync(events, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string })
    .filter((e) => e.type === 'consume');
  assert.equal(consumed.length, 40);
});

test('the matrix over the system version and 2.15.1: a 2.15.1-only call is an error on 2.0.2 and ok on 2.15.1', async () => {
  const report = join(dir, 'matrix.html');
  const events = join(dir, 'matrix.jsonl');
  const r = await run([
    join(fixtures, 'request-tracking.rdkafka'),
    '--matrix',
    `system,2.15.1`,
    '--report',
    report,
    '--events',
    events,
  ]);
  assert.equal(r.code, 1, 'a version did not run every cell');
  const lines = r.stdout.split('\n');
  assert.match(lines[0]!, new RegExp(`${system.replace(/\./g, '\\.')} \\(system\\)\\s+2\\.15\\.1`));
  const row = lines.find((l) => l.startsWith('cell 2 '))!;
  assert.match(row, /error: ReferenceError: rd_kafka_mock_\S*\s+ok$/);
  for (const cell of [3, 4, 5])
    assert.match(
      lines.find((l) => l.startsWith(`cell ${cell} `))!,
      /skipped\s+ok$/,
    );
  assert.match(
    r.stdout,
    new RegExp(
      `rd_kafka_mock_start_request_tracking is not in librdkafka ${system.replace(/\./g, '\\.')} \\(its rdkafka\\.h does not declare it\\) but is in the installed [^:]*2\\.15\\.1`,
    ),
  );
  assert.match(r.stdout, /^events: dr\s+0\s+5$/m);
  assert.match(r.stdout, /^run time\s+\d+\.\d s\s+\d+\.\d s$/m);
  // The producer exists only on 2.15.1: its creation is where the sequences part.
  assert.match(
    r.stdout,
    /first difference in cell 3, rdkafka#producer-\d+'s creation and destruction: .*\(system\): none at handle event 1; 2\.15\.1: created producer/,
  );
  assert.ok(existsSync(join(dir, 'matrix.system.jsonl')) && existsSync(join(dir, 'matrix.2.15.1.jsonl')));
  const html = readFileSync(report, 'utf8');
  assert.match(html, /<section class="matrix"/);
  assert.match(
    html,
    /<td class="st-error">error: ReferenceError: rd_kafka_mock_start_request_tracking is not in librdkafka/,
  );
  assert.match(html, /<td class="st-ok">ok<\/td>/);
  assert.match(html, /data-testid="matrix-divergence">first difference/);
  assert.match(
    html,
    /"handle":"2\.15\.1 rdkafka#producer-\d+"/,
    'the panel names each handle with its version',
  );
});

test('the matrix exits 0 when every version ran every cell, runs versions in parallel, and --matrix all takes them all', async () => {
  const nb = notebook('portable.rdkafka', [printVersion, 'RD_KAFKA_PARTITION_UA']);
  const r = await run([nb, '--matrix', 'all', '--parallel', '2']);
  assert.equal(r.code, 0, r.text);
  const head = r.stdout.split('\n')[0]!;
  for (const v of [`${system} (system)`, '2.12.0', '2.15.1']) assert.ok(head.includes(v), head);
  assert.match(r.stdout, /^cell 1 .*ok\s+ok\s+ok/m);
  assert.match(r.stdout, /^cells ok\s+2 of 2\s+2 of 2\s+2 of 2/m);
  assert.match(r.stdout, /the event sequences agree/);
});

test('the matrix on a notebook that requires a newer librdkafka: that version is skipped with its reason, not failed, and not compared', async () => {
  const report = join(dir, 'requires.html');
  const nb = notebook('needs-2.8.rdkafka', [printVersion, 'RD_KAFKA_PARTITION_UA'], {
    requires: { librdkafka: '>=2.8.0' },
  });
  const r = await run([nb, '--matrix', 'system,2.15.1', '--report', report]);
  assert.equal(r.code, 0, `a version the notebook rules out is a skip, as \`run\` alone says: ${r.text}`);
  const reason = `needs librdkafka >= 2.8.0, this is ${system}`;
  assert.ok(
    r.stdout.split('\n').includes(`${system} (system): skipped: ${reason}`),
    `the reason in full: ${r.stdout}`,
  );
  assert.match(r.stdout, /^cell 1 .*skipped: needs librdkafka >= 2\.8\.0.*\s+ok$/m);
  assert.match(r.stdout, /^cells ok\s+skipped\s+2 of 2$/m);
  assert.doesNotMatch(r.stdout, /first difference/, 'a version that ran nothing is not where the runs part');
  assert.match(r.stdout, /event sequences not compared: .*\(system\) did not run/);
  const html = readFileSync(report, 'utf8');
  assert.ok(
    html.includes(`<td class="st-skipped">skipped: ${reason.replace('>', '&gt;')}</td>`),
    'the report cell',
  );
  // A real failure still fails the matrix beside a skip.
  const failing = notebook('needs-2.8-fails.rdkafka', ['throw new Error("boom")'], {
    requires: { librdkafka: '>=2.8.0' },
  });
  const f = await run([failing, '--matrix', 'system,2.15.1', '--quiet']);
  assert.equal(f.code, 1, f.text);
  assert.match(f.stdout, /^cell 1 .*skipped: .*error: Error: boom$/m);
});

test('the matrix with --bundle: one issue export per version, each naming its librdkafka; a folder in the way is refused before any runs', async () => {
  const nb = notebook('bundled.rdkafka', [printVersion]);
  const out = join(dir, 'export');
  const r = await run([nb, '--matrix', 'system,2.15.1', '--bundle', out]);
  assert.equal(r.code, 0, r.text);
  const sys = readFileSync(join(`${out}.system`, 'ISSUE.md'), 'utf8');
  const v2151 = readFileSync(join(`${out}.2.15.1`, 'ISSUE.md'), 'utf8');
  assert.match(sys, new RegExp(`librdkafka ${system.replace(/\./g, '\\.')}\\b`));
  assert.match(v2151, /librdkafka 2\.15\.1\b/);
  assert.doesNotMatch(sys, /2\.15\.1/, 'the system export is not overwritten by the next version');
  assert.match(r.stderr, /issue export of 2\.15\.1: \S+export\.2\.15\.1/);

  const busy = join(dir, 'busy');
  mkdirSync(`${busy}.2.15.1`);
  writeFileSync(join(`${busy}.2.15.1`, 'notes.txt'), 'mine');
  const refused = await run([nb, '--matrix', 'system,2.15.1', '--bundle', busy]);
  assert.equal(refused.code, 2, refused.text);
  assert.match(refused.stderr, /busy\.2\.15\.1 is not empty and holds no earlier export/);
  assert.doesNotMatch(refused.text, /running/);
  assert.ok(!existsSync(`${busy}.system`), 'nothing ran before the check');
});

test('SIGINT during a matrix stops the running version, runs no other, prints the table of what ran and exits 130', async () => {
  const nb = notebook('forever.rdkafka', [printVersion, 'for (;;) {}'], { bootstrap: 'mock' });
  const cli = startCli(['run', nb, '--matrix', 'system,2.15.1', '--bindings', sysBindings]);
  // Interrupted once the first version is running (whether its kernel is still starting or in the loop).
  await cli.whenStderr(/\(system\): running…/);
  cli.kill('SIGINT');
  const { code, stdout, stderr } = await cli.exited;
  assert.equal(code, 130, `${stdout}\n${stderr}`);
  assert.match(stderr, /SIGINT: stopping the run/);
  assert.doesNotMatch(stderr, /2\.15\.1: running/, 'the next version did not start');
  assert.match(stdout, /^ {2}2\.15\.1, cell 1: error: not run: the matrix was stopped \(SIGINT\)$/m);
  assert.match(
    stdout,
    /^\S+ \(system\): stopped \(SIGINT\)$/m,
    'the version that was running says it was stopped',
  );
});

test('the matrix refuses versions that are not installed before running any', async () => {
  const r = await run([notebook('x.rdkafka', ['console.log("ran")']), '--matrix', '2.15.1,7.7.7']);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /librdkafka 7\.7\.7 is not installed: add it with `rdkafka-workbench lib add 7\.7\.7`/,
  );
  assert.doesNotMatch(r.text, /ran|running/);
  const corrupt = join(dir, 'corrupt.rdkafka');
  writeFileSync(corrupt, '{"rdkafkaNotebook": 1, "cells": [');
  const bad = await run([corrupt, '--matrix', 'system,2.15.1']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /corrupt\.rdkafka/);
  assert.doesNotMatch(bad.text, /running/);
  const mixed = await run([notebook('y.rdkafka', ['1']), '--matrix', '2.15.1', '--inplace']);
  assert.equal(mixed.code, 2);
  assert.match(mixed.stderr, /--matrix runs the notebook once per version/);
});
