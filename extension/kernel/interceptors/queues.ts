// Queues: every function that returns a queue of a handle (rd_kafka_queue_get_main, _get_consumer,
// rd_kafka_queue_new, …) records whose it is, so events taken from it are published with the handle's name.
import { plainType } from '../callback-kinds.ts';
import type { Interceptor } from './types.ts';
import { wrapFixed } from './arity.ts';

export const queues: Interceptor[] = [
  {
    name: "a handle's queue is known as the handle's",
    applies: (f) =>
      plainType(f.returns) === 'rd_kafka_queue_t *' && plainType(f.params[0]?.type ?? '') === 'rd_kafka_t *',
    wrap: (next, f, ctx) =>
      wrapFixed(
        next,
        f.params.length,
        f.variadic,
        { after: 'if (typeof r === "bigint" && typeof a0 === "bigint") queues.set(r, a0);' },
        { queues: ctx.registry.queues },
      ),
  },
  {
    name: 'a destroyed queue is forgotten',
    functions: ['rd_kafka_queue_destroy'],
    wrap: (next, _f, ctx) => (rkqu: unknown) => {
      if (typeof rkqu === 'bigint') ctx.registry.queues.delete(rkqu);
      return next(rkqu);
    },
  },
  {
    name: 'events taken from a queue are published (event API)',
    applies: (f) =>
      plainType(f.returns) === 'rd_kafka_event_t *' &&
      plainType(f.params[0]?.type ?? '') === 'rd_kafka_queue_t *',
    wrap: (next, f, ctx) =>
      wrapFixed(
        next,
        f.params.length,
        f.variadic,
        { after: 'if (r) polled(owner(a0), r);' },
        {
          polled: (rk: bigint | null, ev: bigint) => ctx.decoder.polledEvent(rk, ev),
          owner: (q: unknown) => ctx.registry.queueOwner(q),
        },
      ),
  },
];
