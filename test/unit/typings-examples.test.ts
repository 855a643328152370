// The example notebooks type-check the way VS Code's TypeScript server checks notebook cells: each code cell
// a separate global script, next to the generated rdkafka.d.ts and the kernel's other cell globals
// (CELL_GLOBALS_DTS), lib es2023 + dom, no Node typings. A red squiggle in a shipped example is the first
// thing a user sees; this reproduces the real-VS-Code check (test/vscode examples suite) without VS Code.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ts from 'typescript';
import { CELL_GLOBALS_DTS } from '../../extension/kernel/cell-globals.ts';
import { parseNotebook } from '../../extension/notebook/format.ts';
import { generate } from '../../gen/generate.ts';
import { fetchHeaders, ROOT, SYSTEM_HEADER } from './fixtures/gen/oracle.ts';

// What extension/intellisense.ts drops before showing a cell's diagnostics (IGNORED_CODES there: that
// module imports vscode, so the list is repeated here): cells may declare a name again (the kernel allows
// it) and use top-level await and return.
const IGNORED = new Set([2451, 2300, 2393, 1375, 1378, 1431, 1432, 1108]);

// The TS server's inferred project for cells, as VS Code 1.139 with TypeScript 6.0 sets it up.
const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  types: [],
  allowJs: true,
};

const EXAMPLES = join(ROOT, 'examples');
const notebooks = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.rdkafka'))
  .sort();

/** Virtual cell files of one notebook: `<notebook>/cell<N>.ts`, N counted from 1 in notebook order. */
function cellFiles(name: string): Map<string, string> {
  const nb = parseNotebook(readFileSync(join(EXAMPLES, name), 'utf8'), name);
  const files = new Map<string, string>();
  nb.cells.forEach((c, i) => {
    // C cells are compiled by the C compiler (their errors are its diagnostics), not type-checked here.
    if (c.kind === 'code' && c.language !== 'c') files.set(`/cells/${name}/cell${i + 1}.ts`, c.source);
  });
  return files;
}

/** Semantic and syntactic errors of the cells (not of the declaration files), as readable lines. */
function check(dts: string, cells: Map<string, string>): string[] {
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

describe('typings: example notebooks type-check as VS Code checks their cells', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'typings-examples-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  let dts = '';
  before(async () => {
    await generate({ header: SYSTEM_HEADER, out: join(tmp, 'bindings') });
    dts = readFileSync(join(tmp, 'bindings', 'rdkafka.d.ts'), 'utf8');
  });

  test('the check sees what the TS server sees: C API misuse, Node-only names, a clash across notebooks', () => {
    const errors = check(
      dts,
      new Map([
        ['/cells/a.rdkafka/cell1.ts', 'const rk = rd_kafka_new("producer", null, null, 0);'],
        ['/cells/a.rdkafka/cell2.ts', 'const len = Buffer.byteLength("x");'],
        ['/cells/a.rdkafka/cell3.ts', 'const e = errbuf();'],
        ['/cells/b.rdkafka/cell1.ts', 'const e = 5;\nrd_kafka_err2str(e);'],
      ]),
    );
    assert.equal(errors.length, 3, errors.join('\n'));
    assert.match(errors[0]!, /a\.rdkafka\/cell1\.ts, line 1: TS2345 .*string.* not assignable .*number/);
    assert.match(errors[1]!, /a\.rdkafka\/cell2\.ts, line 1: TS2591 Cannot find name 'Buffer'/);
    assert.match(errors[2]!, /b\.rdkafka\/cell1\.ts, line 2: TS2345/);
  });

  test('there are example notebooks with code cells', () => {
    assert.ok(notebooks.length >= 1, 'examples/ holds no .rdkafka notebooks');
    for (const n of notebooks) assert.ok(cellFiles(n).size > 0, `${n} has no code cells`);
  });

  for (const name of notebooks)
    test(`${name}: its cells show no type errors`, () => {
      const errors = check(dts, cellFiles(name));
      assert.deepEqual(errors, [], `${errors.length} type errors in ${name}`);
    });

  const allCells = () => {
    const all = new Map<string, string>();
    for (const n of notebooks) for (const [f, s] of cellFiles(n)) all.set(f, s);
    return all;
  };

  test('all examples open together (one shared global scope) show no type errors', () => {
    const errors = check(dts, allCells());
    assert.deepEqual(errors, [], `${errors.length} type errors with every example open`);
  });

  test('with typings generated from the newer 2.15.1 header the examples show no type errors either', async () => {
    const out = join(tmp, 'bindings-2.15.1');
    await generate({ header: fetchHeaders().get('2.15.1')!, out });
    const errors = check(readFileSync(join(out, 'rdkafka.d.ts'), 'utf8'), allCells());
    assert.deepEqual(errors, [], `${errors.length} type errors against the 2.15.1 typings`);
  });
});
