// Type-checking notebook cells the way VS Code's TypeScript server checks them: each code cell a separate
// global script, next to the generated rdkafka.d.ts and the kernel's other cell globals (CELL_GLOBALS_DTS),
// lib es2023 + dom, no Node typings. Shared by the typings tests of the examples and of the scenarios.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { CELL_GLOBALS_DTS } from '../../extension/kernel/cell-globals.ts';
import { parseNotebook } from '../../extension/notebook/format.ts';

// What extension/intellisense.ts drops before showing a cell's diagnostics (IGNORED_CODES there: that
// module imports vscode, so the list is repeated here): cells may declare a name again (the kernel allows
// it) and use top-level await and return.
export const IGNORED = new Set([2451, 2300, 2393, 1375, 1378, 1431, 1432, 1108]);

// The TS server's inferred project for cells, as VS Code 1.139 with TypeScript 6.0 sets it up.
export const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  allowJs: true,
};

/** Semantic and syntactic errors of the cells (not of the declaration files), as readable lines. */
export function check(dts: string, cells: Map<string, string>): string[] {
  const files = new Map(cells);
  files.set('/decl/rdkafka.d.ts', dts);
  files.set('/decl/workbench-globals.d.ts', CELL_GLOBALS_DTS);
  const host = ts.createCompilerHost(OPTIONS);
  const libDir = dirname(ts.getDefaultLibFilePath(OPTIONS));
  const readFile = host.readFile.bind(host);
  host.fileExists = (f) => files.has(f) || (f.startsWith(libDir) && ts.sys.fileExists(f));
  host.readFile = (f) => files.get(f) ?? readFile(f);
  host.getSourceFile = (f, lang) => {
    const text = host.readFile(f);
    return text === undefined ? undefined : ts.createSourceFile(f, text, lang, true, ts.ScriptKind.TS);
  };
  const program = ts.createProgram([...files.keys()], OPTIONS, host);
  const errors: string[] = [];
  const declErrors: string[] = [];
  for (const sf of program.getSourceFiles()) {
    const own = files.has(sf.fileName);
    if (!own) continue;
    const diags = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
    for (const d of diags) {
      if (d.category !== ts.DiagnosticCategory.Error || IGNORED.has(d.code)) continue;
      const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
      const text = `${sf.fileName.replace('/cells/', '')}, line ${line + 1}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      (sf.fileName.startsWith('/decl/') ? declErrors : errors).push(text);
    }
  }
  return [...declErrors, ...errors];
}

/** Virtual cell files of one notebook: `<notebook>/cell<N>.ts`, N counted from 1 in notebook order. */
export function notebookCells(dir: string, name: string): Map<string, string> {
  const nb = parseNotebook(readFileSync(join(dir, name), 'utf8'), name);
  const files = new Map<string, string>();
  nb.cells.forEach((c, i) => {
    // C cells are compiled by the C compiler (their errors are its diagnostics), not type-checked here.
    if (c.kind === 'code' && c.language !== 'c') files.set(`/cells/${name}/cell${i + 1}.ts`, c.source);
  });
  return files;
}
