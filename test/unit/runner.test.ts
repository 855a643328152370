// The headless runner, as a CI job would use it: exit codes, outputs written back, the events file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, parseRunArgs, runNotebook } from '../../cli/run.ts';
import { parseNotebook } from '../../extension/notebook/format.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

const dir = mkdtempSync(join(tmpdir(), 'wb-runner-'));
const notebook = (
  name: string,
  cells: Array<[kind: 'code' | 'markdown', source: string]>,
  extra: object = {},
) => {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      rdkafkaNotebook: 1,
      metadata: {},
      cells: cells.map(([kind, source]) => ({ kind, source })),
      ...extra,
    }),
  );
  return path;
};
/** Runs the CLI command in-process, capturing what it prints. */
async function cli(args: string[]) {
  const chunks: string[] = [];
  const code = await main(args, (_name, s) => chunks.push(s));
  return { code, text: chunks.join('') };
}

test('a good notebook: exit 0, outputs written in place, unknown fields kept, events as JSON lines naming cells as the CLI does', async () => {
  const nb = notebook(
    'good.rdkafka',
    [
      ['markdown', '# hi'],
      ['code', 'const x = 20;\nconsole.log("x is", x);'],
      ['code', 'x * 2 + 2'],
      [
        'code',
        'const c = rd_kafka_conf_new();\nconst e = errbuf();\nrd_kafka_conf_set(c, "bootstrap.servers", BOOTSTRAP, e, e.length);\nconst p = rd_kafka_new(RD_KAFKA_PRODUCER, c, e, e.length);\nrd_kafka_destroy(p);',
      ],
    ],
    { futureField: 'kept' },
  );
  const events = join(dir, 'good.jsonl');
  const r = await cli([nb, '--bindings', bindings(), '--inplace', '--events', events]);
  assert.equal(r.code, 0, r.text);
  assert.match(r.text, /x is 20/);
  assert.match(r.text, /\b42\b/);
  const saved = parseNotebook(readFileSync(nb, 'utf8'));
  assert.equal(saved.futureField, 'kept');
  assert.deepEqual(saved.cells[1]!.outputs, [{ kind: 'stream', name: 'stdout', text: 'x is 20\n' }]);
  assert.equal(saved.cells[2]!.outputs[0]!.kind, 'result');
  const lines = readFileSync(events, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.ok(lines.length >= 2);
  for (const e of lines) assert.ok('type' in e && typeof e.time === 'number' && 'handle' in e);
  assert.deepEqual(
    lines.map((e) => e.type).filter((t) => t.startsWith('handle_')),
    ['handle_created', 'handle_config', 'handle_destroyed'],
  );
  // One numbering: the producer's cell is the notebook's 4th (its markdown cell counted), as the CLI says.
  assert.match(r.text, /── cell 4 ──/);
  assert.deepEqual([...new Set(lines.filter((e) => e.type.startsWith('handle_')).map((e) => e.cell))], [4]);
});

test('--inplace never overwrites a notebook edited while it ran: the edits stay, the outputs go beside it, named', async () => {
  const path = join(dir, 'edited.rdkafka');
  // The cell saves the notebook with an edit, as an editor would while the run goes on.
  const edit = `import { readFileSync, writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(path)}, readFileSync(${JSON.stringify(path)}, 'utf8').replace('"cells"', '"edited": "by the user", "cells"'));
console.log("saved an edit");`;
  notebook('edited.rdkafka', [['code', edit]]);
  const r = await cli([path, '--bindings', bindings(), '--inplace']);
  assert.equal(r.code, 0, r.text);
  const onDisk = readFileSync(path, 'utf8');
  assert.match(onDisk, /"edited": "by the user"/);
  assert.deepEqual(
    parseNotebook(onDisk).cells[0]!.outputs,
    [],
    'the edited file was overwritten with the outputs',
  );
  const beside = join(dir, 'edited.outputs.rdkafka');
  assert.match(
    r.text,
    /edited\.rdkafka changed on disk during the run: it is left as it is; the outputs are in .*edited\.outputs\.rdkafka/,
  );
  assert.deepEqual(parseNotebook(readFileSync(beside, 'utf8')).cells[0]!.outputs, [
    { kind: 'stream', name: 'stdout', text: 'saved an edit\n' },
  ]);
});

test('a failing cell: exit 1 naming the cell, later cells not run, --out leaves the original untouched', async () => {
  const nb = notebook('bad-cell.rdkafka', [
    ['code', '1'],
    ['code', 'throw new Error("nope")'],
    ['code', 'console.log("never")'],
  ]);
  const before = readFileSync(nb, 'utf8');
  const out = join(dir, 'bad-cell.out.rdkafka');
  const r = await cli([nb, '--bindings', bindings(), '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.text, /cell 2 failed/);
  assert.doesNotMatch(r.text, /never/);
  assert.equal(readFileSync(nb, 'utf8'), before);
  const written = parseNotebook(readFileSync(out, 'utf8'));
  assert.equal(written.cells[1]!.outputs[0]!.kind, 'error');
  assert.deepEqual(written.cells[2]!.outputs, []);
});

test('a code cell in a language the kernel does not run (python) fails naming it and the fix; it is never run as TypeScript', async () => {
  const nb = join(dir, 'python.rdkafka');
  writeFileSync(
    nb,
    JSON.stringify({
      rdkafkaNotebook: 1,
      cells: [
        { kind: 'code', language: 'typescript', source: 'console.log("ts ran")' },
        // valid JavaScript too: run as TypeScript it would print
        { kind: 'code', language: 'python', source: 'console.log("python cell ran as typescript")' },
      ],
    }),
  );
  const out = join(dir, 'python.out.rdkafka');
  const r = await cli([nb, '--bindings', bindings(), '--out', out]);
  assert.equal(r.code, 1, r.text);
  assert.match(r.text, /ts ran/);
  assert.doesNotMatch(r.text, /python cell ran as typescript/);
  assert.match(
    r.text,
    /cell 2 is a "python" cell and this kernel runs only typescript, javascript, c cells: change the cell's language/,
  );
  assert.match(r.text, /cell 2 failed/);
  const written = parseNotebook(readFileSync(out, 'utf8'));
  assert.equal(written.cells[1]!.outputs[0]!.kind, 'error');
});

test('--timeout stops a cell that never ends: exit 1', async () => {
  const nb = notebook('loop.rdkafka', [['code', 'while (true) {}']]);
  const t0 = Date.now();
  const r = await cli([nb, '--bindings', bindings(), '--timeout', '1']);
  assert.equal(r.code, 1);
  assert.match(r.text, /cell 1 timed out after 1 s/);
  assert.ok(Date.now() - t0 < 15000);
});

test('bad notebook files: exit 2 with one clear message, file unchanged', async () => {
  const broken = join(dir, 'broken.rdkafka');
  writeFileSync(broken, '{"rdkafkaNotebook": 1, "cells": [');
  const r = await cli([broken, '--bindings', bindings(), '--inplace']);
  assert.equal(r.code, 2);
  assert.match(r.text, /broken\.rdkafka: invalid JSON at line 1, column \d+/);
  assert.equal(readFileSync(broken, 'utf8'), '{"rdkafkaNotebook": 1, "cells": [');
  const newer = notebook('newer.rdkafka', [], { rdkafkaNotebook: 9 });
  assert.match((await cli([newer, '--bindings', bindings()])).text, /newer than this workbench reads/);
  const missing = await cli([join(dir, 'nope.rdkafka')]);
  assert.equal(missing.code, 2);
  assert.match(missing.text, /does not exist/);
});

test('a folder given as the notebook: exit 2 naming it and what to give instead', async () => {
  const folder = join(dir, 'folder.rdkafka');
  mkdirSync(folder, { recursive: true });
  const r = await cli([folder, '--bindings', bindings()]);
  assert.equal(r.code, 2, r.text);
  assert.match(r.text, /folder\.rdkafka is a folder, not a notebook: give the path of a \.rdkafka file/);
  assert.doesNotMatch(r.text, /EISDIR/);
});

test('a notebook that is not UTF-8: exit 2 naming the first bad byte, nothing run, the file not rewritten', async () => {
  const nb = join(dir, 'latin1.rdkafka');
  const bytes = Buffer.concat([
    Buffer.from('{"rdkafkaNotebook": 1, "cells": [{"kind": "code", "source": "console.log(\'caf'),
    Buffer.from([0xe9]),
    Buffer.from('\')"}]}\n'),
  ]);
  writeFileSync(nb, bytes);
  const r = await cli([nb, '--bindings', bindings(), '--inplace']);
  assert.equal(r.code, 2);
  assert.match(
    r.text,
    /latin1\.rdkafka: not UTF-8 text: byte 0xE9 at offset 77 \(line 1, byte 78 of that line\)/,
  );
  assert.doesNotMatch(r.text, /kernel ready/);
  assert.deepEqual(readFileSync(nb), bytes);
});

test('usage errors: exit 2', async () => {
  assert.equal((await cli([])).code, 2);
  assert.equal((await cli(['a.rdkafka', '--inplace', '--out', 'b'])).code, 2);
  assert.equal((await cli(['a.rdkafka', '--timeout', 'soon'])).code, 2);
  assert.throws(() => parseRunArgs(['a', '--frobnicate']), /unknown option --frobnicate/);
});

test('a --timeout longer than a timer can hold is refused (exit 2), not turned into a timeout after 1 ms', async () => {
  const nb = notebook('long-timeout.rdkafka', [['code', 'console.log("cell ran")']]);
  const r = await cli([nb, '--bindings', bindings(), '--timeout', '3000000']);
  assert.equal(r.code, 2, r.text);
  assert.match(r.text, /--timeout 3000000 is too long: at most 2147483 seconds/);
  assert.doesNotMatch(r.text, /cell ran|timed out/);
  const longest = await cli([nb, '--bindings', bindings(), '--timeout', '2147483']);
  assert.equal(longest.code, 0, longest.text);
  assert.match(longest.text, /cell ran/);
});

test('notebook metadata can name the cluster; --bootstrap overrides it', async () => {
  const nb = notebook('meta.rdkafka', [['code', 'BOOTSTRAP']], {
    metadata: { bootstrap: 'broker.example:9092' },
  });
  const fromMeta = await runNotebook(
    { ...parseRunArgs([nb, '--bindings', bindings()]), quiet: true },
    () => true,
  );
  assert.match(JSON.stringify(fromMeta.notebook!.cells[0]!.outputs), /broker\.example:9092/);
  const overridden = await runNotebook(
    { ...parseRunArgs([nb, '--bindings', bindings(), '--bootstrap', 'other:1']), quiet: true },
    () => true,
  );
  assert.match(JSON.stringify(overridden.notebook!.cells[0]!.outputs), /other:1/);
});

test('--report writes a standalone HTML report carrying the run events', async () => {
  const nb = notebook('report.rdkafka', [
    [
      'code',
      'const e = errbuf();\nconst c = rd_kafka_conf_new();\nrd_kafka_conf_set(c, "bootstrap.servers", BOOTSTRAP, e, e.length);\nrd_kafka_destroy(rd_kafka_new(RD_KAFKA_PRODUCER, c, e, e.length));',
    ],
  ]);
  const report = join(dir, 'report.html');
  const r = await cli([nb, '--bindings', bindings(), '--report', report, '--quiet']);
  assert.equal(r.code, 0, r.text);
  const html = readFileSync(report, 'utf8');
  assert.match(html, /^<!DOCTYPE html>/);
  assert.match(html, /handle_created/);
  assert.doesNotMatch(html, /<script[^>]+src=/, 'nothing is loaded from elsewhere');
});

test('--events into a folder that does not exist yet makes it (as --report does); one it cannot make is named before any kernel starts', async () => {
  const nb = notebook('events-dir.rdkafka', [
    [
      'code',
      'const e = errbuf();\nconst c = rd_kafka_conf_new();\nrd_kafka_conf_set(c, "bootstrap.servers", BOOTSTRAP, e, e.length);\nrd_kafka_destroy(rd_kafka_new(RD_KAFKA_PRODUCER, c, e, e.length));',
    ],
  ]);
  const events = join(dir, 'new', 'folder', 'run.jsonl');
  const r = await cli([nb, '--bindings', bindings(), '--events', events, '--quiet']);
  assert.equal(r.code, 0, r.text);
  assert.match(readFileSync(events, 'utf8'), /"type":"handle_created"/);
  // A file where the folder would be: nothing can make it.
  writeFileSync(join(dir, 'blocker'), '');
  const bad = await cli([nb, '--bindings', bindings(), '--events', join(dir, 'blocker', 'run.jsonl')]);
  assert.equal(bad.code, 2, bad.text);
  assert.match(bad.text, /events file .*blocker\/run\.jsonl.*: .*--events/);
  assert.doesNotMatch(bad.text, /\bok:|code cell\(s\) run/);
});
