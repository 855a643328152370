// Rewrites a cell's JavaScript (esbuild's output) into a script that keeps state across cells, like a REPL:
// top-level declarations become assignments to globals (so re-running a cell never fails on redeclaration),
// `import` becomes a dynamic import resolved from the workspace, the last expression becomes the value,
// and every loop checks for an interrupt. Every edit keeps line breaks where they were, so the line
// numbers of esbuild's source map stay valid. Pure: text in, text out.
import { parse } from 'acorn';
import type * as ESTree from 'estree';

export interface Rewritten {
  /** A script: evaluates to a Promise of the cell's value ({value, hasValue}). */
  code: string;
  /** Top-level names the cell declares (they become globals). */
  declared: string[];
  /** Characters added before line 1 of the original code (for column mapping of line 1). */
  prefixLength: number;
}

/** Name of the global function loops call to honour an interrupt; and the dynamic import helper. */
export const TICK = '__wbTick';
export const IMPORT = '__wbImport';

interface Edit {
  pos: number;
  del: number;
  text: string;
  seq: number;
}

type Node = ESTree.Node & { start: number; end: number };

function patternNames(p: ESTree.Pattern, out: string[]): void {
  switch (p.type) {
    case 'Identifier':
      out.push(p.name);
      break;
    case 'ObjectPattern':
      for (const prop of p.properties)
        patternNames(prop.type === 'RestElement' ? prop.argument : prop.value, out);
      break;
    case 'ArrayPattern':
      for (const el of p.elements) if (el) patternNames(el, out);
      break;
    case 'RestElement':
      patternNames(p.argument, out);
      break;
    case 'AssignmentPattern':
      patternNames(p.left, out);
      break;
    default:
      break;
  }
}

const newlines = (s: string) => s.replace(/[^\n]/g, '');

/** Visits every node below `node` (a tiny walker: acorn's AST is plain objects). */
function walk(node: unknown, visit: (n: Node) => void): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  const n = node as Node;
  if (typeof n.type !== 'string') return;
  visit(n);
  for (const key of Object.keys(n)) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue;
    const v = (n as unknown as Record<string, unknown>)[key];
    if (v && typeof v === 'object') walk(v, visit);
  }
}

