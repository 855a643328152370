// Emitter: tracer.c, the LD_PRELOAD interposer `rdkafka-workbench trace` loads into a program. Generated
// from the same model as bindings.js and rdkafka.d.ts: a wrapper for every function that takes a callback
// (the callback goes through a trampoline that reports it, then calls the program's own function with the
// same arguments) and for every function the kernel observes (handles, consuming, the event API); struct
// offsets, enum values and the prototypes of the functions the tracer reads with all come from the model.
// Types are spelled by their ABI (pointers as `void *`, enums as their integer type), so the file needs
// no header to compile and the tracer matches whichever librdkafka the program loads of that layout.
import {
  EVENT_TYPES,
  LIBRDKAFKA_SENSITIVE_PROPERTIES,
  REDACTED_VALUE,
  SECRET_PROPERTY_PATTERN,
} from '../protocol/index.ts';
import { carriesHandle, classify, KIND_EVENT, type CallbackKind } from './callback-kinds.ts';
import { GenError } from './errors.ts';
import type { FunctionDecl, Model, Param } from './model.ts';
import RUNTIME from './tracer/runtime.c';

export interface TracerSource {
  /** The C source. */
  code: string;
  /** Functions the tracer defines (wraps), sorted. */
  wrapped: string[];
  /** Functions that take a callback but could not be wrapped, and why. */
  skipped: Array<{ name: string; why: string }>;
}

type Kind = 'int' | 'uint' | 'dbl' | 'str' | 'ptr' | 'void';
export interface Abi {
  c: string;
  kind: Kind;
}

const INTEGERS = new Set([
  'char',
  'signed char',
  'short',
  'int',
  'long',
  'long long',
  'int8_t',
  'int16_t',
  'int32_t',
  'int64_t',
  'intptr_t',
  'ssize_t',
]);
const UNSIGNED = new Set([
  'unsigned char',
  'unsigned short',
  'unsigned int',
  'unsigned',
  'unsigned long',
  'unsigned long long',
  'uint8_t',
  'uint16_t',
  'uint32_t',
  'uint64_t',
  'uintptr_t',
  'size_t',
  'bool',
  '_Bool',
]);

/** The ABI spelling of a model type, or null when the tracer cannot pass it through exactly. */
export function abiType(model: Model, type: string, depth = 0): Abi | null {
  const t = type.trim().replace(/\s+/g, ' ');
  if (t.endsWith('*')) {
    const base = t
      .replace(/\*/g, '')
      .replace(/\bconst\b/g, '')
      .trim();
    const pointers = (t.match(/\*/g) ?? []).length;
    if (base === 'char' && pointers === 1)
      return /\bconst\b/.test(t) ? { c: 'const char *', kind: 'str' } : { c: 'char *', kind: 'str' };
    return { c: 'void *', kind: 'ptr' };
  }
  const bare = t.replace(/\bconst\b/g, '').trim();
  if (bare === 'void') return { c: 'void', kind: 'void' };
  if (bare === 'double' || bare === 'float') return { c: bare, kind: 'dbl' };
  if (INTEGERS.has(bare)) return { c: bare, kind: 'int' };
  if (UNSIGNED.has(bare)) return { c: bare === 'bool' ? '_Bool' : bare, kind: 'uint' };
  const en = model.enums.find((e) => e.name === bare);
  if (en) return abiType(model, en.base, depth + 1);
  const alias = model.aliases.find((a) => a.name === bare);
  if (alias && depth < 8) return abiType(model, alias.type, depth + 1);
  return null;
}

// ---------------------------------------------------------------------------------------------------
// What the tracer reads librdkafka's values with (its prototypes come from the model too).

const HELPERS_REQUIRED = [
  'rd_kafka_name',
  'rd_kafka_topic_name',
  'rd_kafka_err2name',
  'rd_kafka_version_str',
  'rd_kafka_event_type',
  'rd_kafka_event_name',
  'rd_kafka_event_stats',
  'rd_kafka_event_error',
  'rd_kafka_event_error_string',
  'rd_kafka_event_log',
  'rd_kafka_event_topic_partition_list',
];
const HELPERS_OPTIONAL = [
  'rd_kafka_message_latency',
  'rd_kafka_rebalance_protocol',
  'rd_kafka_event_error_is_fatal',
  // A new handle's configuration (handle_config), as the kernel publishes it.
  'rd_kafka_conf_dump',
  'rd_kafka_conf_dump_free',
  'rd_kafka_conf_new',
  'rd_kafka_conf_destroy',
];

