// Stage 3: interpret the parsed declarations and macros into the one model (gen/model.ts).
// Names, values and types all come from the header; the only fixed vocabulary is C's and koffi's.
import { basename } from 'node:path';
import { evaluate, jsonValue, stringLiteral } from './cexpr.ts';
import type { CType } from './ctype.ts';
import { normalizeIntType } from './ctype.ts';
import type { DocIndex } from './docs.ts';
import type {
  Alias,
  Callback,
  Constant,
  EnumDecl,
  FunctionDecl,
  FunctionMacro,
  Model,
  Param,
  StructDecl,
  VargsConstant,
} from './model.ts';
import type { Parsed, RecordDef } from './parse.ts';
import type { MacroDef, Preprocessed } from './preprocess.ts';

/** Type names koffi knows without declarations (koffi.types' keys). */
export const KOFFI_PRIMITIVES = new Set([
  'void',
  'bool',
  'char',
  'unsigned char',
  'short',
  'unsigned short',
  'int',
  'unsigned int',
  'long',
  'unsigned long',
  'long long',
  'unsigned long long',
  'float',
  'double',
  'size_t',
  'intptr_t',
  'uintptr_t',
  'wchar_t',
  'char16_t',
  'char32_t',
  'int8_t',
  'uint8_t',
  'int16_t',
  'uint16_t',
  'int32_t',
  'uint32_t',
  'int64_t',
  'uint64_t',
]);

/** C integer types' (bits, signed) for koffi base types of enums and integer casts. */
const INT_LIMITS: [string, bigint, bigint][] = [
  ['int', -(2n ** 31n), 2n ** 31n - 1n],
  ['unsigned int', 0n, 2n ** 32n - 1n],
  ['int64_t', -(2n ** 63n), 2n ** 63n - 1n],
  ['uint64_t', 0n, 2n ** 64n - 1n],
];

export interface BuildInput {
  pre: Preprocessed;
  parsed: Parsed;
  docs: DocIndex;
  header: string;
  headers: string[];
  library: string | null;
  compiler: string;
}

export interface Built {
  model: Model;
  warnings: string[];
  /** Values of every integer constant (enumerators and macros), exact. */
  values: Map<string, bigint>;
}

export function buildModel(input: BuildInput): Built {
  return new Builder(input).build();
}

class Builder {
  warnings: string[] = [];
  private typedefs = new Map<string, CType>();
  private recordNames = new Map<number, string>();
  private enumNames = new Map<number, string>();
  private enumBase = new Map<number, string>();
  private callbacks = new Map<string, Callback>();
  private opaque = new Set<string>();
  private aliases = new Map<string, Alias>();
  private systemCache = new Map<string, string | null>();
  private structs: StructDecl[] = [];
  private values = new Map<string, bigint>();
  private enumOf = new Map<string, number>();
  private vargsEnums = new Set<number>();

  constructor(private input: BuildInput) {}

  private origin(row: number) {
    return this.input.pre.origin[row] ?? { file: this.input.header, line: 0 };
  }
  private doc(row: number) {
    const o = this.origin(row);
    return this.input.docs.above(o.file, o.line);
  }
  private memberDoc(row: number) {
    const o = this.origin(row);
    return this.input.docs.member(o.file, o.line);
  }

  build(): Built {
    const { parsed } = this.input;
    for (const t of parsed.typedefs) this.typedefs.set(t.name, t.type);
    this.nameTypes();
    const enums = this.buildEnums();
    const constants = this.buildConstants();
    const versionInt = this.values.get('RD_KAFKA_VERSION');
    const functions = parsed.functions
      .filter((f) => this.isExported(f.name))
      .map((f) => this.buildFunction(f));
    // Function-typedefs become prototypes even when no function uses them (interceptors, plugins).
    for (const t of parsed.typedefs) {
      const fn =
        t.type.k === 'fn' ? t.type : t.type.k === 'ptr' && t.type.to.k === 'fn' ? t.type.to : undefined;
      if (fn && !this.callbacks.has(t.name)) this.addCallback(t.name, fn, 'typedef', this.doc(t.row));
    }
    this.buildStructs();
    const functionMacros = this.buildFunctionMacros();
    const vargsConstants = this.buildVargsConstants();
    const aliases = [...this.aliases.values()];
    const model: Model = {
      generator: { name: 'rdkafka-workbench', version: 1 },
      librdkafka: {
        version: versionInt === undefined ? 'unknown' : versionString(versionInt),
        versionInt: versionInt === undefined ? 0 : Number(versionInt),
      },
      header: this.input.header,
      headers: this.input.headers,
      library: this.input.library,
      compiler: this.input.compiler,
      functions,
      enums,
      constants,
      functionMacros,
      vargsConstants,
      structs: this.structs,
      opaque: [...this.opaque].sort(),
      callbacks: [...this.callbacks.values()],
      aliases,
    };
    return { model, warnings: this.warnings, values: this.values };
  }

