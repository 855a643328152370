// Self cost (instructions) per object and function from a callgrind output file: pure, text in, data out.
// Inclusive costs are useless here (koffi switches stacks for callbacks, which callgrind sees as endless
// recursion), and librdkafka and koffi are stripped: the figure that holds is each object's own
// instructions, and each named function's in the objects that have names (node: V8, N-API, libc).

export interface SelfCost {
  /** Object (shared library or executable) → instructions executed in it. */
  objects: Map<string, number>;
  /** "object\tfunction" → instructions. */
  functions: Map<string, number>;
  total: number;
}

/** Parses one callgrind.out file (`--dump-instr=no`, events `Ir`). */
export function selfCost(text: string): SelfCost {
  const names = { ob: new Map<string, string>(), fn: new Map<string, string>() };
  // "(12) name" defines id 12; "(12)" refers to it; a bare name is itself.
  const resolve = (kind: 'ob' | 'fn', v: string): string => {
    const m = /^\((\d+)\)(?:\s+(.*))?$/.exec(v.trim());
    if (!m) return v.trim();
    if (m[2] !== undefined) names[kind].set(m[1]!, m[2]);
    return names[kind].get(m[1]!) ?? `(${m[1]})`;
  };
  const objects = new Map<string, number>();
  const functions = new Map<string, number>();
  let ob = '???';
  let fn = '???';
  let skipNext = false;
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line) continue;
    const c = line.charCodeAt(0);
    const isCost = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 42; // digit, + - *
    if (isCost) {
      if (skipNext) {
        skipNext = false; // the inclusive cost of a call: not this function's own
        continue;
      }
      const parts = line.trim().split(/\s+/);
      const ir = Number(parts[1] ?? 0);
      if (!ir) continue;
      total += ir;
      objects.set(ob, (objects.get(ob) ?? 0) + ir);
      const key = `${ob}\t${fn}`;
      functions.set(key, (functions.get(key) ?? 0) + ir);
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'ob') ob = resolve('ob', value);
    else if (key === 'fn') fn = resolve('fn', value);
    else if (key === 'cob') resolve('ob', value);
    else if (key === 'cfn') resolve('fn', value);
    else if (key === 'calls') skipNext = true;
  }
  return { objects, functions, total };
}

/** Per-message difference of two runs' self costs (`big` ran `perMessage` more messages than `small`). */
export function perMessage(small: SelfCost, big: SelfCost, messages: number): SelfCost {
  const diff = (a: Map<string, number>, b: Map<string, number>) => {
    const out = new Map<string, number>();
    for (const k of new Set([...a.keys(), ...b.keys()]))
      out.set(k, ((b.get(k) ?? 0) - (a.get(k) ?? 0)) / messages);
    return out;
  };
  return {
    objects: diff(small.objects, big.objects),
    functions: diff(small.functions, big.functions),
    total: (big.total - small.total) / messages,
  };
}

/** Adds up several threads' (files') costs. */
export function sum(costs: readonly SelfCost[]): SelfCost {
  const add = (maps: Map<string, number>[]) => {
    const out = new Map<string, number>();
    for (const m of maps) for (const [k, v] of m) out.set(k, (out.get(k) ?? 0) + v);
    return out;
  };
  return {
    objects: add(costs.map((c) => c.objects)),
    functions: add(costs.map((c) => c.functions)),
    total: costs.reduce((s, c) => s + c.total, 0),
  };
}

/** What a function in node (V8, N-API) is there for, by name: the parts of a koffi crossing. */
const CATEGORIES: Array<[string, RegExp]> = [
  [
    'N-API argument conversion',
    /^(napi_get_value_|napi_typeof|napi_get_buffer_info|napi_get_arraybuffer_info|napi_is_|node_api_get_buffer_info|v8::Value::Is|v8::BigInt::Uint64Value|v8::internal::BigInt::AsUint64|v8::Int32::Value|v8::Value::(Int|Uint|Number)|v8::Value::ToBigInt)/,
  ],
  [
    'N-API call entry (JS → C)',
    /^(napi_get_cb_info|v8impl::.*FunctionCallbackWrapper|Builtins_CallApiCallback|v8::internal::.*HandleApiCall|v8::internal::Builtin_HandleApiCall|v8::internal::FunctionCallbackArguments|Builtins_CEntry|Builtins_AdaptorWithBuiltinExitFrame|v8::internal::.*InvokeFunctionCallback)/,
  ],
  [
    'callback entry (C → JS)',
    /^(napi_call_function|napi_get_reference_value|napi_get_undefined|v8::Function::Call|v8::internal::\(anonymous namespace\)::Invoke|v8::internal::Execution::|v8::CallDepthScope|Builtins_JSEntry|v8::Context::|v8::internal::MicrotaskQueue|node::InternalCallbackScope)/,
  ],
  [
    'results: new BigInts and numbers',
    /^(napi_create_|v8::internal::Factory|v8::internal::FactoryBase|v8::internal::BigInt::FromUint64|v8::internal::MutableBigInt|v8::Integer::New|v8::Number::New|v8::BigInt::New|v8::internal::Heap::AllocateRaw|detail::sprp)/,
  ],
  [
    'garbage collection',
    /^(v8::internal::(Heap::|Scavenge|MarkCompact|Sweeper|ConcurrentMarking|MemoryAllocator|PagedSpace|ScavengerCollector|.*Marking))/,
  ],
  ['JS builtins (interpreter, inline caches)', /^Builtins_/],
];

/** Sums node's functions into the categories above (the rest under "other"). */
export function categories(functions: Map<string, number>, object = 'node'): Array<[string, number]> {
  const out = new Map<string, number>(CATEGORIES.map(([c]) => [c, 0]));
  out.set('other', 0);
  for (const [key, v] of functions) {
    const [ob, fn] = key.split('\t') as [string, string];
    if (ob.split('/').pop() !== object) continue;
    const name = fn.replace(/'\d+$/, '');
    const c = CATEGORIES.find(([, re]) => re.test(name))?.[0] ?? 'other';
    out.set(c, out.get(c)! + v);
  }
  return [...out];
}