/**
 * Functions the kernel observes besides callback setters (extension/kernel/runtime.ts' special cases):
 * code run before the real call (`before`) and after it with its result `r` (`after`), on arguments
 * a0…aN, only for calls from outside librdkafka (`ext`).
 */
const OBSERVED: Record<string, { before?: string; after?: string }> = {
  rd_kafka_new: {
    // rd_kafka_new takes the conf (and overwrites its secrets): its configuration is read before.
    before: 'wb_dump cd = ext ? wb_conf_dump(a1) : (wb_dump){0};',
    after: 'if (ext) { wb_ev_created(r, a0); wb_ev_handle_config(r, a0, cd); } wb_conf_dump_free(cd);',
  },
  rd_kafka_destroy: {
    before:
      'char name[512] = ""; const char *n = ext ? wb_handle(a0) : NULL; if (n) snprintf(name, sizeof name, "%s", n);',
    after: 'if (ext) { wb_owner_forget(NULL, a0); wb_ev_destroyed(name); }',
  },
  rd_kafka_consumer_poll: { after: 'if (ext && r) wb_ev_consume(a0, r);' },
  rd_kafka_consume: { after: 'if (ext && r) wb_ev_consume(NULL, r);' },
  rd_kafka_consume_queue: { after: 'if (ext && r) wb_ev_consume(wb_queue_rk(a0), r);' },
  rd_kafka_consume_batch: {
    after: 'if (ext) for (long i = 0; i < (long)r; i++) wb_ev_consume(NULL, ((void **)a3)[i]);',
  },
  rd_kafka_consume_batch_queue: {
    after:
      'if (ext) { const void *rk = wb_queue_rk(a0); for (long i = 0; i < (long)r; i++) wb_ev_consume(rk, ((void **)a2)[i]); }',
  },
  rd_kafka_queue_poll: { after: 'if (ext && r) wb_polled_from(a0, r);' },
  rd_kafka_event_message_next: { after: 'if (ext && r) wb_ev_taken(a0, r);' },
  rd_kafka_event_message_array: {
    after: 'if (ext) for (size_t i = 0; i < (size_t)r; i++) wb_ev_taken(a0, ((void **)a1)[i]);',
  },
  rd_kafka_queue_destroy: { before: 'if (ext) wb_owner_forget(a0, NULL);' },
  rd_kafka_topic_new: { after: 'if (ext && r) wb_owner_set(r, a0);' },
  rd_kafka_topic_destroy: { before: 'if (ext) wb_owner_forget(a0, NULL);' },
};
OBSERVED.rd_kafka_destroy_flags = OBSERVED.rd_kafka_destroy!;
// Where a program's use of librdkafka starts: wrapped (nothing observed) so that a program that only asks
// for the version or builds a configuration still counts as one that called librdkafka.
for (const name of [
  'rd_kafka_version',
  'rd_kafka_version_str',
  'rd_kafka_conf_new',
  'rd_kafka_topic_conf_new',
])
  OBSERVED[name] = {};

/** A function returning a queue of the handle it is given (rd_kafka_queue_get_main, …): remembered. */
function isQueueGetter(f: FunctionDecl): boolean {
  return (
    /^rd_kafka_queue_t\s*\*$/.test(f.returns.trim()) &&
    /^rd_kafka_t\s*\*$/.test(f.params[0]?.type.trim() ?? '')
  );
}

// ---------------------------------------------------------------------------------------------------
// Callback observers: the runtime function that reports a callback of each kind (gen/callback-kinds.ts,
// the classification the kernel decodes by), on the arguments c0…cN. The kinds fix the argument order;
// the ABI check is a guard: a prototype that does not match is reported as a generic callback.

type Observer = (args: string[], kinds: Kind[]) => string | null;
const has = (kinds: Kind[], want: Kind[]) =>
  want.every((k, i) => kinds[i] === k || (k === 'int' && kinds[i] === 'uint'));