  /** Library functions only: names starting with `_` are compiler/libc internals, never bound. */
  private isExported(name: string): boolean {
    return !name.startsWith('__');
  }

  /** Gives every struct, union and enum the name koffi will know it by. */
  private nameTypes(): void {
    const { parsed } = this.input;
    for (const t of parsed.typedefs) {
      if (t.type.k !== 'tag') continue;
      const names = t.type.kind === 'enum' ? this.enumNames : this.recordNames;
      if (!names.has(t.type.id)) names.set(t.type.id, t.name);
    }
    for (const r of parsed.records)
      if (!this.recordNames.has(r.id) && r.tag) this.recordNames.set(r.id, r.tag);
    for (const e of parsed.enums) if (!this.enumNames.has(e.id) && e.tag) this.enumNames.set(e.id, e.tag);
    // Nested anonymous records: <parent>__<field>, assigned when walking the parent's fields.
    const named = (r: RecordDef) => {
      for (const f of r.fields ?? []) {
        let t = f.type;
        while (t.k === 'array') t = t.of;
        if (t.k === 'tag' && t.kind !== 'enum' && !this.recordNames.has(t.id)) {
          this.recordNames.set(t.id, `${this.recordNames.get(r.id)}__${f.name || 'anon'}`);
          named(parsed.records[t.id]!);
        }
      }
    };
    for (const r of parsed.records) if (this.recordNames.has(r.id)) named(r);
    // Typedefs that are neither records, enums nor functions become aliases when first used (named()).
  }

  private buildEnums(): EnumDecl[] {
    const out: EnumDecl[] = [];
    for (const e of this.input.parsed.enums) {
      const name = this.enumNames.get(e.id);
      let next = 0n;
      const values = e.values.map((v) => {
        let value = next;
        if (v.expr !== undefined) {
          try {
            value = evaluate(v.expr, (n) => this.values.get(n));
          } catch (err) {
            this.warnings.push(`enumerator ${v.name} = ${v.expr}: ${(err as Error).message}`);
          }
        }
        this.values.set(v.name, value);
        this.enumOf.set(v.name, e.id);
        next = value + 1n;
        return { name: v.name, value: jsonValue(value), ...this.optDoc(this.memberDoc(v.row)) };
      });
      const all = e.values.map((v) => this.values.get(v.name)!);
      const base = INT_LIMITS.find(([, lo, hi]) => all.every((x) => x >= lo && x <= hi))?.[0] ?? 'int64_t';
      this.enumBase.set(e.id, base);
      if (!name) continue; // an anonymous enum only contributes constants
      const o = this.origin(e.row);
      out.push({ name, values, base, ...this.optDoc(this.doc(e.row)), file: basename(o.file), line: o.line });
    }
    // Anonymous enums' enumerators are constants too; keep them visible as an enum named after the first.
    for (const e of this.input.parsed.enums) {
      if (this.enumNames.has(e.id) || !e.values.length) continue;
      const o = this.origin(e.row);
      out.push({
        name: `enum__${e.values[0]!.name}`,
        values: e.values.map((v) => ({ name: v.name, value: jsonValue(this.values.get(v.name)!) })),
        base: this.enumBase.get(e.id)!,
        file: basename(o.file),
        line: o.line,
      });
    }
    return out;
  }

  private optDoc(doc: string | undefined): { doc?: string } {
    return doc ? { doc } : {};
  }

