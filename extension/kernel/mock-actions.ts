// The fault actions of the embedded mock cluster, found in the model of the loaded rdkafka_mock.h: every
// rd_kafka_mock_* function that takes the cluster first and otherwise only ids, counts, codes and strings
// (so 2.10's broker_decommission appears when the header has it, and nothing is listed by hand). Also how
// each is called on the control thread (a koffi prototype) and written as code for a notebook cell.
// Pure: model in, data out.
import type { FunctionDecl, Model } from '../../gen/model.ts';
import type { FaultAction, FaultArg, FaultParam, FaultParamKind } from '../../protocol/index.ts';

/** How the control thread calls an action. */
export interface ActionImpl {
  action: FaultAction;
  /** koffi prototype of the function called (the _array twin for a variadic one that has it). */
  proto: string;
  /** Variadic tail: each of `cnt` entries is an error code, or an (error, rtt_ms) pair. */
  tail?: 'errors' | 'error-rtts';
  /** The function returns an rd_kafka_resp_err_t. */
  returnsErr: boolean;
}

/** Functions that are the cluster's life cycle, getters or request tracking: not faults. */
const NOT_ACTIONS =
  /^rd_kafka_mock_(cluster_(new|destroy|handle|bootstraps)|(start|stop)_request_tracking|get_requests|clear_requests|request_\w+)$/;

const CLUSTER = /^(const\s+)?rd_kafka_mock_cluster_t\s*\*$/;
const INTEGER =
  /^(const\s+)?(unsigned\s+)?(int|short|long|long long|int(8|16|32|64)_t|uint(8|16|32|64)_t|size_t)$/;

function kindOf(fn: string, name: string, type: string): FaultParamKind | null {
  const t = type.replace(/\s+/g, ' ').trim();
  if (/^(const )?char ?\*$/.test(t)) {
    if (name === 'topic') return 'topic';
    if (name === 'key_type') return 'coordinatorType';
    return 'string';
  }
  if (/rd_kafka_resp_err_t$/.test(t)) return 'error';
  if (/^rd_bool_t$/.test(t)) return 'bool';
  if (!INTEGER.test(t)) return null; // pointers, structs, arrays: nothing a panel input can give
  if (/^api_?key$/i.test(name)) return 'apiKey';
  if (/broker_id$|^broker$|^leader_id$/.test(name) || (name === 'controller_id' && /controller/.test(fn)))
    return 'broker';
  if (name === 'partition') return 'partition';
  if (/(^|_)cnt$|count$/.test(name)) return 'count';
  if (/_ms$/.test(name)) return 'ms';
  return 'int';
}

/** koffi can call these by their C names; typedefs of the header become what they are. */
function koffiType(type: string): string {
  const t = type.replace(/\s+/g, ' ').trim();
  if (CLUSTER.test(t)) return 'void *';
  if (/^(const )?char ?\*$/.test(t)) return 'const char *';
  return t.replace(/\b(rd_kafka_resp_err_t|rd_bool_t)\b/g, 'int');
}