const OBSERVERS: Partial<Record<CallbackKind, Observer>> = {
  dr_msg: (a, k) => (has(k, ['ptr', 'ptr']) ? `wb_ev_dr_msg(${a[0]}, ${a[1]});` : null),
  dr: (a, k) =>
    has(k, ['ptr', 'ptr', 'uint', 'int']) ? `wb_ev_dr_legacy(${a[0]}, ${a[2]}, ${a[3]});` : null,
  stats: (a, k) => (has(k, ['ptr', 'str', 'uint']) ? `wb_ev_stats(${a[0]}, ${a[1]}, ${a[2]});` : null),
  error: (a, k) =>
    has(k, ['ptr', 'int', 'str']) ? `wb_ev_error(${a[0]}, ${a[1]}, ${a[2]}, ${a[1]} == WB_ERR_FATAL);` : null,
  log: (a, k) =>
    has(k, ['ptr', 'int', 'str', 'str']) ? `wb_ev_log(${a[0]}, ${a[1]}, ${a[2]}, ${a[3]});` : null,
  rebalance: (a, k) =>
    has(k, ['ptr', 'int', 'ptr']) ? `wb_ev_partitions(WB_T_rebalance, ${a[0]}, ${a[1]}, ${a[2]});` : null,
  offset_commit: (a, k) =>
    has(k, ['ptr', 'int', 'ptr']) ? `wb_ev_partitions(WB_T_offset_commit, ${a[0]}, ${a[1]}, ${a[2]});` : null,
  throttle: (a, k) =>
    has(k, ['ptr', 'str', 'int', 'int']) ? `wb_ev_throttle(${a[0]}, ${a[1]}, ${a[2]}, ${a[3]});` : null,
  consume: (a, k) => (has(k, ['ptr']) ? `wb_ev_consume(NULL, ${a[0]});` : null),
  oauthbearer_token_refresh: (a, k) => (has(k, ['ptr', 'str']) ? `wb_ev_oauth(${a[0]}, ${a[1]});` : null),
  background_event: (a, k) => (has(k, ['ptr', 'ptr']) ? `wb_ev_background(${a[0]}, ${a[1]});` : null),
};

const KIND_CODE: Record<Kind, string> = {
  int: 'WB_A_INT',
  uint: 'WB_A_UINT',
  dbl: 'WB_A_DBL',
  str: 'WB_A_STR',
  ptr: 'WB_A_PTR',
  void: 'WB_A_PTR',
};
const FIELD: Record<Kind, string> = { int: 'i', uint: 'u', dbl: 'd', str: 's', ptr: 'p', void: 'p' };

/**
 * The kinds a generic callback's arguments are shown as: a writable `char *` followed by its size (an
 * interceptor's `errstr, errstr_size`) is a buffer the callback is to fill, not a string — before the call
 * it holds whatever was on the caller's stack — so it is shown as a pointer.
 */
export function plainKinds(params: readonly Abi[]): Kind[] {
  return params.map((p, i) =>
    p.kind === 'str' && p.c === 'char *' && params[i + 1]?.kind === 'uint' ? 'ptr' : p.kind,
  );
}

/** A callback of no kind of its own: its name and plain arguments (the handle, when the first is one). */
function genericObserver(name: string, args: string[], kinds: Kind[], handle: string): string {
  if (!args.length) return `wb_ev_callback(${cString(name)}, NULL, 0, NULL, NULL);`;
  const k = kinds.map((x) => KIND_CODE[x]).join(', ');
  const v = args.map((a, i) => `{.${FIELD[kinds[i]!]} = ${a}}`).join(', ');
  return `static const int k[] = {${k}}; wb_arg v[] = {${v}}; wb_ev_callback(${cString(name)}, ${handle}, ${args.length}, k, v);`;
}

const cString = (s: string) => JSON.stringify(s);

// ---------------------------------------------------------------------------------------------------

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new GenError(
      `the tracer cannot be generated from this header: it lacks ${what}; pass librdkafka's own rdkafka.h`,
      'tracer',
    );
  return value;
}

function enumValue(model: Model, name: string): number | undefined {
  for (const e of model.enums) {
    const v = e.values.find((x) => x.name === name);
    if (v && typeof v.value === 'number') return v.value;
  }
  const c = model.constants.find((x) => x.name === name);
  return c && typeof c.value === 'number' ? c.value : undefined;
}

function offsets(model: Model): string[] {
  const struct = (name: string) =>
    need(
      model.structs.find((s) => s.name === name),
      `the struct ${name}`,
    );
  const field = (s: ReturnType<typeof struct>, f: string) =>
    need(
      s.fields.find((x) => x.name === f),
      `the field ${s.name}.${f}`,
    ).offset;
  const m = struct('rd_kafka_message_t');
  const tp = struct('rd_kafka_topic_partition_t');
  const tpl = struct('rd_kafka_topic_partition_list_t');
  return [
    ...['err', 'rkt', 'partition', 'len', 'key_len', 'offset'].map(
      (f) => `#define WB_M_${f.toUpperCase()} ${field(m, f)}`,
    ),
    ...['topic', 'partition', 'offset', 'err'].map((f) => `#define WB_TP_${f.toUpperCase()} ${field(tp, f)}`),
    `#define WB_TP_SIZE ${tp.size}`,
    `#define WB_TPL_CNT ${field(tpl, 'cnt')}`,
    `#define WB_TPL_ELEMS ${field(tpl, 'elems')}`,
  ];
}

