// kcat (Debian's librdkafka CLI, linked dynamically) traced against `rdkafka-workbench mock`: every
// delivery report and consumed message observed, kcat's own output and exit status untouched.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventData, KernelEvent } from '../../protocol/index.ts';
import { main as traceMain } from '../../cli/trace.ts';
import { Store } from '../../webview/store.ts';
import type { PanelEvent } from '../../webview/types.ts';
import { ensureBindings } from '../support/bindings.ts';
import { sharedVersionDir } from '../support/versions.ts';
import { cliPath } from '../support/repo.ts';
import { counts, ofType, programStderr, runCommand, startMock, trace, work, type Mock } from './support.ts';

let bindings: string;
let mock: Mock;
const LINES = 1000;
const file = join(work, 'lines.txt');
/** kcat producing the file's lines to `topic` of the cluster at `bootstrap`. */
const kcatProduce = (bootstrap: string, topic: string) => [
  'kcat',
  '-P',
  '-b',
  bootstrap,
  '-t',
  topic,
  '-l',
  file,
];

before(async () => {
  bindings = await ensureBindings();
  mock = await startMock(bindings);
  writeFileSync(file, Array.from({ length: LINES }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}\n`).join(''));
});
after(async () => {
  assert.equal(await mock.stop(), 0, 'rdkafka-workbench mock exits 0 on SIGTERM');
});

test('trace -- kcat -P: one delivery-report event per line of the file, kcat output and exit code unchanged', async () => {
  const plain = await runCommand('kcat', ['-P', '-b', mock.bootstrap, '-t', 'kcat-plain', '-l', file]);
  const r = await trace(bindings, kcatProduce(mock.bootstrap, 'kcat-traced'));
  assert.equal(r.code, plain.code, `exit code: ${r.stderr}`);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, plain.stdout);
  assert.equal(programStderr(r.stderr), programStderr(plain.stderr));
  assert.equal(counts(r.events).dr, LINES, 'exactly one delivery report per line');
  const drs = r.events.filter((e) => e.type === 'dr').map((e) => e.data as EventData<'dr'>);
  assert.ok(drs.every((d) => d.topic === 'kcat-traced' && d.err === 0 && d.offset >= 0));
  // Each line's length reaches the report: kcat strips the newline, so "line i " + i % 50 x's.
  const lens = drs.map((d) => d.len).sort((a, b) => a - b);
  const want = Array.from({ length: LINES }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`.length).sort(
    (a, b) => a - b,
  );
  assert.deepEqual(lens, want);
  const created = r.events.find((e) => e.type === 'handle_created');
  const version = /kcat \(librdkafka (\S+) from/.exec(r.stderr)?.[1];
  assert.deepEqual(created?.data, { kind: 'producer', name: created?.handle, librdkafka: version });
  assert.ok(r.events.some((e) => e.type === 'handle_destroyed' && e.handle === created?.handle));
  assert.match(
    r.stderr,
    /rdkafka-workbench trace: kcat \(librdkafka 2\.\d+\.\d+ from .*librdkafka\.so\.1\): exit 0/,
  );
});

test('trace --report: the report of a traced kcat counts every delivery report however few it holds in detail', async () => {
  const report = join(work, 'kcat-report.html');
  let said = '';
  // A sample of 50 + 50 per type stands in for a trace long enough to pass the default sample's size.
  const code = await traceMain(
    ['--bindings', bindings, '--report', report, '--', ...kcatProduce(mock.bootstrap, 'kcat-report')],
    (_name, s) => (said += s),
    { reportSample: { head: 50, tail: 50 } },
  );
  assert.equal(code, 0, said);
  const html = readFileSync(report, 'utf8');
  const embedded = /<script type="application\/json" id="rdkafka-events">(.*?)<\/script>/s.exec(html)?.[1];
  assert.ok(embedded, 'the report embeds no events');
  const events = JSON.parse(embedded) as KernelEvent[];
  assert.ok(events.filter((e) => e.type === 'dr').length <= 100, 'the sample is bounded');
  // What the report page shows: its events through the panel's own store.
  const store = new Store();
  store.ingest(events as unknown as PanelEvent[]);
  assert.equal(store.observed('dr'), LINES);
  assert.equal([...store.handles.values()].find((h) => h.kind === 'producer')?.state, 'destroyed');
  assert.match(html, /sampled: [\d,]+ of the [\d,]+ events are here in detail[^<]*every count is exact/);
  assert.match(html, /kcat \(traced\)/);
  assert.match(html, /data-context="[^"]*traced program/);
});

test('under load only a budget of delivery reports is detailed, and the counts stay exact', async () => {
  const r = await trace(bindings, kcatProduce(mock.bootstrap, 'kcat-budget'), {
    env: { ...process.env, RDKAFKA_WORKBENCH_TRACE_DETAIL: '10' },
  });
  assert.equal(r.code, 0, r.stderr);
  const detailed = r.events.filter((e) => e.type === 'dr').length;
  assert.ok(detailed >= 10 && detailed < LINES, `${detailed} detailed delivery reports`);
  assert.ok(r.events.some((e) => e.type === 'dropped'));
  assert.equal(counts(r.events).dr, LINES);
});

