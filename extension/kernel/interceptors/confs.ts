// Confs: the registry follows each conf from rd_kafka_conf_new to rd_kafka_new or rd_kafka_conf_destroy, so
// that the callbacks set on it stay registered exactly as long as librdkafka may call them.
import type { Interceptor } from './types.ts';

export const confs: Interceptor[] = [
  {
    name: 'a new conf is registered and gets the cluster configuration',
    functions: ['rd_kafka_conf_new'],
    wrap: (next, _f, ctx) => () => {
      const conf = next();
      if (typeof conf === 'bigint' && conf) {
        ctx.registry.addConf(conf);
        const err = Buffer.alloc(512);
        const set = ctx.native('rd_kafka_conf_set');
        for (const [k, v] of Object.entries(ctx.options.clusterConfig ?? {}))
          set(conf, k, v, err, err.length);
      }
      return conf;
    },
  },
  {
    name: 'a duplicated conf shares its callbacks',
    functions: ['rd_kafka_conf_dup', 'rd_kafka_conf_dup_filter'],
    wrap:
      (next, _f, ctx) =>
      (...args: unknown[]) => {
        const dup = next(...args);
        ctx.registry.dupConf(args[0], dup);
        return dup;
      },
  },
  {
    name: 'statistics.interval.ms is noted (stats without a stats_cb)',
    functions: ['rd_kafka_conf_set'],
    wrap:
      (next, _f, ctx) => (conf: unknown, key: unknown, value: unknown, errstr: unknown, size: unknown) => {
        const r = next(conf, key, value, errstr, size);
        if (r === 0 && key === 'statistics.interval.ms') {
          const s = ctx.registry.conf(conf);
          if (s) s.statsInterval = Number(value) || 0;
        }
        return r;
      },
  },
  {
    name: "a destroyed conf's callbacks are released",
    functions: ['rd_kafka_conf_destroy'],
    wrap: (next, _f, ctx) => (conf: unknown) => {
      next(conf);
      ctx.registry.destroyConf(conf);
    },
  },
];
