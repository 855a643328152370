// "No two files import each other" (BRIEF.md), and issue 10's kernel "parts … each importable and testable
// alone, with no import cycle": held for every source of the repository, type-only imports included (a
// dynamic import() call, which loads a module on demand, is not an edge: test/support/import-graph.ts).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { importCycles, importGraph, sources } from '../support/import-graph.ts';
import { repoRoot } from '../support/repo.ts';

const DIRS = [
  'extension',
  'gen',
  'cli',
  'protocol',
  'webview',
  'trace',
  'versions',
  'bench',
  'scripts',
  'test',
];

test('no source file imports itself back through others (no static import cycle anywhere)', () => {
  const files = sources(repoRoot, DIRS);
  assert.ok(
    files.some((f) => f.endsWith('extension/kernel/runtime.ts')),
    'the kernel sources were read',
  );
  const graph = importGraph(files);
  assert.ok(graph.get(join(repoRoot, 'extension/kernel/runtime.ts'))!.length > 5, 'imports were resolved');
  assert.deepEqual(importCycles(graph, repoRoot), []);
});

test('the check finds a cycle through a re-export, an index folder, a type-only import and an import() type, and none through a dynamic import()', () => {
  const root = mkdtempSync(join(tmpdir(), 'wb-cycle-'));
  mkdirSync(join(root, 'src/parts'), { recursive: true });
  writeFileSync(join(root, 'src/a.ts'), "import { b } from './b.ts';\nexport const a = b;\n");
  writeFileSync(join(root, 'src/b.ts'), "export { c as b } from './parts';\n");
  writeFileSync(join(root, 'src/parts/index.ts'), "import type { A } from '../c.js';\nexport const c = 1;\n");
  writeFileSync(join(root, 'src/c.ts'), "export type A = typeof import('./a.ts');\n");
  writeFileSync(join(root, 'src/alone.ts'), "import { a } from './a.ts';\nexport const x = a;\n");
  // Loaded on demand only: no edge, so no second cycle.
  writeFileSync(join(root, 'src/lazy.ts'), "import { load } from './x.ts';\nexport const again = load;\n");
  writeFileSync(join(root, 'src/x.ts'), "export const load = () => import('./lazy.ts');\n");
  const cycles = importCycles(importGraph(sources(root, ['src'])), root);
  assert.deepEqual(cycles, [['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/parts/index.ts']]);
});