function constants(model: Model): string[] {
  const v = (name: string) => need(enumValue(model, name), name);
  return [
    `#define WB_CONSUMER ${v('RD_KAFKA_CONSUMER')}`,
    `#define WB_ERR_ASSIGN ${v('RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS')}`,
    `#define WB_ERR_REVOKE ${v('RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS')}`,
    `#define WB_ERR_FATAL ${enumValue(model, 'RD_KAFKA_RESP_ERR__FATAL') ?? -999999}`,
    ...['DR', 'FETCH', 'LOG', 'ERROR', 'REBALANCE', 'OFFSET_COMMIT', 'STATS'].map(
      (e) => `#define WB_EV_${e} ${v(`RD_KAFKA_EVENT_${e}`)}`,
    ),
  ];
}

interface Signature {
  ret: Abi;
  params: Abi[];
}

function signature(model: Model, returns: string, params: Param[]): Signature | string {
  const ret = abiType(model, returns);
  if (!ret) return `its return type ${returns} has no exact C spelling here`;
  const out: Abi[] = [];
  for (const p of params) {
    const a = abiType(model, p.type);
    if (!a || a.kind === 'void') return `its parameter ${p.name} (${p.type}) has no exact C spelling here`;
    out.push(a);
  }
  return { ret, params: out };
}

const paramList = (s: Signature, names: string[]) =>
  s.params.length ? s.params.map((p, i) => `${p.c} ${names[i]}`).join(', ') : 'void';
const typeList = (s: Signature) => (s.params.length ? s.params.map((p) => p.c).join(', ') : 'void');
const fnPtr = (s: Signature) => `${s.ret.c} (*)(${typeList(s)})`;

