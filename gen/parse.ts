// Stage 2: a real C parser (tree-sitter's C grammar, compiled to wasm) over the preprocessed
// librdkafka code, and an interpreter of its declarations: typedefs, opaque and defined structs/unions,
// enums, function prototypes (named/unnamed/variadic parameters, function pointers, arrays) and
// `__attribute__((...))` anywhere, keeping deprecation as a flag.
import { createRequire } from 'node:module';
import { Language, Parser, type Node } from 'web-tree-sitter';
import type { CParam, CType } from './ctype.ts';
import { normalizeIntType } from './ctype.ts';
import { tryEvaluate } from './cexpr.ts';

export interface Where {
  /** 0-based row in the preprocessed code (map through `origin` to the header line). */
  row: number;
  endRow: number;
}

export interface RecordDef extends Where {
  id: number;
  kind: 'struct' | 'union';
  tag?: string;
  /** undefined: declared but never defined (opaque). */
  fields?: { name: string; type: CType; row: number; bits?: number }[];
}

export interface EnumDef extends Where {
  id: number;
  tag?: string;
  values: { name: string; expr?: string; row: number }[];
}

export interface TypedefDef extends Where {
  name: string;
  type: CType;
}

export interface FunctionDef extends Where {
  name: string;
  type: Extract<CType, { k: 'fn' }>;
  deprecated: boolean;
}

export interface Parsed {
  records: RecordDef[];
  enums: EnumDef[];
  typedefs: TypedefDef[];
  functions: FunctionDef[];
  /** Top-level variables and anything else that is not a type or function. */
  skipped: string[];
  /** Syntax errors tree-sitter found: a count and the first few rows. */
  errors: { count: number; rows: number[] };
  ms: number;
}

let parserPromise: Promise<Parser> | undefined;

/** tree-sitter's runtime and the C grammar load once per process (~40 ms). */
export function cParser(): Promise<Parser> {
  parserPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    await Parser.init();
    const C = await Language.load(require.resolve('tree-sitter-c/tree-sitter-c.wasm'));
    const parser = new Parser();
    parser.setLanguage(C);
    return parser;
  })();
  return parserPromise;
}

export async function parse(code: string): Promise<Parsed> {
  const parser = await cParser();
  const started = performance.now();
  const tree = parser.parse(code);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    const out = new Interpreter().run(tree.rootNode);
    return { ...out, ms: performance.now() - started };
  } finally {
    tree.delete();
  }
}

class Interpreter {
  records: RecordDef[] = [];
  enums: EnumDef[] = [];
  typedefs: TypedefDef[] = [];
  functions: FunctionDef[] = [];
  skipped: string[] = [];
  private recordByTag = new Map<string, RecordDef>();
  private enumByTag = new Map<string, EnumDef>();
  private enumValues = new Map<string, bigint>();

  run(root: Node): Omit<Parsed, 'ms'> {
    const errorRows: number[] = [];
    let errors = 0;
    if (root.hasError) {
      const walk = (n: Node) => {
        if (n.isError || n.isMissing) {
          errors++;
          if (errorRows.length < 5) errorRows.push(n.startPosition.row);
          return;
        }
        if (n.hasError) for (const c of n.children) if (c) walk(c);
      };
      walk(root);
    }
    for (const node of root.namedChildren) if (node) this.topLevel(node);
    return {
      records: this.records,
      enums: this.enums,
      typedefs: this.typedefs,
      functions: this.functions,
      skipped: this.skipped,
      errors: { count: errors, rows: errorRows },
    };
  }

  private where(n: Node): Where {
    return { row: n.startPosition.row, endRow: n.endPosition.row };
  }