  private buildConstants(): Constant[] {
    const { macros } = this.input.pre;
    const out: Constant[] = [];
    const evaluating = new Set<string>();
    const lookup = (name: string): bigint | undefined => {
      if (this.values.has(name)) return this.values.get(name);
      const m = macros.get(name);
      if (!m || m.params || evaluating.has(name)) return undefined;
      evaluating.add(name);
      try {
        const v = evaluate(m.body, lookup);
        return v;
      } catch {
        return undefined;
      } finally {
        evaluating.delete(name);
      }
    };
    for (const m of macros.values()) {
      if (m.params || m.name.startsWith('_') || !m.body) continue;
      const doc = this.input.docs.member(m.file, m.line);
      const str = stringLiteral(m.body);
      if (str !== undefined) {
        out.push({ name: m.name, value: str, kind: 'string', expr: m.body, ...this.optDoc(doc) });
        continue;
      }
      const v = lookup(m.name);
      if (v === undefined) continue;
      const value = jsonValue(v);
      out.push({
        name: m.name,
        value,
        kind: 'integer',
        ...(typeof value === 'string' ? { bigint: true } : {}),
        expr: m.body,
        ...this.optDoc(doc),
      });
    }
    for (const c of out) if (c.kind === 'integer') this.values.set(c.name, BigInt(c.value));
    return out;
  }

  private buildFunctionMacros(): FunctionMacro[] {
    const out: FunctionMacro[] = [];
    for (const m of this.input.pre.macros.values()) {
      if (!m.params || m.name.startsWith('_')) continue;
      const rt = this.macroRuntime(m);
      const js: FunctionMacro['js'] = rt.vargs
        ? { kind: 'vargs', tag: Number(rt.vargs.tag), tagType: rt.vargs.tagType, pairs: rt.vargs.pairs }
        : rt.expr
          ? { kind: 'expr', expr: rt.expr }
          : undefined;
      if (rt.vargs) this.vargsEnums.add(this.enumOf.get(rt.vargs.tagName) ?? -1);
      out.push({
        name: m.name,
        params: m.params,
        body: m.body,
        runtime: rt.describe,
        ...(js ? { js } : {}),
        ...this.optDoc(this.input.docs.member(m.file, m.line)),
      });
    }
    return out;
  }

  /** How the runtime offers a function-like macro (see emit-bindings: `macros`). */
  /** Object-like macros that are a bare enumerator of a variadic-tag enum (RD_KAFKA_V_END). */
  private buildVargsConstants(): VargsConstant[] {
    const out: VargsConstant[] = [];
    for (const m of this.input.pre.macros.values()) {
      if (m.params || !/^\w+$/.test(m.body)) continue;
      const e = this.enumOf.get(m.body);
      if (e === undefined || !this.vargsEnums.has(e)) continue;
      out.push({ name: m.name, tag: Number(this.values.get(m.body)), tagType: this.enumBase.get(e)! });
    }
    return out;
  }

  macroRuntime(m: MacroDef): {
    describe: string;
    vargs?: { tag: bigint; tagName: string; tagType: string; pairs: [string, string][] };
    expr?: string;
  } {
    const vargs = variadicTag(m, (n) => this.values.get(n));
    if (vargs) {
      const tagEnum = this.enumOf.get(vargs.tagName);
      const tagType = tagEnum === undefined ? 'int' : this.enumBase.get(tagEnum)!;
      const pairs = vargs.pairs.map(([t, p]) => [this.spellText(t), p] as [string, string]);
      return {
        describe: `macros.${m.name}(${m.params!.join(', ')}) returns the variadic argument pairs [${[tagType, String(vargs.tag), ...pairs.flat()].map((x) => JSON.stringify(x)).join(', ')}] to spread into rd_kafka_producev-style calls`,
        vargs: { tag: vargs.tag, tagName: vargs.tagName, tagType, pairs },
      };
    }
    const expr = intExpression(m, (n) => this.values.get(n));
    if (expr)
      return { describe: `macros.${m.name}(${m.params!.join(', ')}) computes ${m.body} as a function`, expr };
    return { describe: 'not offered at runtime (compile-time only)' };
  }