/** Emits tracer.c for `model`; throws GenError when the header lacks what the tracer reads. */
export function emitTracer(model: Model): TracerSource {
  const byName = new Map(model.functions.map((f) => [f.name, f]));
  const lines: string[] = [];
  const slots = new Set<string>();
  const slot = (name: string) => {
    if (!slots.has(name)) lines.push(`static void *wb_p_${name};`);
    slots.add(name);
  };

  lines.push(
    `/* tracer.c: generated by rdkafka-workbench (gen/emit-tracer.ts) from the model of ${model.header}`,
    ` * (librdkafka ${model.librdkafka.version}). Do not edit: regenerate. Compile with`,
    ` *   cc -O2 -shared -fPIC -o tracer.so tracer.c -ldl -lpthread */`,
    '#define _GNU_SOURCE',
    ...[
      'alloca.h',
      'dlfcn.h',
      'errno.h',
      'fcntl.h',
      'link.h',
      'pthread.h',
      'regex.h',
      'signal.h',
      'stdarg.h',
      'stdint.h',
      'stdio.h',
      'stdlib.h',
      'string.h',
      'sys/prctl.h',
      'sys/stat.h',
      'sys/syscall.h',
      'time.h',
      'unistd.h',
    ].map((h) => `#include <${h}>`),
    '',
    `#define WB_VERSION ${cString(model.librdkafka.version)}`,
    '#define WB_SLOTS 16',
    ...offsets(model),
    ...constants(model),
  );
  const types = EVENT_TYPES.filter((t) => t !== 'dropped');
  lines.push(
    `enum { ${types.map((t) => `WB_T_${t}`).join(', ')}, WB_T_COUNT };`,
    `#define WB_SECRET_PATTERN ${cString(SECRET_PROPERTY_PATTERN)}`,
    `#define WB_REDACTED ${cString(REDACTED_VALUE)}`,
    `static const char *const wb_sensitive[] = {${LIBRDKAFKA_SENSITIVE_PROPERTIES.map(cString).join(', ')}};`,
    `static const char *const wb_type_names[WB_T_COUNT] = {${types.map(cString).join(', ')}};`,
    '',
    '/* The functions the tracer reads with, as the model declares them. */',
  );
  for (const name of [...HELPERS_REQUIRED, ...HELPERS_OPTIONAL]) {
    const f = byName.get(name);
    if (!f) {
      if (HELPERS_OPTIONAL.includes(name)) continue;
      need(undefined, `the function ${name}`);
    }
    const sig = signature(model, f!.returns, f!.params);
    if (typeof sig === 'string') throw new GenError(`the tracer cannot read with ${name}: ${sig}`, 'tracer');
    lines.push(`typedef ${sig.ret.c} (*wb_f_${name})(${typeList(sig)});`, `#define WB_HAS_${name} 1`);
    slot(name);
  }
  lines.push('', RUNTIME, '');

  const wrapped: string[] = [];
  const skipped: TracerSource['skipped'] = [];
  let site = 0;
  for (const f of model.functions) {
    const cbIndexes = f.params.flatMap((p, i) => (p.callback ? [i] : []));
    const observed =
      OBSERVED[f.name] ?? (isQueueGetter(f) ? { after: 'if (ext && r) wb_queue_of(r, a0);' } : undefined);
    if (!cbIndexes.length && !observed) continue;
    if (f.variadic) {
      skipped.push({ name: f.name, why: 'it is variadic' });
      continue;
    }
    const sig = signature(model, f.returns, f.params);
    if (typeof sig === 'string') {
      skipped.push({ name: f.name, why: sig });
      continue;
    }
    const names = f.params.map((_, i) => `a${i}`);
    const hooks: string[] = [];
    const siteCode: string[] = [];
    let ok = true;
    for (const i of cbIndexes) {
      const p = f.params[i]!;
      const proto = model.callbacks.find((c) => c.name === p.callback);
      const cs =
        proto && !proto.variadic ? signature(model, proto.returns, proto.params) : 'its prototype is unknown';
      if (typeof cs === 'string') {
        skipped.push({ name: f.name, why: `the callback ${p.name}: ${cs}` });
        ok = false;
        break;
      }
      const n = ++site;
      const args = cs.params.map((_, k) => `c${k}`);
      const kinds = cs.params.map((x) => x.kind);
      const kind = classify(proto!);
      const specific = OBSERVERS[kind]?.(args, kinds);
      const body =
        specific ??
        genericObserver(
          p.name,
          args,
          plainKinds(cs.params),
          carriesHandle(proto!) ? `wb_handle(${args[0]})` : 'NULL',
        );
      const call = `((${fnPtr(cs)})wb_u${n}[i])(${args.join(', ')})`;
      siteCode.push(
        `/* ${f.name}: ${p.name} → ${specific ? KIND_EVENT[kind] : 'callback'} */`,
        `static void *wb_u${n}[WB_SLOTS];`,
        `static void wb_o${n}(${paramList(cs, args)}) { ${args.map((a) => `(void)${a}; `).join('')}${body} }`,
        `#define WB_T${n}(i) static ${cs.ret.c} wb_t${n}_##i(${paramList(cs, args)}) { wb_o${n}(${args.join(', ')}); ${cs.ret.kind === 'void' ? '' : 'return '}${call}; }`,
        `WB_SLOT_LIST(WB_T${n})`,
        `#define WB_L${n}(i) (void *)wb_t${n}_##i,`,
        `static void *const wb_r${n}[WB_SLOTS] = {WB_SLOT_LIST(WB_L${n})};`,
        `static wb_site wb_s${n} = {wb_u${n}, wb_r${n}, ${cString(`${f.name}: ${p.name}`)}, 0};`,
      );
      hooks.push(`if (ext) ${names[i]} = wb_hook(&wb_s${n}, ${names[i]});`);
    }
    if (!ok) continue;
    slot(f.name);
    const isVoid = sig.ret.kind === 'void';
    lines.push(
      ...siteCode,
      `${sig.ret.c} ${f.name}(${paramList(sig, names)}) {`,
      `  ${fnPtr(sig).replace('(*)', '(*f)')} = (${fnPtr(sig)})wb_real(&wb_p_${f.name}, ${cString(f.name)});`,
      `  if (!f) wb_missing(${cString(f.name)});`,
      `  int ext = WB_EXTERNAL();`,
      '  (void)ext;',
      ...hooks.map((h) => `  ${h}`),
      ...(observed?.before ? [`  ${observed.before}`] : []),
      isVoid ? `  f(${names.join(', ')});` : `  ${sig.ret.c} r = f(${names.join(', ')});`,
      ...(observed?.after ? [`  ${observed.after}`] : []),
      ...(isVoid ? [] : ['  return r;']),
      '}',
      '',
    );
    wrapped.push(f.name);
  }
  if (skipped.length)
    lines.push(`/* Not wrapped:\n${skipped.map((s) => ` *   ${s.name}: ${s.why}`).join('\n')} */`);
  return { code: lines.join('\n') + '\n', wrapped: wrapped.sort(), skipped };
}
