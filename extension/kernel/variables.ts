// The Variables view's data: every global the cells defined (declarations, which rewrite.ts makes globals,
// and plain assignments to undeclared names), each with its type and a one-line value. Pointers the kernel
// knows read as C names them (`rd_kafka_t *`, `rdkafka#producer-1 (0x41fe12c0)`), a topic partition list
// is expanded into its partitions, an object or array into its first members. Pure over what it is given.
import type { TopicPartition, VariableInfo } from '../../protocol/index.ts';
import { formatBigint, shortText, type PointerNamer } from './display.ts';

/** Members listed under an object or array (the rest is counted). */
const MAX_CHILDREN = 100;

export interface VariableSources {
  /** What a pointer is (pointers.ts), or undefined. */
  describe: PointerNamer;
  /** The partitions of a `rd_kafka_topic_partition_list_t *` (decode.ts). */
  partitions: (list: bigint) => TopicPartition[];
}

/** The names on `scope` the kernel itself put there (Node's globals, the C API, helpers): the baseline. */
export function baselineOf(scope: object): Set<string> {
  return new Set(Object.getOwnPropertyNames(scope));
}

/** A buffer in one line: an errbuf() by its C string, other bytes by their first few. */
function bytesText(v: ArrayBufferView): string {
  const text = (v as { text?: unknown }).text;
  if (typeof text === 'string') return JSON.stringify(text);
  const bytes = new Uint8Array(v.buffer, v.byteOffset, Math.min(v.byteLength, 16));
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${hex}${v.byteLength > 16 ? ' …' : ''}`;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value))
    return `${(value.constructor as { name?: string }).name ?? 'ArrayBufferView'}(${value.byteLength})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (value instanceof Map) return `Map(${value.size})`;
  if (value instanceof Set) return `Set(${value.size})`;
  if (typeof value === 'object') {
    const ctor = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor
      ?.name;
    return ctor && ctor !== 'Object' ? ctor : 'object';
  }
  return typeof value;
}

function partitionLine(tp: TopicPartition): string {
  const offset = tp.offset !== undefined ? ` offset ${tp.offset}` : '';
  const err = tp.err ? ` err ${tp.err}` : '';
  return `${tp.topic} [${tp.partition}]${offset}${err}`;
}

/** One variable (or member), children included one level down. */
export function variableInfo(name: string, value: unknown, src: VariableSources, depth = 0): VariableInfo {
  if (typeof value === 'bigint') {
    const known = src.describe(value);
    if (!known) return { name, type: 'bigint', value: formatBigint(value, src.describe) };
    const hex = `0x${value.toString(16)}`;
    const info: VariableInfo = {
      name,
      type: `${known.ctype} *`,
      value: known.name ? `${known.name} (${hex})` : hex,
    };
    if (known.ctype === 'rd_kafka_topic_partition_list_t') {
      const parts = safe(() => src.partitions(value), []);
      info.value = `${parts.length} partition${parts.length === 1 ? '' : 's'} (${hex})`;
      info.children = parts.map((tp, i) => ({
        name: String(i),
        type: 'rd_kafka_topic_partition_t',
        value: partitionLine(tp),
      }));
    }
    return info;
  }
  const info: VariableInfo = {
    name,
    type: typeOf(value),
    value:
      typeof value === 'function'
        ? `ƒ ${value.name || '(anonymous)'}`
        : ArrayBuffer.isView(value)
          ? bytesText(value)
          : shortText(value, 120, src.describe),
  };
  if (depth === 0 && value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const entries: [string, unknown][] =
      value instanceof Map
        ? [...value].map(([k, v]) => [shortText(k, 40, src.describe), v])
        : value instanceof Set
          ? [...value].map((v, i) => [String(i), v])
          : safe(() => Object.entries(value), []);
    if (entries.length) {
      info.children = entries.slice(0, MAX_CHILDREN).map(([k, v]) => variableInfo(k, v, src, depth + 1));
      if (entries.length > MAX_CHILDREN)
        info.children.push({ name: '…', type: '', value: `${entries.length - MAX_CHILDREN} more` });
    }
  }
  return info;
}

/** A getter that throws (a revoked Proxy, a hostile object) must not break the view. */
function safe<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

/** Every global of `scope` that is not in `baseline`, sorted by name. */
export function listVariables(scope: object, baseline: Set<string>, src: VariableSources): VariableInfo[] {
  const out: VariableInfo[] = [];
  for (const name of Object.getOwnPropertyNames(scope).sort()) {
    if (baseline.has(name) || name.startsWith('__wb')) continue;
    const d = Object.getOwnPropertyDescriptor(scope, name);
    // Accessors are the kernel's (BOOTSTRAP-like), never a cell's declaration: not read, not listed.
    if (!d || !('value' in d)) continue;
    out.push(safe(() => variableInfo(name, d.value, src), { name, type: '?', value: '(unreadable)' }));
  }
  return out;
}