  /** A cast's type text (`const char *`) spelled the koffi way, resolving typedefs. */
  private spellText(text: string): string {
    const stars = (text.match(/\*/g) ?? []).length;
    const words = text
      .replace(/\*/g, ' ')
      .split(/\s+/)
      .filter((w) => w && w !== 'const' && w !== 'volatile');
    const isConst = /\bconst\b/.test(text);
    let base: string;
    if (words[0] === 'struct' || words[0] === 'union')
      base = this.spell({ k: 'tag', kind: words[0], name: words[1]!, id: -1 }, '');
    else if (words.length === 1 && !KOFFI_PRIMITIVES.has(words[0]!))
      base = this.spell({ k: 'name', name: words[0]! }, '');
    else base = normalizeIntType(words);
    return `${isConst ? 'const ' : ''}${base}${stars ? ' ' + '*'.repeat(stars) : ''}`;
  }

  private buildFunction(f: Parsed['functions'][number]): FunctionDecl {
    const o = this.origin(f.row);
    const params = this.params(f.name, f.type.params);
    return {
      name: f.name,
      returns: this.spell(f.type.ret, `${f.name}__return`),
      params,
      variadic: f.type.variadic,
      deprecated: f.deprecated,
      ...this.optDoc(this.doc(f.row)),
      file: basename(o.file),
      line: o.line,
    };
  }

  private params(owner: string, params: { name?: string; type: CType }[]): Param[] {
    return params.map((p, i) => {
      const name = p.name ?? `arg${i}`;
      const type = this.spell(p.type, `${owner}__${name}`, 'param');
      const cb = /^(\w+) \*$/.exec(type)?.[1];
      return { name, type, ...(cb && this.callbacks.has(cb) ? { callback: cb } : {}) };
    });
  }

  private addCallback(
    name: string,
    fn: Extract<CType, { k: 'fn' }>,
    origin: Callback['origin'],
    doc?: string,
  ): void {
    const cb: Callback = {
      name,
      returns: 'void',
      params: [],
      origin,
      ...(fn.variadic ? { variadic: true } : {}),
      ...this.optDoc(doc),
    };
    this.callbacks.set(name, cb); // before recursing: a prototype may refer to itself
    cb.returns = this.spell(fn.ret, `${name}__return`);
    cb.params = this.params(name, fn.params);
  }

  /**
   * Spells a type the way koffi's prototype parser reads it. `context` names the synthesized
   * prototype when the type is an inline function pointer; `where` says how arrays decay.
   */
  spell(t: CType, context: string, where: 'param' | 'field' = 'param'): string {
    const c = (s: string, isConst?: boolean) => (isConst ? `const ${s}` : s);
    switch (t.k) {
      case 'name':
        return c(this.named(t.name, context), t.const);
      case 'tag': {
        if (t.kind === 'enum') {
          const name = t.id >= 0 ? this.enumNames.get(t.id) : t.name;
          return c(name ?? 'int', t.const);
        }
        const rec = t.id >= 0 ? this.input.parsed.records[t.id] : undefined;
        const name = (t.id >= 0 ? this.recordNames.get(t.id) : undefined) ?? t.name ?? 'void';
        if (!rec?.fields) this.opaque.add(name);
        return c(name, t.const);
      }
      case 'ptr': {
        const to = t.to;
        if (to.k === 'fn') {
          if (!this.callbacks.has(context)) this.addCallback(context, to, 'parameter');
          return `${context} *`;
        }
        if (to.k === 'name' && this.isFunctionTypedef(to.name)) {
          this.ensureTypedefCallback(to.name);
          return `${to.name} *`;
        }
        const inner = this.spell(to, context, 'param');
        return `${inner}${inner.endsWith('*') ? '*' : ' *'}`;
      }
      case 'array': {
        const inner = this.spell(t.of, context, where);
        if (where === 'param' || t.size === undefined) return `${inner}${inner.endsWith('*') ? '*' : ' *'}`;
        return `${inner} [${t.size}]`;
      }
      case 'fn':
        if (!this.callbacks.has(context)) this.addCallback(context, t, 'parameter');
        return context;
    }
  }

