// The per-message C paths through the compiled helper (hotpath.ts): the same C calls with fewer and cheaper
// koffi crossings. Innermost in the table, in place of the C function itself, so the observation and the
// blocking hook around them are unchanged. Where the helper cannot run, each is the C function again.
import type { Fn } from '../load.ts';
import type { Interceptor } from './types.ts';

export const hotpaths: Interceptor[] = [
  {
    name: 'rd_kafka_consumer_poll copies the fields rkmsg reads in the same native call',
    functions: ['rd_kafka_consumer_poll'],
    wrap: (next, _f, ctx) => ctx.hot()?.consumerPoll ?? next,
  },
  {
    name: "a destroyed message's copy is dropped (its address may come back)",
    functions: ['rd_kafka_message_destroy'],
    wrap: (next, _f, ctx) => {
      const hot = ctx.hot();
      if (!hot) return next;
      const copy = hot.copy;
      return (m: unknown) => {
        if (m === copy.cur) copy.cur = null;
        return next(m);
      };
    },
  },
  {
    name: 'rd_kafka_produce with a NULL key and msg_opaque in one pass of koffi argument conversion',
    functions: ['rd_kafka_produce'],
    wrap: (next, f, ctx) => {
      const hot = ctx.hot();
      if (!hot || f.params.length !== 8) return next;
      const five = hot.produce;
      // koffi reads more than six arguments in two passes and tries each null pointer three ways; the
      // helper makes exactly the same C call from five. A plain function: arguments.length keeps koffi's
      // own check of the argument count.
      return function rd_kafka_produce(
        rkt: unknown,
        partition: unknown,
        flags: unknown,
        payload: unknown,
        len: unknown,
        key: unknown,
        keylen: unknown,
        opaque: unknown,
      ): unknown {
        if (arguments.length === 8 && key === null && keylen === 0 && opaque === null)
          return five(rkt, partition, flags, payload, len);
        // eslint-disable-next-line prefer-rest-params
        return (next as Fn)(...arguments);
      };
    },
  },
];
