// What a pointer a cell holds is, as far as the kernel knows: the handles, confs and queues of the registry,
// the mock cluster, and the objects the cells made with a librdkafka constructor (`rd_kafka_*_new`, `_copy`,
// `_dup`: topic partition lists, topics, admin objects…) until their `_destroy`. The C type comes from the
// constructor's declaration in the model. Used to show pointers as C does (display.ts) and in the
// Variables view (variables.ts).
import type { KnownPointer } from './display.ts';
import type { HandleRegistry } from './registry.ts';

/** Objects made by the cells' constructor calls, per kernel (its registry): pointer → C type. */
const made = new WeakMap<HandleRegistry, Map<bigint, string>>();

export function madeObjects(registry: HandleRegistry): Map<bigint, string> {
  let m = made.get(registry);
  if (!m) made.set(registry, (m = new Map()));
  return m;
}

/**
 * Types not followed: handles and confs are the registry's (interceptors/handles.ts, confs.ts); headers and
 * messages are made per message and usually handed to librdkafka, which frees them without a `_destroy`.
 */
const UNTRACKED = new Set(['rd_kafka_t', 'rd_kafka_conf_t', 'rd_kafka_headers_t', 'rd_kafka_message_t']);

/** The type a constructor returns (`rd_kafka_topic_partition_list_t`), or undefined for other functions. */
export function constructedType(name: string, returns: string): string | undefined {
  if (!/_(?:new|copy|dup)$/.test(name)) return undefined;
  const t = /^(rd_kafka_\w+_t)\s*\*$/.exec(returns.replace(/^const\s+/, '').trim())?.[1];
  return t && !UNTRACKED.has(t) ? t : undefined;
}

/** The type a destructor takes (`rd_kafka_topic_partition_list_destroy(T *)`), or undefined. */
export function destroyedType(name: string, firstParam: string | undefined): string | undefined {
  if (!name.endsWith('_destroy') || !firstParam) return undefined;
  const t = /^(rd_kafka_\w+_t)\s*\*$/.exec(firstParam.replace(/^const\s+/, '').trim())?.[1];
  return t && !UNTRACKED.has(t) ? t : undefined;
}

export interface PointerSources {
  registry: HandleRegistry;
  /** The embedded mock cluster's rd_kafka_mock_cluster_t *, once started. */
  mockCluster: () => bigint | null;
}

/** Looks up what `p` is: `{ctype: 'rd_kafka_t', name: 'rdkafka#producer-1'}`, or undefined. */
export function describePointer(src: PointerSources, p: bigint): KnownPointer | undefined {
  const { registry } = src;
  const h = registry.handles.get(p);
  if (h) return { ctype: 'rd_kafka_t', name: h.name };
  if (registry.confs.has(p)) return { ctype: 'rd_kafka_conf_t' };
  const owner = registry.queues.get(p);
  if (owner !== undefined) {
    const name = registry.names.get(owner);
    return { ctype: 'rd_kafka_queue_t', ...(name ? { name: `queue of ${name}` } : {}) };
  }
  if (p === src.mockCluster()) return { ctype: 'rd_kafka_mock_cluster_t', name: 'the embedded mock cluster' };
  const t = made.get(registry)?.get(p);
  return t ? { ctype: t } : undefined;
}
