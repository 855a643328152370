// The cluster's credentials (clusterConfig) go only to the cluster they were given for. Every conf the
// cells create carries them (confs.ts); a handle made from such a conf whose bootstrap.servers names other
// brokers is refused as rd_kafka_new refuses a bad configuration (NULL, the reason in errstr), and brokers
// added later with rd_kafka_brokers_add must be the cluster's too. A cell that sets its own sasl.* values
// is not carrying the stored ones and is left alone.
import { covers } from '../clusters.ts';
import type { Interceptor, KernelContext } from './types.ts';

/** The value of `key` in `conf`, or null when it has none. */
function confValue(ctx: KernelContext, conf: unknown, key: string): string | null {
  const buf = Buffer.alloc(4096);
  const size = new BigUint64Array([BigInt(buf.length)]);
  if (ctx.native('rd_kafka_conf_get')(conf, key, buf, size) !== 0) return null;
  return buf.subarray(0, Math.max(0, Number(size[0]) - 1)).toString('utf8');
}

/** Whether `conf` still holds the stored credentials (the secrets among them unchanged). */
function carriesCredentials(ctx: KernelContext, conf: unknown): boolean {
  const secrets = Object.entries(ctx.options.clusterConfig ?? {}).filter(([k]) =>
    /password|secret|token|key/i.test(k),
  );
  return secrets.length > 0 && secrets.some(([k, v]) => confValue(ctx, conf, k) === v);
}

function writeErrstr(errstr: unknown, size: unknown, message: string): void {
  if (!(errstr instanceof Uint8Array)) return;
  const n = Math.min(errstr.length, Number(size) || 0);
  if (n <= 0) return;
  const bytes = Buffer.from(message, 'utf8').subarray(0, n - 1);
  errstr.set(bytes);
  errstr[bytes.length] = 0;
}

const guarded = (ctx: KernelContext) => !!ctx.options.clusterConfig && !!ctx.options.clusterBrokers;

/** Handles made from a conf that carries the credentials (they may add only the cluster's brokers). */
const carrying = new WeakMap<KernelContext, Set<bigint>>();

export const credentials: Interceptor[] = [
  {
    name: "a handle carrying the cluster's credentials connects only to that cluster",
    // (`applies`, not `functions`: only in a kernel that has credentials.)
    applies: (f, ctx) => f.name === 'rd_kafka_new' && guarded(ctx),
    wrap: (next, _f, ctx) => (type: unknown, conf: unknown, errstr: unknown, size: unknown) => {
      const cluster = ctx.options.clusterBrokers!;
      const withCredentials = typeof conf === 'bigint' && conf !== 0n && carriesCredentials(ctx, conf);
      if (withCredentials) {
        const brokers = confValue(ctx, conf, 'bootstrap.servers') ?? '';
        if (brokers.trim() && !covers(cluster, brokers)) {
          writeErrstr(
            errstr,
            size,
            `rdkafka workbench: this configuration carries the SASL credentials stored for ${cluster}, but bootstrap.servers names other brokers (${brokers}): the credentials go only to their own cluster; use BOOTSTRAP, or set your own sasl.* properties`,
          );
          return null;
        }
      }
      const rk = next(type, conf, errstr, size);
      if (withCredentials && typeof rk === 'bigint' && rk) {
        let set = carrying.get(ctx);
        if (!set) carrying.set(ctx, (set = new Set()));
        set.add(rk);
      }
      return rk;
    },
  },
  {
    name: "brokers added to a handle carrying the cluster's credentials must be the cluster's",
    applies: (f, ctx) => f.name === 'rd_kafka_brokers_add' && guarded(ctx),
    wrap: (next, _f, ctx) => (rk: unknown, brokerlist: unknown) => {
      if (
        typeof rk === 'bigint' &&
        carrying.get(ctx)?.has(rk) &&
        !covers(ctx.options.clusterBrokers!, String(brokerlist ?? ''))
      )
        return 0; // no broker added, as for a list librdkafka cannot parse
      return next(rk, brokerlist);
    },
  },
];