  private topLevel(node: Node): void {
    switch (node.type) {
      case 'type_definition': {
        const base = this.baseType(node);
        for (const d of node.childrenForFieldName('declarator')) {
          if (!d) continue;
          const { name, type } = this.declarator(base, d);
          if (name) this.typedefs.push({ name, type, ...this.where(node) });
        }
        return;
      }
      case 'declaration': {
        const base = this.baseType(node);
        const deprecated = isDeprecated(node);
        for (const d of node.childrenForFieldName('declarator')) {
          if (!d) continue;
          const { name, type } = this.declarator(
            base,
            d.type === 'init_declarator' ? d.childForFieldName('declarator') : d,
          );
          if (name && type.k === 'fn') this.functions.push({ name, type, deprecated, ...this.where(node) });
          else if (name) this.skipped.push(name);
        }
        return;
      }
      case 'struct_specifier':
      case 'union_specifier':
      case 'enum_specifier':
        this.specifier(node);
        return;
      case 'function_definition': {
        // `static inline` helpers in a header: not exported by the library, so not bound.
        const d = node.childForFieldName('declarator');
        const name = d ? this.declarator({ k: 'name', name: 'void' }, d).name : undefined;
        if (name) this.skipped.push(name);
        return;
      }
      default:
        return; // comments, stray `;`, ERROR nodes (counted above)
    }
  }

  /** The type named by a declaration's `type` field plus its own qualifiers. */
  private baseType(decl: Node): CType {
    const typeNode = decl.childForFieldName('type');
    const isConst = decl.children.some((c) => c?.type === 'type_qualifier' && c.text === 'const');
    const t = typeNode ? this.specifier(typeNode) : ({ k: 'name', name: 'int' } as CType);
    return isConst ? withConst(t) : t;
  }

  private specifier(n: Node): CType {
    switch (n.type) {
      case 'primitive_type':
        return { k: 'name', name: n.text === '_Bool' ? 'bool' : n.text };
      case 'sized_type_specifier':
        return { k: 'name', name: normalizeIntType(n.text.split(/\s+/)) };
      case 'type_identifier':
        return { k: 'name', name: n.text };
      case 'struct_specifier':
      case 'union_specifier':
        return this.record(n, n.type === 'struct_specifier' ? 'struct' : 'union');
      case 'enum_specifier':
        return this.enumSpec(n);
      default:
        return { k: 'name', name: n.text };
    }
  }

  private record(n: Node, kind: 'struct' | 'union'): CType {
    const tag = n.childForFieldName('name')?.text;
    const body = n.childForFieldName('body');
    let def = tag ? this.recordByTag.get(`${kind} ${tag}`) : undefined;
    if (!def) {
      def = { id: this.records.length, kind, ...(tag ? { tag } : {}), ...this.where(n) };
      this.records.push(def);
      if (tag) this.recordByTag.set(`${kind} ${tag}`, def);
    }
    if (body) {
      Object.assign(def, this.where(n));
      def.fields = [];
      for (const f of body.namedChildren) {
        if (f?.type !== 'field_declaration') continue;
        const base = this.baseType(f);
        const decls = f.childrenForFieldName('declarator').filter((d): d is Node => !!d);
        if (!decls.length) {
          // An anonymous struct/union member: its fields are reached through the parent (C11).
          def.fields.push({ name: '', type: base, row: f.startPosition.row });
          continue;
        }
        // `unsigned a : 3;` — kept as a flag: koffi cannot lay bit-fields out, the layout check says so.
        const bitfield = f.namedChildren.find((c) => c?.type === 'bitfield_clause');
        const bits = bitfield ? tryEvaluate(bitfield.text.replace(/^\s*:/, '')) : undefined;
        for (const d of decls) {
          const { name, type } = this.declarator(base, d);
          def.fields.push({
            name: name ?? '',
            type,
            row: d.startPosition.row,
            ...(bits !== undefined ? { bits: Number(bits) } : {}),
          });
        }
      }
    }
    return { k: 'tag', kind, ...(tag ? { name: tag } : {}), id: def.id };
  }

