// librdkafka's default logger, observed. A handle whose conf has no log_cb prints its log lines itself
// (`%3|1733400000.123|FAIL|rdkafka#producer-1| …` on stderr) and the kernel sees none of them: a cell full of
// connection errors showed "logs 0" in the panel. Such a conf gets the kernel's log relay as its log_cb, in
// its printing form: the relay thread writes each line to stderr as the default logger does, when librdkafka
// logs it (so it lands where and when it did before), then it is published as a `log` event. Confs with their own log_cb, or log.queue=true (logs served through a
// queue the cell polls), are left as they are. Whether a conf still has the default logger is asked of
// librdkafka itself: rd_kafka_conf_get(conf, "log_cb") is the default's address until one is set.
import type { Interceptor, KernelContext } from './types.ts';

/** What rd_kafka_conf_get says of `name` on `conf` ('' when it cannot say). */
function confValue(ctx: KernelContext, conf: unknown, name: string): string {
  try {
    const buf = Buffer.alloc(128);
    const size = new BigUint64Array([128n]);
    if (ctx.native('rd_kafka_conf_get')(conf, name, buf, size) !== 0) return '';
    const nul = buf.indexOf(0);
    return buf.toString('utf8', 0, nul < 0 ? buf.length : nul);
  } catch {
    return '';
  }
}

/** The default logger's address as a fresh conf reports it, once per kernel. */
const defaults = new WeakMap<KernelContext, string>();

function defaultLogCb(ctx: KernelContext): string {
  let d = defaults.get(ctx);
  if (d === undefined) {
    const conf = ctx.native('rd_kafka_conf_new')();
    d = confValue(ctx, conf, 'log_cb');
    ctx.native('rd_kafka_conf_destroy')(conf);
    defaults.set(ctx, d);
  }
  return d;
}

export const defaultLog: Interceptor[] = [
  {
    name: "the default logger's lines become log events, printed as before",
    functions: ['rd_kafka_new'],
    wrap: (next, _f, ctx) => (type: unknown, conf: unknown, errstr: unknown, size: unknown) => {
      let relayed = false;
      if (typeof conf === 'bigint' && conf && ctx.decl('rd_kafka_conf_set_log_cb')) {
        const current = confValue(ctx, conf, 'log_cb');
        if (current && current === defaultLogCb(ctx) && confValue(ctx, conf, 'log.queue') !== 'true') {
          ctx.native('rd_kafka_conf_set_log_cb')(conf, ctx.logs.printingPointer());
          relayed = true;
        }
      }
      const rk = next(type, conf, errstr, size);
      // rd_kafka_new failed: the conf is still the cell's, with the logger it had.
      if (relayed && !(typeof rk === 'bigint' && rk))
        ctx.native('rd_kafka_conf_set_log_cb')(conf, BigInt(defaultLogCb(ctx)));
      return rk;
    },
  },
];
