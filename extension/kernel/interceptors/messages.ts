// Messages the cells receive are published as they receive them: consumed messages returned by a consume
// call (one message, or an array filled by a batch consume), and the messages the cells take out of an event:
// delivery reports out of a DR event, consumed messages out of a FETCH event (the event API's consumer). The rules read the model: a function with a `timeout_ms` that returns an rd_kafka_message_t *
// consumes one; one with an rd_kafka_message_t ** array consumes a batch. The handle comes from the first
// argument: the handle itself, or a queue of it.
import type { FunctionDecl } from '../../../gen/model.ts';
import { plainType } from '../callback-kinds.ts';
import { wrapFixed } from './arity.ts';
import type { KernelContext, Interceptor } from './types.ts';

const hasTimeout = (f: FunctionDecl) => f.params.some((p) => p.name === 'timeout_ms');

/** The handle a call's first argument stands for (a handle or one of its queues), or null. */
function handleOf(ctx: KernelContext, f: FunctionDecl): (first: unknown) => bigint | null {
  const first = plainType(f.params[0]?.type ?? '');
  if (first === 'rd_kafka_t *') return (a) => (typeof a === 'bigint' ? a : null);
  if (first === 'rd_kafka_queue_t *') return (a) => ctx.registry.queueOwner(a);
  return () => null;
}

const isArray = (x: unknown): x is BigUint64Array | BigInt64Array =>
  x instanceof BigUint64Array || x instanceof BigInt64Array;

export const messages: Interceptor[] = [
  {
    name: 'a consumed message is published',
    applies: (f) => plainType(f.returns) === 'rd_kafka_message_t *' && hasTimeout(f),
    wrap: (next, f, ctx) => {
      const owner = handleOf(ctx, f);
      return wrapFixed(
        next,
        f.params.length,
        f.variadic,
        { after: 'if (r && ev.enabled) { if (ev.want("consume")) take(a0, r); else ev.count("consume"); }' },
        {
          ev: ctx.events,
          take: (first: unknown, m: bigint) =>
            ctx.decoder.consumed(ctx.decoder.handleName(owner(first)), m, true),
        },
      );
    },
  },
  {
    name: 'a batch of consumed messages is published (details within budget, the rest counted)',
    applies: (f) =>
      hasTimeout(f) &&
      !plainType(f.returns).endsWith('*') &&
      f.params.some((p) => plainType(p.type) === 'rd_kafka_message_t **'),
    wrap: (next, f, ctx) => {
      const owner = handleOf(ctx, f);
      const at = f.params.findIndex((p) => plainType(p.type) === 'rd_kafka_message_t **');
      return wrapFixed(
        next,
        f.params.length,
        f.variadic,
        { after: `if (ev.enabled) taken(a0, a${at}, r);` },
        {
          ev: ctx.events,
          taken: (first: unknown, arr: unknown, n: number | bigint) => {
            if (isArray(arr)) ctx.decoder.messagesTaken('consume', owner(first), arr, Number(n));
          },
        },
      );
    },
  },
  {
    name: 'messages taken out of a DR or FETCH event are published',
    functions: ['rd_kafka_event_message_next'],
    wrap: (next, _f, ctx) => (ev: unknown) => {
      const m = next(ev);
      if (!m || !ctx.events.enabled) return m;
      const t = ctx.native('rd_kafka_event_type')(ev);
      if (t === ctx.facts.c.RD_KAFKA_EVENT_DR) ctx.decoder.delivered(null, m as bigint);
      else if (t === ctx.facts.c.RD_KAFKA_EVENT_FETCH) ctx.decoder.consumed(null, m as bigint);
      return m;
    },
  },
  {
    name: 'messages taken out of a DR or FETCH event as an array are published',
    functions: ['rd_kafka_event_message_array'],
    wrap: (next, _f, ctx) => (ev: unknown, arr: unknown, size: unknown) => {
      const n = next(ev, arr, size) as number | bigint;
      if (!ctx.events.enabled || !isArray(arr)) return n;
      const t = ctx.native('rd_kafka_event_type')(ev);
      if (t === ctx.facts.c.RD_KAFKA_EVENT_DR) ctx.decoder.messagesTaken('dr', null, arr, Number(n));
      else if (t === ctx.facts.c.RD_KAFKA_EVENT_FETCH)
        ctx.decoder.messagesTaken('consume', null, arr, Number(n));
      return n;
    },
  },
];