const label = (fn: string) => fn.replace(/^rd_kafka_mock_/, '').replace(/_/g, ' ');
const firstSentence = (doc: string | undefined) =>
  doc
    ?.replace(/@brief\s*/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .split(/(?<=\.)\s/)[0];

/** Every action the model's rdkafka_mock.h offers, with how to call it. */
export function mockActions(model: Pick<Model, 'functions'>): ActionImpl[] {
  const byName = new Map(model.functions.map((f) => [f.name, f]));
  const out: ActionImpl[] = [];
  for (const f of model.functions) {
    if (!f.name.startsWith('rd_kafka_mock_') || NOT_ACTIONS.test(f.name)) continue;
    if (!f.params[0] || !CLUSTER.test(f.params[0].type.trim())) continue;
    if (/_array$/.test(f.name) && byName.get(f.name.replace(/_array$/, ''))?.variadic) continue;
    const params: FaultParam[] = [];
    let ok = true;
    for (const p of f.params.slice(1)) {
      const kind = kindOf(f.name, p.name, p.type);
      if (!kind) {
        ok = false;
        break;
      }
      params.push({ name: p.name, kind, cType: p.type });
    }
    if (!ok) continue;
    const returnsErr = /rd_kafka_resp_err_t$/.test(f.returns.trim());
    const doc = firstSentence(f.doc);
    const base: FaultAction = { fn: f.name, label: label(f.name), params, ...(doc ? { doc } : {}) };
    if (!f.variadic) {
      out.push({ action: base, proto: prototype(f), returnsErr });
      continue;
    }
    // A variadic tail of `cnt` errors (or error/rtt pairs): the panel gives one error repeated cnt times.
    if (params.at(-1)?.kind !== 'count') continue;
    const pairs = /rtt/i.test(f.doc ?? '') && /rtt/i.test(f.name);
    const tail: FaultParam[] = [{ name: 'err', kind: 'error', cType: 'rd_kafka_resp_err_t' }];
    if (pairs) tail.push({ name: 'rtt_ms', kind: 'ms', cType: 'int' });
    const action: FaultAction = { ...base, params: [...params, ...tail] };
    const twin = byName.get(`${f.name}_array`);
    if (
      !pairs &&
      twin &&
      !twin.variadic &&
      /rd_kafka_resp_err_t\s*\*$/.test(twin.params.at(-1)?.type ?? '')
    ) {
      out.push({ action: { ...action, via: twin.name }, proto: prototype(twin), returnsErr });
      continue;
    }
    out.push({ action, proto: prototype(f), tail: pairs ? 'error-rtts' : 'errors', returnsErr });
  }
  return out;
}

function prototype(f: FunctionDecl): string {
  const ret = koffiType(f.returns);
  const params = f.params.map((p, i) => `${koffiType(p.type)} ${p.name || `a${i}`}`);
  if (f.variadic) params.push('...');
  return `${ret} ${f.name}(${params.join(', ')})`;
}

/** Checks and converts the panel's arguments; throws an Error whose message names the bad one. */
export function checkArgs(action: FaultAction, args: readonly FaultArg[]): FaultArg[] {
  if (!Array.isArray(args) || args.length !== action.params.length)
    throw new Error(
      `${action.fn} takes ${action.params.length} argument(s) after the cluster (${action.params.map((p) => p.name).join(', ')}), got ${Array.isArray(args) ? args.length : 'none'}`,
    );
  return action.params.map((p, i) => {
    const v = args[i];
    switch (p.kind) {
      case 'topic':
      case 'string':
      case 'coordinatorType':
        if (typeof v !== 'string' || v.length > 512 || v.includes('\0'))
          throw new Error(`${p.name} must be a string (got ${JSON.stringify(v)})`);
        if (p.kind === 'topic' && v === '') throw new Error(`${p.name}: give a topic name`);
        if (p.kind === 'coordinatorType' && v !== 'group' && v !== 'transaction')
          throw new Error(`${p.name} must be "group" or "transaction"`);
        return v;
      case 'bool':
        return v === true || v === 1 ? 1 : 0;
      default: {
        const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
        if (typeof n !== 'number' || !Number.isInteger(n))
          throw new Error(`${p.name} must be an integer (got ${JSON.stringify(v)})`);
        if ((p.kind === 'count' || p.kind === 'ms' || p.kind === 'broker' || p.kind === 'partition') && n < 0)
          throw new Error(`${p.name} must not be negative`);
        if (p.kind === 'count' && n > 10_000) throw new Error(`${p.name}: at most 10000`);
        return n;
      }
    }
  });
}

export interface CallNames {
  /** rd_kafka_resp_err_t code → enumerator name (RD_KAFKA_RESP_ERR_…). */
  error: (code: number) => string | undefined;
  /** Kafka API key → name (Produce, Fetch, …). */
  api: (key: number) => string | undefined;
}

function cArg(p: FaultParam, v: FaultArg, names: CallNames): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (p.kind === 'error') return names.error(Number(v)) ?? String(v);
  if (p.kind === 'apiKey') {
    const n = names.api(Number(v));
    return n ? `${v} /* ${n} */` : String(v);
  }
  return String(Number(v));
}

/**
 * The call as cell code (runs in a notebook cell as it is: MOCK_CLUSTER is the embedded cluster) and as
 * plain C, for the timeline and the recorded cell's comment.
 */
export function callText(
  impl: ActionImpl,
  args: readonly FaultArg[],
  names: CallNames,
): { call: string; c: string } {
  const a = impl.action;
  const tailFrom = impl.tail || a.via ? a.params.findIndex((p) => p.name === 'err') : a.params.length;
  const head = a.params.slice(0, tailFrom).map((p, i) => cArg(p, args[i]!, names));
  const cntIdx = a.params.findIndex((p, i) => i < tailFrom && p.kind === 'count');
  const cnt = cntIdx >= 0 ? Number(args[cntIdx]) : 0;
  const tailParams = a.params.slice(tailFrom);
  const tail = tailParams.map((p, i) => cArg(p, args[tailFrom + i]!, names));
  const rep = <T>(x: T[]) => Array.from({ length: cnt }, () => x).flat();
  const c = `${a.fn}(mcluster${[...head, ...rep(tail)].map((x) => `, ${x}`).join('')});`;
  if (a.via) {
    const call = `${a.via}(MOCK_CLUSTER${head.map((x) => `, ${x}`).join('')}, new Int32Array([${rep(tail).join(', ')}]));`;
    return { call, c };
  }
  if (impl.tail) {
    // koffi calls a variadic function with (type, value) pairs.
    const pairs = rep(tail.map((x) => `'int', ${x}`));
    const call = `${a.fn}(MOCK_CLUSTER${[...head, ...pairs].map((x) => `, ${x}`).join('')});`;
    return { call, c };
  }
  return { call: `${a.fn}(MOCK_CLUSTER${head.map((x) => `, ${x}`).join('')});`, c };
}

/** The arguments of the koffi call for `impl` (after the cluster pointer). */
export function callArgs(impl: ActionImpl, args: readonly FaultArg[]): unknown[] {
  const a = impl.action;
  if (!impl.tail && !a.via) return [...args];
  const tailFrom = a.params.findIndex((p) => p.name === 'err');
  const cntIdx = a.params.findIndex((p, i) => i < tailFrom && p.kind === 'count');
  const cnt = Number(args[cntIdx]);
  const head = args.slice(0, tailFrom);
  const tail = args.slice(tailFrom);
  if (a.via) return [...head, Int32Array.from({ length: cnt }, () => Number(tail[0]))];
  const pairs: unknown[] = [];
  for (let i = 0; i < cnt; i++) for (const v of tail) pairs.push('int', Number(v));
  return [...head, ...pairs];
}