test('trace -- kcat -C: the consumed messages, and the same output as kcat alone', async () => {
  const args = [
    '-C',
    '-b',
    mock.bootstrap,
    '-t',
    'kcat-traced',
    '-o',
    'beginning',
    '-e',
    '-q',
    '-f',
    '%p %o %s\n',
  ];
  const plain = await runCommand('kcat', args);
  const r = await trace(bindings, ['kcat', ...args]);
  assert.equal(r.code, plain.code);
  // Messages of different partitions interleave as the fetches come back, run to run, traced or not: the
  // same lines, and each partition's in the same order, is what "unchanged" can mean here.
  const byPartition = (out: string) =>
    out
      .trim()
      .split('\n')
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  assert.deepEqual(byPartition(r.stdout), byPartition(plain.stdout));
  assert.equal(r.stdout.trim().split('\n').length, LINES);
  const messages = r.events
    .filter((e) => e.type === 'consume')
    .map((e) => e.data as EventData<'consume'>)
    .filter((d) => d.err === 0);
  assert.equal(messages.length, LINES);
  // What kcat printed (partition, offset) is what the events say was consumed.
  const printed = new Set(
    r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ').slice(0, 2).join(' ')),
  );
  assert.deepEqual(new Set(messages.map((d) => `${d.partition} ${d.offset}`)), printed);
  assert.ok(messages.every((d) => d.topic === 'kcat-traced'));
  const consumer = r.events.find((e) => e.type === 'handle_created');
  assert.equal((consumer?.data as EventData<'handle_created'>).kind, 'consumer');
  assert.ok(r.events.filter((e) => e.type === 'consume').every((e) => e.handle === consumer?.handle));
});

test('a failing kcat fails the same way traced (exit code and message)', async () => {
  const plain = await runCommand('kcat', ['-P', '-t', 'x', '-b']);
  const r = await trace(bindings, ['kcat', '-P', '-t', 'x', '-b']);
  assert.notEqual(plain.code, 0);
  assert.equal(r.code, plain.code);
  assert.equal(r.stdout, plain.stdout);
  assert.equal(programStderr(r.stderr), programStderr(plain.stderr));
});

test('trace --librdkafka 2.15.1 -- kcat: kcat runs on that version, and the tracer is generated from its header', async () => {
  const r = await trace(bindings, kcatProduce(mock.bootstrap, 'kcat-2151'), {
    extra: ['--librdkafka', '2.15.1'],
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(counts(r.events).dr, LINES);
  // The --events file says which librdkafka the handle ran on (the panel of a traced program shows it).
  assert.deepEqual(
    ofType(r.events, 'handle_created').map((e) => e.data.librdkafka),
    ['2.15.1'],
  );
  assert.match(
    r.stderr,
    new RegExp(
      `kcat \\(librdkafka 2\\.15\\.1 from ${sharedVersionDir('2.15.1').replace(/[.]/g, '\\.')}/lib/librdkafka\\.so\\.1\\)`,
    ),
  );
});

test('trace --library PATH -- kcat: kcat (linked to librdkafka.so.1) loads that library instead of the system one', async () => {
  const library = join(sharedVersionDir('2.12.0'), 'lib', 'librdkafka.so.1');
  const r = await trace(bindings, kcatProduce(mock.bootstrap, 'kcat-library'), {
    extra: ['--library', library],
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(counts(r.events).dr, LINES);
  assert.match(
    r.stderr,
    new RegExp(`kcat \\(librdkafka 2\\.12\\.0 from ${library.replace(/[.]/g, '\\.')}\\)`),
  );
  // The tracer came from the header of --bindings (the system's): the command says what that may miss.
  assert.match(
    r.stderr,
    /note: the tracer was generated from the librdkafka \d+\.\d+\.\d+ header, kcat loaded 2\.12\.0: callbacks set with functions \d+\.\d+\.\d+ lacks are not observed/,
  );
  // Without --bindings, an installed version's library brings its own header: nothing is missed.
  const own = await runCommand(process.execPath, [
    cliPath,
    'trace',
    '--library',
    library,
    '--',
    ...kcatProduce(mock.bootstrap, 'kcat-library'),
  ]);
  assert.equal(own.code, 0, own.stderr);
  assert.match(own.stderr, /kcat \(librdkafka 2\.12\.0 from /);
  assert.doesNotMatch(own.stderr, /note: the tracer was generated from/);
  const missing = await trace(bindings, ['kcat', '-V'], { extra: ['--library', join(work, 'nope.so')] });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--library .*nope\.so does not exist: give the path of a librdkafka\.so\.1/);
});

test('mock --librdkafka 2.15.1: the mock cluster of that version serves kcat, and Ctrl-C stops it with exit 0', async () => {
  const other = await startMock(bindings, 1, ['--librdkafka', '2.15.1']);
  let stopped = false;
  try {
    const r = await trace(bindings, kcatProduce(other.bootstrap, 'on-2151'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(counts(r.events).dr, LINES);
    assert.equal(await other.stop('SIGINT'), 0);
    stopped = true;
    assert.match(other.stderr(), /1 mock broker\(s\) of librdkafka 2\.15\.1 at .*\n.*stopped/);
  } finally {
    if (!stopped) await other.stop('SIGKILL');
  }
});

test('trace --bundle: an issue export of the traced run, with no secret of its command line in it', async () => {
  const bundle = join(work, 'bundle');
  const r = await trace(
    bindings,
    [
      'kcat',
      '-P',
      '-b',
      mock.bootstrap,
      '-X',
      'sasl.password=hunter2-in-argv',
      '-t',
      'kcat-bundle',
      '-l',
      file,
    ],
    { extra: ['--bundle', bundle] },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /issue export written to .*bundle \(\d+ files\)/);
  const issue = readFileSync(join(bundle, 'ISSUE.md'), 'utf8');
  assert.match(issue, /kcat \(traced\): librdkafka 2\.\d+\.\d+/);
  assert.match(issue, /\| dr \| 1000 \|/);
  assert.match(issue, /sasl\.password=••••••/);
  for (const name of readdirSync(bundle))
    if (statSync(join(bundle, name)).isFile())
      assert.doesNotMatch(readFileSync(join(bundle, name), 'utf8'), /hunter2/, `${name} holds the secret`);
});
