// The objects cells make with librdkafka constructors (`rd_kafka_topic_partition_list_new`, `_copy`,
// `rd_kafka_topic_new`, `rd_kafka_AdminOptions_new`…), followed until their `_destroy`, so that a pointer
// is shown with its C type (pointers.ts). A rule over the model: every version's constructors. None of
// them is called per message.
import { constructedType, destroyedType, madeObjects } from '../pointers.ts';
import type { Interceptor } from './types.ts';

export const pointers: Interceptor[] = [
  {
    name: 'objects made by constructors are known by their C type until destroyed',
    applies: (f) => constructedType(f.name, f.returns) !== undefined,
    wrap:
      (next, f, ctx) =>
      (...args: unknown[]) => {
        const p = next(...args);
        if (typeof p === 'bigint' && p) madeObjects(ctx.registry).set(p, constructedType(f.name, f.returns)!);
        return p;
      },
  },
  {
    name: 'destroyed objects are forgotten',
    applies: (f) => destroyedType(f.name, f.params[0]?.type) !== undefined,
    wrap:
      (next, _f, ctx) =>
      (...args: unknown[]) => {
        const r = next(...args);
        if (typeof args[0] === 'bigint') madeObjects(ctx.registry).delete(args[0]);
        return r;
      },
  },
];
