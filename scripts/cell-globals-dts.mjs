// Generates the editor's declarations of the cell API (CELL_GLOBALS_DTS) from extension/kernel/cell-api.ts,
// the one place the cell API is declared: each member of `CellGlobals` becomes a global `const` (properties)
// or `function` (methods, overloads kept), each other type declaration a global type, doc comments kept.
// Declarations tagged `@internal` are left out. Used by scripts/build.mjs.
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** The `/** … *\/` comment right before `node`, re-indented with `indent`; '' when there is none. */
function docOf(node, text, indent) {
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const doc = ranges.filter((r) => text.startsWith('/**', r.pos)).pop();
  if (!doc) return '';
  const lines = text
    .slice(doc.pos, doc.end)
    .split('\n')
    .map((l, i) => (i === 0 ? l.trim() : ` ${l.trim()}`));
  return lines.map((l) => indent + l).join('\n') + '\n';
}

const reindent = (s, indent) =>
  s
    .split('\n')
    .map((l) => (l ? indent + l : l))
    .join('\n');

/** Whether a comment tag `@internal` is on the node. */
const internal = (node, text) => /@internal\b/.test(docOf(node, text, ''));

export function cellGlobalsDts(file) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const types = [];
  const globals = [];
  let found = false;
  for (const st of sf.statements) {
    if (internal(st, text)) continue;
    if (ts.isInterfaceDeclaration(st) && st.name.text === 'CellGlobals') {
      found = true;
      for (const m of st.members) {
        const doc = docOf(m, text, '  ');
        const name = m.name?.getText(sf);
        if (ts.isPropertySignature(m) && m.type)
          globals.push(`${doc}  const ${name}: ${m.type.getText(sf)};`);
        else if (ts.isMethodSignature(m))
          globals.push(`${doc}  function ${m.getText(sf).replace(/;?$/, ';')}`);
        else throw new Error(`${file}: CellGlobals member ${name ?? '?'} is neither a property nor a method`);
      }
      continue;
    }
    if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) {
      const own = st.getText(sf).replace(/^export\s+/, '');
      types.push(docOf(st, text, '  ') + reindent(own, '  '));
      continue;
    }
    throw new Error(
      `${file}: only interfaces and type aliases may be declared there (line ${sf.getLineAndCharacterOfPosition(st.getStart(sf)).line + 1})`,
    );
  }
  if (!found) throw new Error(`${file} declares no CellGlobals interface`);
  return [
    "// rdkafka workbench: globals of notebook cells besides librdkafka's own (see docs/kernel.md).",
    '// Generated from extension/kernel/cell-api.ts by scripts/build.mjs: do not edit.',
    'declare global {',
    ...types,
    ...globals,
    '}',
    'export {};',
    '',
  ].join('\n');
}
