// The pure parts of the kernel: cell rewriting, stack mapping and the bounded event stream.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import vm from 'node:vm';
import { rewriteCell } from '../../extension/kernel/rewrite.ts';
import { transpileCell, CellSyntaxError } from '../../extension/kernel/transpile.ts';
import { rewriteStack, type CellScript } from '../../extension/kernel/sourcemap.ts';
import { EventStream } from '../../extension/kernel/events.ts';
import type { KernelEvent } from '../../protocol/index.ts';

/** Runs rewritten cells in a fresh context, as the kernel does in its own global scope. */
async function runCells(sources: string[]) {
  const ctx = vm.createContext({ __wbTick: () => {}, __wbImport: (s: string) => import(s), console });
  const values: unknown[] = [];
  for (const [i, s] of sources.entries()) {
    const t = await transpileCell(s, i);
    const r = (await new vm.Script(t.code).runInContext(ctx)) as { hasValue: boolean; value?: unknown };
    values.push(r.hasValue ? r.value : undefined);
  }
  return { values, ctx };
}

test('declarations of every kind live on in later cells and can be declared again', async () => {
  const { values } = await runCells([
    'const a: number = 1; let b = 2; var c = 3; function f(x: number) { return x + a } class K { v = 7 }\nconst { d, e: [g] } = { d: 4, e: [5] };',
    'f(b) + c + d + g + new K().v',
    'const a = 10; a',
    'f(0)',
    'enum Color { Red, Green }\nColor.Green',
    'Color.Red',
  ]);
  assert.deepEqual(values.slice(1), [1 + 2 + 3 + 4 + 5 + 7, 10, 10, 1, 0]);
});

test('a function used before its declaration in the same cell still works (hoisting kept)', async () => {
  const { values } = await runCells(['const r = h(2);\nfunction h(x: number) { return x * 3 }\nr']);
  assert.equal(values[0], 6);
});

test('top-level await, and the last expression (even parenthesised) is the value', async () => {
  const { values } = await runCells(['const v = await Promise.resolve(41);\n({ v: v + 1 })', 'let z = 1;']);
  assert.equal(JSON.stringify(values[0]), '{"v":42}'); // an object of the vm context's realm
  assert.equal(values[1], undefined);
});

test('a cell that is only a string literal shows it, as a REPL does', async () => {
  const { values } = await runCells(["'x'", '"use strict"\n"y"', '"use strict"']);
  assert.deepEqual(values, ['x', 'y', undefined]);
});

test('imports become dynamic imports whose bindings persist', async () => {
  const { values } = await runCells([
    'import { join } from "node:path";\nimport * as os from "node:os";',
    'typeof join + typeof os.cpus',
  ]);
  assert.equal(values[1], 'functionfunction');
});

test('every loop calls the interrupt check, including single-statement bodies', () => {
  const { code } = rewriteCell(
    'while (x) y();\nfor (;;) { z(); }\ndo q(); while (0);\nfor (const k of a) {}',
  );
  assert.equal(code.match(/__wbTick\(\)/g)?.length, 4);
});

test('rewriting keeps line numbers: line N of the cell is line N of the script', () => {
  const js = 'const a = 1,\n  b = 2;\nimport {\n  x\n} from "y";\nthrow new Error("here");';
  const { code } = rewriteCell(js);
  assert.equal(
    code.split('\n').findIndex((l) => l.includes('throw')),
    5,
  );
});

test('syntax errors name the cell and the line', async () => {
  await assert.rejects(
    transpileCell('const a = 1;\nconst = ;', 5),
    (e: unknown) => e instanceof CellSyntaxError && /cell 5, line 2/.test(e.message),
  );
});

test('stack frames in cell scripts become "cell N, line L"; kernel frames disappear', async () => {
  const t = await transpileCell('// a comment\n\nfunction boom() {\n  throw new Error("x");\n}\nboom();', 3);
  const scripts = new Map<string, CellScript>([
    ['cell-3.1.js', { cell: 3, map: t.map, prefixLength: t.prefixLength }],
  ]);
  const ctx = vm.createContext({ __wbTick: () => {} });
  let stack = '';
  try {
    await new vm.Script(t.code, { filename: 'cell-3.1.js' }).runInContext(ctx);
  } catch (e) {
    stack = (e as Error).stack!;
  }
  const out = rewriteStack(stack + '\n    at run (/x/dist/kernel.mjs:1:2)', scripts, ['kernel.mjs']);
  assert.match(out, /at boom \(cell 3, line 4\)/);
  assert.match(out, /at cell 3, line 6/);
  assert.doesNotMatch(out, /kernel\.mjs/);
});