export function rewriteCell(js: string): Rewritten {
  const program = parse(js, {
    ecmaVersion: 'latest',
    sourceType: 'module',
    allowAwaitOutsideFunction: true,
    allowHashBang: true,
  }) as unknown as ESTree.Program & { start: number; end: number };
  const edits: Edit[] = [];
  let seq = 0;
  const edit = (pos: number, del: number, text: string) => edits.push({ pos, del, text, seq: seq++ });
  const src = (n: { start: number; end: number }) => js.slice(n.start, n.end);
  const declared: string[] = [];
  const hoisted: string[] = [];
  let importCount = 0;

  // Every loop body starts with a check of the interrupt flag.
  walk(program, (n) => {
    // `import(x)` in a script would need a vm callback: use the workspace-aware helper instead.
    if (n.type === 'ImportExpression') edit(n.start, 'import'.length, IMPORT);
    if (
      n.type === 'WhileStatement' ||
      n.type === 'DoWhileStatement' ||
      n.type === 'ForStatement' ||
      n.type === 'ForInStatement' ||
      n.type === 'ForOfStatement'
    ) {
      const body = (n as unknown as { body: Node }).body;
      if (body.type === 'BlockStatement') edit(body.start + 1, 0, `${TICK}();`);
      else {
        edit(body.start, 0, `{${TICK}();`);
        edit(body.end, 0, '}');
      }
    }
  });

  const body = program.body as Node[];
  body.forEach((stmt0, index) => {
    let stmt = stmt0;
    // `export` is meaningless in a cell: keep the declaration, drop the keyword.
    if (stmt.type === 'ExportNamedDeclaration') {
      const decl = (stmt as unknown as ESTree.ExportNamedDeclaration).declaration as Node | null;
      if (!decl) {
        edit(stmt.start, stmt.end - stmt.start, newlines(src(stmt)));
        return;
      }
      edit(stmt.start, decl.start - stmt.start, '');
      stmt = decl;
    } else if (stmt.type === 'ExportDefaultDeclaration') {
      const decl = (stmt as unknown as ESTree.ExportDefaultDeclaration).declaration as Node;
      edit(stmt.start, decl.start - stmt.start, '');
      stmt = decl;
    }
    const isLast = index === body.length - 1;
    switch (stmt.type) {
      case 'VariableDeclaration': {
        const d = stmt as unknown as ESTree.VariableDeclaration & Node;
        const decls = d.declarations as (ESTree.VariableDeclarator & Node)[];
        // `const a = 1, {b} = o;` → `;((a = 1), ({b} = o));`
        edit(d.start, d.kind.length, ';(');
        for (const v of decls) {
          const names: string[] = [];
          patternNames(v.id, names);
          declared.push(...names);
          const id = v.id as unknown as Node;
          edit(id.start, 0, '(');
          if (v.init) edit((v.init as unknown as Node).end, 0, ')');
          else edit(id.end, 0, d.kind === 'var' ? ` = ${src(id)})` : ' = void 0)');
        }
        const last = decls[decls.length - 1]!;
        const semi = js.slice(last.end, d.end).includes(';');
        edit(last.end, 0, ')');
        if (!semi) edit(d.end, 0, ';');
        break;
      }
      case 'FunctionDeclaration': {
        const f = stmt as unknown as ESTree.FunctionDeclaration;
        if (f.id) {
          declared.push(f.id.name);
          hoisted.push(f.id.name);
        }
        break;
      }
      case 'ClassDeclaration': {
        const c = stmt as unknown as ESTree.ClassDeclaration;
        if (c.id) {
          declared.push(c.id.name);
          edit(stmt.start, 0, `${c.id.name} = `);
          edit(stmt.end, 0, ';');
        }
        break;
      }
      case 'ImportDeclaration': {
        const imp = stmt as unknown as ESTree.ImportDeclaration;
        const m = `__wbm${importCount++}`;
        const parts = [`const ${m} = await ${IMPORT}(${JSON.stringify(imp.source.value)});`];
        for (const s of imp.specifiers) {
          declared.push(s.local.name);
          if (s.type === 'ImportDefaultSpecifier') parts.push(`${s.local.name} = ${m}.default;`);
          else if (s.type === 'ImportNamespaceSpecifier') parts.push(`${s.local.name} = ${m};`);
          else {
            const name = s.imported.type === 'Identifier' ? s.imported.name : String(s.imported.value);
            const key = JSON.stringify(name);
            // CommonJS packages may only expose their exports under `default`.
            parts.push(`${s.local.name} = ${key} in ${m} ? ${m}[${key}] : ${m}.default?.[${key}];`);
          }
        }
        edit(stmt.start, stmt.end - stmt.start, parts.join(' ') + newlines(src(stmt)));
        break;
      }
      case 'ExpressionStatement': {
        // A cell that is only a string ('x') parses as a directive; a REPL still shows it. "use strict" stays a directive.
        if (isLast && (stmt as unknown as { directive?: string }).directive !== 'use strict') {
          // The statement's span, not the expression's: acorn leaves enclosing parentheses out of it.
          const end = js[stmt.end - 1] === ';' ? stmt.end - 1 : stmt.end;
          edit(stmt.start, 0, 'return { hasValue: true, value: (');
          edit(end, js[stmt.end - 1] === ';' ? 1 : 0, ') };');
        }
        break;
      }
      default:
        // Anything else (`export default expr`, control flow, blocks) runs as written.
        break;
    }
  });

  edits.sort((a, b) => b.pos - a.pos || b.seq - a.seq);
  let out = js;
  for (const e of edits) out = out.slice(0, e.pos) + e.text + out.slice(e.pos + e.del);

  const unique = [...new Set(declared)];
  const vars = unique.length ? `var ${unique.join(', ')}; ` : '';
  const publish = hoisted.map((n) => `globalThis.${n} = ${n};`).join(' ');
  // Function declarations are hoisted inside the wrapper; publishing them first keeps that hoisting.
  const prefix = `${vars}(async () => { ${publish}`;
  const code = `${prefix}${out}\nreturn { hasValue: false }; })()`;
  return { code, declared: unique, prefixLength: prefix.length };
}
