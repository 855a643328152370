// Emitter: rdkafka.d.ts, global declarations for notebook cells (cells are scripts that share one
// global scope). Doc comments come from the raw header; deprecated functions carry @deprecated.
// Values are typed as koffi 3 converts them: pointers are bigint, buffers Uint8Array (cells have no
// Node typings, so never Buffer), 64-bit integers number | bigint.
import type { Callback, FunctionDecl, Model, Param } from './model.ts';

const INT64 = new Set([
  'int64_t',
  'uint64_t',
  'long',
  'unsigned long',
  'long long',
  'unsigned long long',
  'size_t',
  'intptr_t',
  'uintptr_t',
]);
const NUMBER = new Set([
  'char',
  'unsigned char',
  'short',
  'unsigned short',
  'int',
  'unsigned int',
  'float',
  'double',
  'int8_t',
  'uint8_t',
  'int16_t',
  'uint16_t',
  'int32_t',
  'uint32_t',
  'wchar_t',
  'char16_t',
  'char32_t',
]);

// param: what a function takes; return/field: what JS reads back; callback: what a JS callback receives.
type Dir = 'param' | 'return' | 'field' | 'callback';

class DtsTypes {
  private protos: Set<string>;
  private enums: Set<string>;
  private structs: Set<string>;
  private aliases: Map<string, string>;
  private opaque: Set<string>;
  private callbacks: Map<string, Callback>;
  constructor(model: Model) {
    this.opaque = new Set(model.opaque);
    this.callbacks = new Map(model.callbacks.map((c) => [c.name, c]));
    this.protos = new Set(model.callbacks.map((c) => c.name));
    this.enums = new Set(model.enums.map((e) => e.name));
    this.structs = new Set(model.structs.map((s) => s.name));
    this.aliases = new Map(model.aliases.map((a) => [a.name, a.type]));
  }

  ts(spelling: string, dir: Dir): string {
    const s = spelling.replace(/^const /, '').trim();
    const arr = /^(.*?) \[(\d+)\]$/.exec(s);
    if (arr) {
      const inner = arr[1]!;
      if (inner === 'char') return 'string';
      return NUMBER.has(inner) ? 'ArrayLike<number>' : `${this.ts(inner, dir)}[]`;
    }
    if (s.endsWith('*')) {
      const base = s
        .slice(0, -1)
        .trim()
        .replace(/^const /, '');
      if (!base.endsWith('*') && this.protos.has(base))
        return dir === 'param' ? `${base} | bigint | null` : 'bigint | null';
      // A `char *` parameter is written by the callee (errstr, rd_kafka_conf_get's dest): a string would be
      // a copy whose result is lost, so only a buffer is typed. `const char *` takes a string too.
      if (base === 'char' && dir === 'param')
        return /^const\s/.test(spelling.trim())
          ? 'string | ArrayBufferView | null'
          : 'ArrayBufferView | null';
      if (base === 'char') return 'string | null';
      // librdkafka hands callbacks its own objects (rd_kafka_t *, the message, the partition list), never
      // NULL (the deprecated rd_kafka_set_logger aside); a `void *` opaque is whatever the cell set, often
      // NULL, and libc structs (resolve_cb's hints) or T ** may be NULL too.
      if (dir === 'callback') return /^rd_kafka_\w+$/.test(base) ? 'bigint' : 'bigint | null';
      if (dir !== 'param') return 'bigint | null';
      // In C any pointer parameter may be NULL; koffi also takes typed arrays (out-parameters such as
      // out.int(), out.ptr()) and JS arrays of the pointee (copied in): T ** takes an array of pointers.
      const elem = this.element(base);
      return `bigint | ArrayBufferView | ${elem ? `readonly (${elem})[] | ` : ''}null`;
    }
    const alias = this.aliases.get(s);
    if (alias !== undefined) return this.ts(alias, dir);
    if (s === 'void') return 'void';
    if (s === 'bool') return 'boolean';
    if (this.enums.has(s)) return s;
    if (this.structs.has(s) || this.opaque.has(s)) return s;
    if (INT64.has(s)) return 'number | bigint';
    if (NUMBER.has(s)) return 'number';
    return 'unknown';
  }

  /** What a JS array passed for a `base *` parameter may hold, or undefined when koffi takes none. */
  private element(base: string): string | undefined {
    if (base.endsWith('*')) {
      const inner = base
        .slice(0, -1)
        .trim()
        .replace(/^const /, '');
      return inner === 'char' ? 'string | null' : 'bigint | null';
    }
    const resolved = this.aliases.get(base) ?? base;
    if (this.enums.has(resolved) || INT64.has(resolved) || NUMBER.has(resolved))
      return this.ts(resolved, 'param');
    return undefined;
  }