  private isFunctionTypedef(name: string): boolean {
    const t = this.typedefs.get(name);
    return t?.k === 'fn';
  }

  private ensureTypedefCallback(name: string): void {
    const t = this.typedefs.get(name);
    if (t?.k === 'fn' && !this.callbacks.has(name)) this.addCallback(name, t, 'typedef');
  }

  /** A type name: koffi primitive, header typedef, or a libc typedef resolved to one of those. */
  private named(name: string, context: string): string {
    if (KOFFI_PRIMITIVES.has(name)) return name;
    const t = this.typedefs.get(name);
    if (t) {
      if (t.k === 'tag') {
        if (t.kind === 'enum') return this.enumNames.get(t.id) === name ? name : this.spell(t, context);
        if (this.recordNames.get(t.id) === name) {
          if (!this.input.parsed.records[t.id]?.fields) this.opaque.add(name);
          return name;
        }
        return this.spell(t, context);
      }
      if (t.k === 'fn') {
        this.ensureTypedefCallback(name);
        return name;
      }
      if (t.k === 'ptr' && t.to.k === 'fn') {
        if (!this.callbacks.has(name)) this.addCallback(name, t.to, 'typedef');
        return `${name} *`;
      }
      if (!this.aliases.has(name)) {
        this.aliases.set(name, { name, type: 'void' }); // placeholder against cycles
        this.aliases.set(name, { name, type: this.spell(t, `${name}__fn`, 'field') });
      }
      return name;
    }
    const sys = this.systemType(name);
    if (sys) return sys;
    this.warnings.push(`unknown type '${name}' treated as opaque`);
    this.opaque.add(name);
    return name;
  }

  /** Resolves a libc typedef (`ssize_t` → `long`, `FILE` → opaque) from the preprocessed system headers. */
  private systemType(name: string): string | null {
    if (this.systemCache.has(name)) return this.systemCache.get(name)!;
    this.systemCache.set(name, null);
    const m = new RegExp(`typedef\\s+([^;{}()]*?)\\s*\\b${name}\\s*;`).exec(this.input.pre.system);
    let out: string | null = null;
    if (m) {
      const words = m[1]!.split(/\s+/).filter((w) => w && w !== '__extension__');
      if (words.includes('*')) out = null;
      else if (words[0] === 'struct' || words[0] === 'union') {
        this.opaque.add(name);
        out = name;
      } else if (words.length === 1 && !KOFFI_PRIMITIVES.has(words[0]!)) out = this.systemType(words[0]!);
      else {
        const n = normalizeIntType(words);
        out = KOFFI_PRIMITIVES.has(n) ? n : null;
      }
    }
    this.systemCache.set(name, out);
    return out;
  }

  private buildStructs(): void {
    const { parsed } = this.input;
    const emitted = new Set<number>();
    const emit = (r: RecordDef, c: { root: string; path: string }, anonymous: boolean) => {
      if (emitted.has(r.id) || !r.fields) return;
      emitted.add(r.id);
      const name = this.recordNames.get(r.id)!;
      const o = this.origin(r.row);
      const fields = r.fields.map((f) => {
        const type = this.spell(f.type, `${name}__${f.name}`, 'field');
        return {
          name: f.name,
          type,
          offset: -1,
          ...(f.bits !== undefined ? { bits: f.bits } : {}),
          ...this.optDoc(this.memberDoc(f.row)),
        };
      });
      const decl: StructDecl = {
        name,
        ...(r.tag ? { tag: r.tag } : {}),
        ...(r.kind === 'union' ? { union: true } : {}),
        ...(anonymous ? { anonymous: true } : {}),
        c,
        size: -1,
        align: -1,
        fields,
        ...this.optDoc(anonymous ? undefined : this.doc(r.row)),
        file: basename(o.file),
        line: o.line,
      };
      // Nested anonymous records first: koffi needs them defined before the parent uses them by value.
      for (const f of r.fields) {
        let t = f.type;
        while (t.k === 'array') t = t.of;
        if (t.k === 'tag' && t.kind !== 'enum' && !parsed.records[t.id]!.tag) {
          emit(parsed.records[t.id]!, { root: c.root, path: c.path ? `${c.path}.${f.name}` : f.name }, true);
        }
      }
      this.structs.push(decl);
    };
    for (const r of parsed.records) {
      const name = this.recordNames.get(r.id);
      if (!name || !r.fields) continue;
      const isAnon =
        !r.tag && ![...this.typedefs].some(([n, t]) => n === name && t.k === 'tag' && t.id === r.id);
      if (isAnon) continue; // emitted through its parent
      // The C spelling: the typedef name, or `struct tag` for untypedef'd records.
      const cName = this.typedefs.get(name)?.k === 'tag' ? name : `${r.kind} ${r.tag}`;
      emit(r, { root: cName, path: '' }, false);
    }
    // Records by value inside others must come first: order by value-dependencies.
    this.structs = orderByValueDeps(this.structs);
  }
}

