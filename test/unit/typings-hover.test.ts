// What a hover over a C function shows in a cell, asked of TypeScript's language service as VS Code's
// TypeScript server answers it: the C prototype apart from the parameter docs, and callback parameters
// as the function a cell passes, not a generated prototype name.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import ts from 'typescript';
import { generate } from '../../gen/generate.ts';
import { SYSTEM_HEADER } from './fixtures/gen/oracle.ts';

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  types: [],
};

/** A language service over one cell and the declarations, as the TS server has them for a notebook. */
function service(dts: string, cell: string): ts.LanguageService {
  const files = new Map([
    ['/decl/rdkafka.d.ts', dts],
    ['/cells/cell1.ts', cell],
  ]);
  const host: ts.LanguageServiceHost = {
    getScriptFileNames: () => [...files.keys()],
    getScriptVersion: () => '1',
    getScriptSnapshot: (f) => {
      const text = files.get(f) ?? ts.sys.readFile(f);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => '/',
    getCompilationSettings: () => OPTIONS,
    getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
    fileExists: (f) => files.has(f) || ts.sys.fileExists(f),
    readFile: (f) => files.get(f) ?? ts.sys.readFile(f),
  };
  return ts.createLanguageService(host);
}

function hover(dts: string, cell: string, at: string) {
  const info = service(dts, cell).getQuickInfoAtPosition('/cells/cell1.ts', cell.indexOf(at) + 1);
  assert.ok(info, `no hover over ${at}`);
  return {
    signature: ts.displayPartsToString(info.displayParts),
    doc: ts.displayPartsToString(info.documentation),
    tags: (info.tags ?? []).map((t) => `@${t.name} ${ts.displayPartsToString(t.text)}`),
  };
}

describe('typings: hovers in cells', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'typings-hover-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  let dts = '';
  before(async () => {
    await generate({ header: SYSTEM_HEADER, out: join(tmp, 'bindings') });
    dts = readFileSync(join(tmp, 'bindings', 'rdkafka.d.ts'), 'utf8');
  });

  test('the C prototype is a paragraph of the description, never run into a @param text', () => {
    const h = hover(dts, 'rd_kafka_err2str(0);', 'rd_kafka_err2str');
    assert.match(
      h.doc,
      /Returns a human readable representation of a kafka error\.\n\nC: `const char \* rd_kafka_err2str\(rd_kafka_resp_err_t err\)` \(rdkafka\.h:\d+\)$/,
    );
    assert.deepEqual(h.tags, ['@param err Error code to translate']);
  });

  test('a callback parameter shows its function type, and its C declaration reads as C', () => {
    const h = hover(dts, 'rd_kafka_conf_set_dr_msg_cb(0n, null);', 'rd_kafka_conf_set_dr_msg_cb');
    assert.match(
      h.signature,
      /dr_msg_cb: \(\(rk: bigint, rkmessage: bigint, opaque: bigint \| null\) => void\) \| bigint \| null/,
    );
    assert.doesNotMatch(h.signature, /__dr_msg_cb/);
    assert.match(
      h.doc,
      /void \(\*dr_msg_cb\)\(rd_kafka_t \* rk, const rd_kafka_message_t \* rkmessage, void \* opaque\)/,
    );
  });

  test('a callback annotated more narrowly than the C types still type-checks, as with the named prototypes', () => {
    const cell = [
      'rd_kafka_conf_set_dr_msg_cb(0n, (rk: bigint, m: bigint, opaque: bigint) => { void rk; void m; void opaque; });',
      'rd_kafka_conf_set_dr_msg_cb(0n, (rk, m, opaque) => { const o: bigint | null = opaque; void o; void rk; void m; });',
      'rd_kafka_conf_set_dr_msg_cb(0n, (rk: string) => { void rk; });',
    ].join('\n');
    const errors = service(dts, cell)
      .getSemanticDiagnostics('/cells/cell1.ts')
      .map((d) => `line ${d.file!.getLineAndCharacterOfPosition(d.start!).line + 1}: TS${d.code}`);
    assert.deepEqual(errors, ['line 3: TS2769']);
  });
});
