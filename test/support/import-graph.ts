// The repository's import graph, read with TypeScript's parser, and its cycles: "no two files import each
// other" (BRIEF.md), directly or through others. Edges are what a module needs to be read: `import` and
// `export … from` declarations, type-only ones and `import('…')` types included. A dynamic `import()` call is
// not one: it loads a module later, on demand (cli/main.ts loads each command that way).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const SKIP = new Set(['node_modules', 'dist', 'test-results']);

/** The .ts/.mts/.tsx sources under `dirs` of `root` (declaration files left out). */
export function sources(root: string, dirs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      if (SKIP.has(n) || n.startsWith('.')) continue;
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(m?ts|tsx)$/.test(n) && !/\.d\.m?ts$/.test(n)) out.push(p);
    }
  };
  for (const d of dirs) if (existsSync(join(root, d))) walk(join(root, d));
  return out.sort();
}

/** The module specifiers of `file`'s static imports and re-exports, and of its `import('…')` types. */
function staticImports(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (
      (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) &&
      n.moduleSpecifier &&
      ts.isStringLiteral(n.moduleSpecifier)
    )
      out.push(n.moduleSpecifier.text);
    else if (
      ts.isImportTypeNode(n) &&
      ts.isLiteralTypeNode(n.argument) &&
      ts.isStringLiteral(n.argument.literal)
    )
      out.push(n.argument.literal.text);
    n.forEachChild(visit);
  };
  visit(sf);
  return out;
}

/** What each file imports among `files` (relative specifiers, as written or with .js → .ts). */
export function importGraph(files: readonly string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const f of files) {
    const deps = new Set<string>();
    for (const fileName of staticImports(f)) {
      if (!fileName.startsWith('.')) continue;
      const p = resolve(dirname(f), fileName);
      const hit = [p, p.replace(/\.m?js$/, '.ts'), `${p}.ts`, join(p, 'index.ts')].find((c) => known.has(c));
      if (hit && hit !== f) deps.add(hit);
    }
    graph.set(f, [...deps].sort());
  }
  return graph;
}

/** Every cycle of the graph (its strongly connected parts of more than one file), as paths from `root`. */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>, root: string): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const part: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      part.push(relative(root, w));
    } while (w !== v);
    if (part.length > 1) cycles.push(part.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