  /**
   * Parameters of a declaration. `spelled`: function-pointer parameters as the function type a cell passes
   * (`(rk: bigint, rkmessage: bigint, opaque: bigint | null) => void`), which is what hovers and signature
   * help show; otherwise as the generated prototype's name, whose method form keeps them bivariant.
   */
  params(params: Param[], dir: Dir = 'param', spelled = false): string {
    const used = new Set<string>();
    return params
      .map((p, i) => {
        let name = safeName(p.name || `arg${i}`);
        while (used.has(name)) name += '_';
        used.add(name);
        const fn = spelled && dir === 'param' ? this.callbackParam(p) : undefined;
        return `${name}: ${fn ?? this.ts(p.type, dir)}`;
      })
      .join(', ');
  }

  /** Whether any parameter is a function pointer with a known prototype. */
  hasCallbacks(params: Param[]): boolean {
    return params.some((p) => p.callback !== undefined && this.callbacks.has(p.callback));
  }

  /** A function-pointer parameter as the plain function type of its prototype. */
  private callbackParam(p: Param): string | undefined {
    const proto = p.callback ? this.callbacks.get(p.callback) : undefined;
    if (!proto) return undefined;
    const ret = this.ts(proto.returns, 'return');
    const rest = proto.variadic ? `${proto.params.length ? ', ' : ''}...rest: unknown[]` : '';
    return `((${this.params(proto.params, 'callback')}${rest}) => ${ret === 'string | null' ? 'void' : ret}) | bigint | null`;
  }
}

const RESERVED = new Set(
  'break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await'.split(
    ' ',
  ),
);
function safeName(n: string): string {
  return RESERVED.has(n) ? `${n}_` : n;
}