test('event stream: exact counts under load, bounded details, batches', () => {
  const batches: KernelEvent[][] = [];
  let now = 0;
  const s = new EventStream({
    enabled: true,
    send: (b) => batches.push(b),
    detailPerWindow: 100,
    windowMs: 1000,
    now: () => now,
  });
  for (let i = 0; i < 250; i++) {
    if (s.want('dr')) s.publish('dr', 'p', { topic: 't', partition: 0, offset: i, err: 0, len: 1 });
    else s.count('dr');
  }
  s.publish('stats', 'p', { a: 1 });
  s.flush();
  const all = batches.flat();
  assert.equal(all.filter((e) => e.type === 'dr').length, 100);
  const dropped = all.find((e) => e.type === 'dropped');
  assert.deepEqual(dropped?.type === 'dropped' && dropped.data.counts, { dr: 150 });
  assert.equal(all.filter((e) => e.type === 'stats').length, 1, 'other types keep their own budget');
  assert.equal(s.totals.get('dr'), 250);
  now = 1000; // a new window after a quiet spell (everything flushed): details flow again at once
  assert.equal(s.want('dr'), true);
  // While events pour in (a flush pending) the clock is read once every 64 events: a new window is
  // noticed within 64 of them.
  for (let i = 0; i < 100; i++) s.publish('dr', 'p', { topic: 't', partition: 0, offset: i, err: 0, len: 1 });
  assert.equal(s.want('dr'), false, 'budget spent');
  now = 2000;
  let calls = 0;
  let open = false;
  while (!open && calls < 64) open = (calls++, s.want('dr'));
  assert.ok(open, 'a new window went unnoticed for 64 events');
  assert.equal(s.want('dr'), true, 'and stays open');
  const seqs = all.map((e) => e.seq);
  assert.deepEqual(
    seqs,
    [...seqs].sort((a, b) => a - b),
  );
});

test('event stream disabled: nothing is sent', () => {
  let sent = 0;
  const s = new EventStream({ enabled: false, send: () => sent++ });
  s.publish('log', null, { level: 7, facility: 'x', message: 'y' });
  s.flush();
  assert.equal(sent, 0);
});

test('event stream before a blocking call: details go at once, counts alone at most every flushMs', () => {
  const batches: KernelEvent[][] = [];
  let now = 10_000;
  const s = new EventStream({ enabled: true, send: (b) => batches.push(b), flushMs: 50, now: () => now });
  s.publish('error', 'p', { err: -195, errName: '_TRANSPORT', reason: 'down', fatal: false });
  s.flushBeforeBlocking();
  assert.equal(batches.length, 1, 'an event in detail reaches the client before the call');
  assert.equal(batches[0]![0]!.type, 'error');
  // Within the same millisecond as that send too: the next call may be the one that hangs.
  s.publish('stats', 'p', { a: 1 });
  s.flushBeforeBlocking();
  assert.equal(batches.length, 2);
  batches.length = 1;
  // A consumer loop: one count and one blocking call per message, within the same 50 ms.
  for (let i = 0; i < 1000; i++) {
    s.count('consume');
    s.flushBeforeBlocking();
  }
  assert.equal(batches.length, 1, 'counts are not sent once per message');
  now += 60;
  for (let i = 0; i < 64; i++) {
    s.count('consume');
    s.flushBeforeBlocking();
  }
  assert.equal(batches.length, 2, 'but within 64 calls once flushMs has passed');
  const dropped = batches[1]!.find((e) => e.type === 'dropped');
  assert.ok(dropped?.type === 'dropped');
  s.flush();
  const counted = batches
    .flat()
    .reduce((n, e) => n + (e.type === 'dropped' ? (e.data.counts.consume ?? 0) : 0), 0);
  assert.equal(counted, 1064, 'and every count arrives exactly');
});
