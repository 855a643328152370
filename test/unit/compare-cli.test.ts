// `rdkafka-workbench compare A.jsonl B.jsonl`: two --events files (a traced C program's, a notebook run's)
// side by side — counts by type, delivery-report errors by code, the first point where they part — and
// its exit status (0 agree, 1 part, 2 bad usage or an unreadable file).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/compare.ts';
import type { KernelEvent } from '../../protocol/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'wb-compare-cli-'));

/** A producer's run as an --events file: `n` delivery reports, those from `failFrom` on timed out. */
function run(
  name: string,
  o: { handle: string; cell: number | null; n: number; failFrom?: number },
  extra = '',
): string {
  let seq = 0;
  const ev = (type: string, data: object, handle: string | null = o.handle): KernelEvent =>
    ({ seq: ++seq, time: 1_000 + seq, handle, cell: o.cell, type, data }) as KernelEvent;
  const events = [
    ev('handle_created', { kind: 'producer', name: o.handle }),
    ...Array.from({ length: o.n }, (_, i) =>
      o.failFrom && i + 1 >= o.failFrom
        ? ev('dr', { topic: 't', partition: 0, offset: -1, err: -192, errName: '_MSG_TIMED_OUT', len: 3 })
        : ev('dr', { topic: 't', partition: 0, offset: i, err: 0, len: 3 }),
    ),
    ev('stats', { name: o.handle }),
    ev('handle_destroyed', { name: o.handle }),
  ];
  const path = join(dir, name);
  writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n') + '\n' + extra);
  return path;
}

async function compare(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, (name, s) => (name === 'stdout' ? (stdout += s) : (stderr += s)));
  return { code, stdout, stderr };
}

test('a C program and its reproduction that part: counts side by side, errors by code, where they part, exit 1', async () => {
  const c = run('c.jsonl', { handle: 'rdkafka#producer-1', cell: null, n: 10 });
  const nb = run('notebook.jsonl', { handle: 'rdkafka#producer-2', cell: 3, n: 10, failFrom: 8 });
  const r = await compare(c, nb);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 6), [
    'events            c.jsonl  notebook.jsonl',
    'dr                     10              10',
    'handle_created          1               1',
    'handle_destroyed        1               1',
    'stats                   1               1',
    '',
  ]);
  assert.deepEqual(lines.slice(6, 9), [
    'delivery-report errors  c.jsonl  notebook.jsonl',
    '_MSG_TIMED_OUT                0               3',
    '',
  ]);
  // The handles are matched by role: the first producer of each, whatever librdkafka named them.
  assert.match(
    lines[9]!,
    /^first difference, producer 1's delivery reports: c\.jsonl: dr NO_ERROR at message 8; notebook\.jsonl: dr _MSG_TIMED_OUT/,
  );
});

test('runs that did the same agree (exit 0) however their handles are named; --keep-handles compares the names', async () => {
  const c = run('c-ok.jsonl', { handle: 'rdkafka#producer-1', cell: null, n: 5 });
  const nb = run('nb-ok.jsonl', { handle: 'rdkafka#producer-2 (cell 4)', cell: 4, n: 5 });
  const r = await compare(c, nb);
  assert.equal(r.code, 0, r.stdout);
  assert.match(r.stdout, /the event sequences agree \(\d+ comparable events each\)/);
  const kept = await compare(c, nb, '--keep-handles');
  assert.equal(kept.code, 1);
});

test('two files of the same name in different folders are told apart by their paths', async () => {
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  const a = run('a/events.jsonl', { handle: 'rdkafka#producer-1', cell: null, n: 2 });
  const b = run('b/events.jsonl', { handle: 'rdkafka#producer-1', cell: null, n: 2 });
  const r = await compare(a, b);
  assert.equal(r.code, 0);
  const head = r.stdout.split('\n')[0]!.split(/\s{2,}/);
  assert.deepEqual(head.slice(1), [a, b]);
});

test('bad input: one file, an unknown option, a missing file or a line that is not an event — exit 2 and a sentence', async () => {
  const ok = run('fine.jsonl', { handle: 'rdkafka#producer-1', cell: null, n: 1 });
  const one = await compare(ok);
  assert.equal(one.code, 2);
  assert.match(one.stderr, /give two --events files to compare/);
  assert.match((await compare(ok, ok, '--frobnicate')).stderr, /unknown option --frobnicate/);
  const missing = await compare(ok, join(dir, 'nope.jsonl'));
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read .*nope\.jsonl \(ENOENT\): check the path/);
  const junk = join(dir, 'junk.jsonl');
  writeFileSync(junk, 'hello\n{"type":"dr"}\n');
  const bad = await compare(ok, junk);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /junk\.jsonl line 1 is not JSON: give an --events file written by run or trace/);
});

test('a last line cut short (a run killed mid-write) is left out; everything before it is compared', async () => {
  const whole = run('whole.jsonl', { handle: 'rdkafka#producer-1', cell: null, n: 4 });
  const cut = run('cut.jsonl', { handle: 'rdkafka#producer-1', cell: null, n: 4 }, '{"seq":99,"time":1,"ty');
  const r = await compare(whole, cut);
  assert.equal(r.code, 0, r.stderr + r.stdout);
});

test('the same file given twice gets two numbered columns', async () => {
  const a = run('twice.jsonl', { handle: 'rdkafka#producer-1', cell: null, n: 2 });
  const r = await compare(a, a);
  assert.equal(r.code, 0);
  assert.deepEqual(
    r.stdout
      .split('\n')[0]!
      .split(/\s{2,}/)
      .slice(1),
    [`${a} (1)`, `${a} (2)`],
  );
});