/** A JSDoc block from a header doc comment; `@deprecated` appended when flagged. */
function jsdoc(doc: string | undefined, indent = '', extra: string[] = []): string {
  const lines = [...(doc ? doc.replace(/\*\//g, '*\\/').split('\n') : []), ...extra];
  if (!lines.length) return '';
  return `${indent}/**\n${lines.map((l) => `${indent} *${l ? ' ' + l : ''}`).join('\n')}\n${indent} */\n`;
}

/** A C declaration as the header writes it: function pointers as `R (*name)(params)`, not a generated name. */
function cParam(p: Param, callbacks: Map<string, Callback>): string {
  const proto = p.callback ? callbacks.get(p.callback) : undefined;
  if (!proto) return `${p.type} ${p.name}`.trim();
  const inner = proto.params.map((q) => cParam(q, callbacks)).join(', ') + (proto.variadic ? ', ...' : '');
  return `${proto.returns} (*${p.name})(${inner || 'void'})`;
}

/**
 * A function's doc block: the header's description, then its C prototype as a paragraph of its own, then
 * the tags (@param, @returns, @deprecated). A line after a tag belongs to that tag in JSDoc, so appending
 * the prototype at the end made hovers read "Error code to translate C: const char *…".
 */
function functionDoc(f: FunctionDecl, callbacks: Map<string, Callback>): string {
  const lines = f.doc ? f.doc.split('\n') : [];
  let tag = lines.findIndex((l) =>
    /^\s*[@\\](?:param|return|returns|retval|remark|deprecated|see|sa|warning|note|brief|since)\b/.test(l),
  );
  if (tag < 0) tag = lines.length;
  const params = f.params.map((p) => cParam(p, callbacks)).join(', ') + (f.variadic ? ', ...' : '');
  const proto = `C: \`${f.returns} ${f.name}(${params || 'void'})\` (${f.file}:${f.line})`;
  const description = lines.slice(0, tag);
  while (description.length && !description[description.length - 1]!.trim()) description.pop();
  const doc = [
    ...description,
    ...(description.length ? [''] : []),
    proto,
    ...(tag < lines.length ? ['', ...lines.slice(tag)] : []),
  ];
  return jsdoc(doc.join('\n'), '', f.deprecated ? ['@deprecated Marked RD_DEPRECATED in rdkafka.h.'] : []);
}

export function emitDts(model: Model): string {
  const t = new DtsTypes(model);
  const out: string[] = [];
  out.push(
    `// Generated by \`rdkafka-workbench gen\` from ${model.header} (librdkafka ${model.librdkafka.version}). Do not edit.`,
  );
  out.push(
    '// Global declarations for notebook cells: every function, constant, macro helper and type of the header.',
  );
  out.push(
    '// Pointers are bigint (koffi 3); NULL is null; pointer parameters also take typed arrays and JS arrays.',
  );
  out.push(
    '// Callback parameters take a JS function (in notebook cells the kernel keeps it registered until the',
  );
  out.push(
    "// handle's rd_kafka_destroy() has returned) or a pointer from bindings.register(). 64-bit integers",
  );
  out.push('// (int64_t, size_t) arrive as number, or bigint beyond 2^53; both are accepted.');
  out.push('');
  out.push('/** librdkafka version of the header these typings were generated from. */');
  out.push(`declare const RD_KAFKA_HEADER_VERSION: ${JSON.stringify(model.librdkafka.version)};`);
  out.push('');
  for (const a of model.aliases) out.push(`type ${a.name} = ${t.ts(a.type, 'field')};`);
  for (const name of model.opaque)
    out.push(
      `/** Opaque C type \`${name}\`: only ever handled by pointer (bigint). */\ninterface ${name.replace(/\W/g, '_')} { readonly __opaque: ${JSON.stringify(name)} }`,
    );
  out.push('');
  for (const e of model.enums) {
    out.push(jsdoc(e.doc) + `type ${e.name} = number;`);
    for (const v of e.values)
      out.push(
        jsdoc(v.doc) + `declare const ${v.name}: ${typeof v.value === 'number' ? v.value : `${v.value}n`};`,
      );
  }
  out.push('');
  for (const c of model.constants) {
    if (model.vargsConstants.some((v) => v.name === c.name)) continue;
    const lit = c.kind === 'string' ? JSON.stringify(c.value) : c.bigint ? `${c.value}n` : String(c.value);
    out.push(jsdoc(c.doc, '', [`\`#define ${c.name} ${c.expr}\``]) + `declare const ${c.name}: ${lit};`);
  }
  out.push('');
  for (const m of model.functionMacros) {
    if (!m.js) continue;
    const doc = jsdoc(m.doc, '', [`Macro \`${m.name}(${m.params.join(', ')})\`: ${m.runtime}.`]);
    if (m.js.kind === 'expr')
      out.push(
        doc + `declare function ${m.name}(${m.params.map((p) => `${p}: number`).join(', ')}): number;`,
      );
    else {
      const params = m.js.pairs.map(([type, p]) => `${p}: ${t.ts(type, 'param')}`).join(', ');
      out.push(doc + `declare function ${m.name}(${params}): unknown[];`);
    }
  }
  for (const v of model.vargsConstants) {
    out.push(
      `/** Variadic argument pair that ends a rd_kafka_producev()-style argument list. */\ndeclare const ${v.name}: readonly [${JSON.stringify(v.tagType)}, ${v.tag}];`,
    );
  }
  out.push('');
  for (const s of model.structs) {
    out.push(
      jsdoc(s.doc, '', [`C layout: ${s.size} bytes, aligned to ${s.align}${s.union ? ' (union)' : ''}.`]) +
        `interface ${s.name} {`,
    );
    for (const f of s.fields) out.push(jsdoc(f.doc, '  ') + `  ${f.name}: ${t.ts(f.type, 'field')};`);
    out.push('}');
  }
  out.push('');
  for (const c of model.callbacks) {
    const ret = t.ts(c.returns, 'return');
    // Parameters are typed as koffi hands them to JS (a NULL pointer arrives as null). The method form makes
    // them bivariant, so a function annotated more narrowly or widely than that (`opaque: bigint`,
    // `len: number`) is accepted too, while an unannotated arrow gets exactly these types.
    out.push(
      jsdoc(c.doc, '', [`C callback prototype \`${c.name}\`.`]) +
        `type ${c.name} = { ${c.name}(${t.params(c.params, 'callback')}${c.variadic ? ', ...rest: unknown[]' : ''}): ${ret === 'string | null' ? 'void' : ret} }[${JSON.stringify(c.name)}];`,
    );
  }
  out.push('');
  const callbacks = new Map(model.callbacks.map((c) => [c.name, c]));
  for (const f of model.functions) {
    const variadic = f.variadic ? `${f.params.length ? ', ' : ''}...typeAndValuePairs: unknown[]` : '';
    const doc = functionDoc(f, callbacks);
    const decl = (spelled: boolean) =>
      `declare function ${f.name}(${t.params(f.params, 'param', spelled)}${variadic}): ${t.ts(f.returns, 'return')};`;
    // With callbacks: first the spelled-out function types (what hovers show), then the bivariant
    // prototype names, so a callback annotated more narrowly (`opaque: bigint`, `len: number`) still fits.
    out.push(doc + decl(t.hasCallbacks(f.params)));
    if (t.hasCallbacks(f.params)) out.push(doc + decl(false));
  }
  out.push('');
  return out.join('\n');
}