  private enumSpec(n: Node): CType {
    const tag = n.childForFieldName('name')?.text;
    const body = n.childForFieldName('body');
    let def = tag ? this.enumByTag.get(tag) : undefined;
    if (!def) {
      def = { id: this.enums.length, ...(tag ? { tag } : {}), values: [], ...this.where(n) };
      this.enums.push(def);
      if (tag) this.enumByTag.set(tag, def);
    }
    if (body) {
      Object.assign(def, this.where(n));
      for (const e of body.namedChildren) {
        if (e?.type !== 'enumerator') continue;
        const name = e.childForFieldName('name')!.text;
        const expr = e.childForFieldName('value')?.text;
        def.values.push({ name, ...(expr !== undefined ? { expr } : {}), row: e.startPosition.row });
      }
    }
    return { k: 'tag', kind: 'enum', ...(tag ? { name: tag } : {}), id: def.id };
  }

  /** Applies a declarator to a base type, inside out, as C reads it. */
  private declarator(base: CType, d: Node | null): { name?: string; type: CType } {
    if (!d) return { type: base };
    switch (d.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
      case 'primitive_type':
        return { name: d.text, type: base };
      case 'pointer_declarator':
      case 'abstract_pointer_declarator': {
        const isConst = d.children.some((c) => c?.type === 'type_qualifier' && c.text === 'const');
        return this.declarator(
          { k: 'ptr', to: base, ...(isConst ? { const: true } : {}) },
          d.childForFieldName('declarator'),
        );
      }
      case 'array_declarator':
      case 'abstract_array_declarator': {
        const sizeNode = d.childForFieldName('size');
        const size = sizeNode ? tryEvaluate(sizeNode.text, (n) => this.enumValues.get(n)) : undefined;
        return this.declarator(
          { k: 'array', of: base, ...(size !== undefined ? { size: Number(size) } : {}) },
          d.childForFieldName('declarator'),
        );
      }
      case 'function_declarator':
      case 'abstract_function_declarator': {
        const { params, variadic } = this.params(d.childForFieldName('parameters'));
        return this.declarator({ k: 'fn', ret: base, params, variadic }, d.childForFieldName('declarator'));
      }
      case 'parenthesized_declarator':
      case 'abstract_parenthesized_declarator':
      case 'attributed_declarator': {
        const inner = d.namedChildren.find(
          (c) =>
            c &&
            c.type !== 'attribute_specifier' &&
            c.type !== 'attribute_declaration' &&
            c.type !== 'ms_call_modifier',
        );
        return this.declarator(base, inner ?? null);
      }
      default:
        return { type: base };
    }
  }

  private params(list: Node | null): { params: CParam[]; variadic: boolean } {
    const params: CParam[] = [];
    let variadic = false;
    if (!list) return { params, variadic };
    for (const p of list.namedChildren) {
      if (!p) continue;
      if (p.type === 'variadic_parameter') variadic = true;
      if (p.type !== 'parameter_declaration') continue;
      const { name, type } = this.declarator(this.baseType(p), p.childForFieldName('declarator'));
      params.push({ ...(name ? { name } : {}), type });
    }
    // `(void)` means no parameters.
    if (
      params.length === 1 &&
      !params[0]!.name &&
      params[0]!.type.k === 'name' &&
      params[0]!.type.name === 'void'
    )
      params.length = 0;
    return { params, variadic };
  }

  /** Enumerator values seen so far, so array sizes may use them. */
  noteEnumValue(name: string, v: bigint): void {
    this.enumValues.set(name, v);
  }
}

function withConst(t: CType): CType {
  return t.k === 'name' || t.k === 'tag' || t.k === 'ptr' ? { ...t, const: true } : t;
}

/** `__attribute__((deprecated))` (also `__deprecated__`, with a message) anywhere in the declaration. */
function isDeprecated(decl: Node): boolean {
  // The text test first: walking the subtree in wasm costs ~0.2 ms per declaration.
  if (!decl.text.includes('deprecated')) return false;
  return decl
    .descendantsOfType('attribute_specifier')
    .some((a) => a && /\b(__)?deprecated(__)?\b/.test(a.text));
}
