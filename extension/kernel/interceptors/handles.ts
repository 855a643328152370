// Handles: rd_kafka_new registers the handle (its name and kind, the conf's callbacks) and publishes
// `handle_created`; rd_kafka_destroy releases its callbacks once it has returned and publishes
// `handle_destroyed`. Statistics turned on without a stats_cb get one that publishes them (returning 0, so
// librdkafka frees the JSON) instead of piling up on the main queue.
import type { KernelContext, Interceptor } from './types.ts';

/** The kernel's own stats_cb, registered once per kernel. */
const autoStats = new WeakMap<KernelContext, bigint>();

function autoStatsPointer(ctx: KernelContext): bigint {
  let p = autoStats.get(ctx);
  if (p === undefined) {
    const proto = ctx.decl('rd_kafka_conf_set_stats_cb')?.params.find((x) => x.callback)?.callback;
    if (!proto) throw new Error('the bindings lack the stats_cb prototype');
    const { kind, withHandle } = ctx.observer.prototype(proto);
    p = ctx.observer.register(proto, (...a: unknown[]) => {
      try {
        ctx.decoder.callback(kind, 'stats_cb', a, withHandle);
      } catch {
        // never disturb librdkafka
      }
      return 0;
    });
    autoStats.set(ctx, p);
  }
  return p;
}

export const handles: Interceptor[] = [
  {
    name: 'a new handle is registered and published; stats without a stats_cb still reach the events',
    functions: ['rd_kafka_new'],
    wrap: (next, _f, ctx) => (type: unknown, conf: unknown, errstr: unknown, size: unknown) => {
      const s = ctx.registry.conf(conf);
      if (s && s.statsInterval > 0 && !s.hasStatsCb)
        ctx.native('rd_kafka_conf_set_stats_cb')(conf, autoStatsPointer(ctx));
      const rk = next(type, conf, errstr, size);
      if (typeof rk === 'bigint' && rk) {
        const name = ctx.native('rd_kafka_name')(rk) as string;
        const kind = type === ctx.facts.c.RD_KAFKA_CONSUMER ? 'consumer' : 'producer';
        ctx.registry.addHandle(rk, conf, kind, name);
        ctx.events.publish('handle_created', name, { kind, name });
      }
      return rk;
    },
  },
  {
    name: "a destroyed handle's callbacks are released once destroy returned; published",
    functions: ['rd_kafka_destroy', 'rd_kafka_destroy_flags'],
    wrap:
      (next, _f, ctx) =>
      (rk: unknown, ...rest: unknown[]) => {
        const r = next(rk, ...rest);
        if (typeof rk === 'bigint') {
          const h = ctx.registry.forget(rk);
          if (h) ctx.events.publish('handle_destroyed', h.name, { name: h.name });
        }
        return r;
      },
  },
];
