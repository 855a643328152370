// What a callback is, from its prototype (the function-pointer type in the model), never from the name a
// header gives the parameter: 2.0.2 calls the background event callback `event_cb`, rd_kafka_commit_queue
// calls its offset-commit callback `cb`. Pure: a prototype in, a kind out.
import type { Callback } from '../../gen/model.ts';
import type { KernelEventType } from '../../protocol/index.ts';

/** The kind of a callback: how its arguments are decoded into an event. */
export type CallbackKind =
  | 'dr_msg'
  | 'dr'
  | 'stats'
  | 'error'
  | 'log'
  | 'rebalance'
  | 'offset_commit'
  | 'throttle'
  | 'consume'
  | 'oauthbearer_token_refresh'
  | 'background_event'
  | 'callback';

/** The event each kind publishes. */
export const KIND_EVENT: Record<CallbackKind, KernelEventType> = {
  dr_msg: 'dr',
  dr: 'dr',
  stats: 'stats',
  error: 'error',
  log: 'log',
  rebalance: 'rebalance',
  offset_commit: 'offset_commit',
  throttle: 'throttle',
  consume: 'consume',
  oauthbearer_token_refresh: 'oauthbearer_token_refresh',
  background_event: 'background_event',
  callback: 'callback',
};

const TPL_SHAPE = 'void(rd_kafka_t *,rd_kafka_resp_err_t,rd_kafka_topic_partition_list_t *,void *)';

/** Prototype shapes (return type and parameter types, `const` ignored) of librdkafka's callbacks. */
const SHAPES = new Map<string, CallbackKind>([
  ['void(rd_kafka_t *,rd_kafka_message_t *,void *)', 'dr_msg'],
  ['void(rd_kafka_t *,void *,size_t,rd_kafka_resp_err_t,void *,void *)', 'dr'],
  ['int(rd_kafka_t *,char *,size_t,void *)', 'stats'],
  ['void(rd_kafka_t *,int,char *,void *)', 'error'],
  ['void(rd_kafka_t *,int,char *,char *)', 'log'],
  [TPL_SHAPE, 'offset_commit'],
  ['void(rd_kafka_t *,char *,int32_t,int,void *)', 'throttle'],
  ['void(rd_kafka_message_t *,void *)', 'consume'],
  ['void(rd_kafka_t *,char *,void *)', 'oauthbearer_token_refresh'],
  ['void(rd_kafka_t *,rd_kafka_event_t *,void *)', 'background_event'],
]);

/** A C type without qualifiers, spaced one way: `const rd_kafka_t*` → `rd_kafka_t *`. */
export function plainType(t: string): string {
  return t
    .replace(/\bconst\b/g, '')
    .replace(/\s*\*/g, ' *')
    .replace(/\* \*/g, '**')
    .replace(/\s+/g, ' ')
    .trim();
}

export function shapeOf(proto: Pick<Callback, 'returns' | 'params'>): string {
  return `${plainType(proto.returns)}(${proto.params.map((p) => plainType(p.type)).join(',')})`;
}

export function classify(proto: Pick<Callback, 'returns' | 'params' | 'variadic'>): CallbackKind {
  if (proto.variadic) return 'callback';
  const shape = shapeOf(proto);
  const kind = SHAPES.get(shape) ?? 'callback';
  // A rebalance callback and an offset-commit callback have the same C type; the header tells them apart
  // only by what it calls the list: the partitions to assign, or the offsets committed.
  if (shape === TPL_SHAPE && proto.params[2]?.name === 'partitions') return 'rebalance';
  return kind;
}

/** Whether the callback's first argument is the handle (`rd_kafka_t *`) it was called for. */
export function carriesHandle(proto: Pick<Callback, 'params'>): boolean {
  const first = proto.params[0];
  return first !== undefined && plainType(first.type) === 'rd_kafka_t *';
}