/** Sorts structs so that every struct used by value in another's fields comes before it. */
function orderByValueDeps(structs: StructDecl[]): StructDecl[] {
  const byName = new Map(structs.map((s) => [s.name, s]));
  const out: StructDecl[] = [];
  const seen = new Set<string>();
  const visit = (s: StructDecl) => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    for (const f of s.fields) {
      if (f.type.includes('*')) continue;
      const dep = byName.get(f.type.replace(/^const /, '').replace(/ \[\d+\]$/, ''));
      if (dep) visit(dep);
    }
    out.push(s);
  };
  structs.forEach(visit);
  return out;
}

/** `0x020002ff` → `2.0.2` (a pre-release byte other than 0xff is appended: `2.1.0-RC1`). */
export function versionString(v: bigint): string {
  const n = Number(v);
  const base = `${(n >>> 24) & 0xff}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}`;
  const pre = n & 0xff;
  return pre === 0xff ? base : `${base}-pre${pre}`;
}

/** Splits a macro body at top-level commas. */
function topLevelCommas(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of body) {
    if (ch === '(' || ch === '{') depth++;
    if (ch === ')' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

/**
 * Recognises librdkafka's variadic tag macros, e.g.
 * `RD_KAFKA_V_TOPIC(topic)` → `_LRK_TYPECHECK(RD_KAFKA_VTYPE_TOPIC, const char *, topic), (const char *)topic`:
 * a first part whose first argument is an integer constant (the tag), then `(TYPE)PARAM` casts.
 */
export function variadicTag(
  m: MacroDef,
  lookup: (n: string) => bigint | undefined,
): { tag: bigint; tagName: string; pairs: [string, string][] } | undefined {
  const parts = topLevelCommas(m.body);
  if (parts.length < 2) return undefined;
  const first = /^\(?\s*\w+\s*\(\s*(\w+)\s*,/.exec(parts[0]!) ?? /^\(?\s*(\w+)\s*\)?$/.exec(parts[0]!);
  const tagName = first?.[1];
  const tag = tagName ? lookup(tagName) : undefined;
  if (tag === undefined || !tagName) return undefined;
  const pairs: [string, string][] = [];
  for (const p of parts.slice(1)) {
    const cast = /^\(\s*([\w\s*]+?)\s*\)\s*\(?\s*(\w+)\s*\)?$/.exec(p);
    if (!cast || !m.params!.includes(cast[2]!)) return undefined;
    pairs.push([cast[1]!, cast[2]!]);
  }
  return { tag, tagName, pairs };
}

/** A JS expression for a function-like macro that is an integer expression over its parameters. */
export function intExpression(m: MacroDef, lookup: (n: string) => bigint | undefined): string | undefined {
  const params = m.params ?? [];
  if (!params.length || /[^\w\s()+\-*<>&|^~]/.test(m.body)) return undefined;
  let ok = true;
  const js = m.body.replace(/\b[A-Za-z_]\w*\b/g, (id) => {
    if (params.includes(id)) return id;
    const v = lookup(id);
    if (v === undefined) ok = false;
    return String(v);
  });
  // Check it is a valid expression by evaluating it with the parameters bound to 1.
  const probe = m.body.replace(/\b[A-Za-z_]\w*\b/g, (id) => (params.includes(id) ? '1' : id));
  try {
    evaluate(probe, lookup);
  } catch {
    return undefined;
  }
  return ok ? js : undefined;
}
