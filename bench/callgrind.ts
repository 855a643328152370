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
