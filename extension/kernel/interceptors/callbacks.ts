// Every function that takes a callback (a function-pointer parameter in the model): the cell's JS function
// is registered behind an observing trampoline (observe.ts) and kept alive with the conf or handle it was
// set on. What the callback is comes from its prototype (callback-kinds.ts). Log callbacks go to the log
// relay instead: librdkafka calls them on its own threads.
import type { Fn } from '../load.ts';
import type { KernelContext, Interceptor } from './types.ts';

/** Routes a cell's log callback set on `owner` (a conf or a handle) through the log relay, if it knows it. */
function relayLog(ctx: KernelContext, owner: unknown, user: Fn | null): boolean {
  const conf = ctx.registry.conf(owner);
  if (conf) {
    conf.logFn = user;
    return true;
  }
  if (typeof owner === 'bigint' && ctx.registry.handles.has(owner)) {
    if (user) ctx.registry.logFns.set(owner, user);
    else ctx.registry.logFns.delete(owner);
    return true;
  }
  return false;
}

export const callbacks: Interceptor[] = [
  {
    name: 'callbacks are observed (log callbacks relayed)',
    applies: (f) => f.params.some((p) => p.callback),
    wrap: (next, f, ctx) => {
      const params = f.params.flatMap((p, i) => (p.callback ? [{ p, i, proto: p.callback }] : []));
      return (...args: unknown[]) => {
        const owner = args[0];
        for (const { p, i, proto } of params) {
          const { kind } = ctx.observer.prototype(proto);
          const user = typeof args[i] === 'function' ? (args[i] as Fn) : null;
          if (kind === 'stats') {
            const conf = ctx.registry.conf(owner);
            if (conf) conf.hasStatsCb = args[i] !== null && args[i] !== undefined;
          }
          if (kind === 'log' && relayLog(ctx, owner, user)) {
            if (user) args[i] = ctx.logs.pointer();
            continue;
          }
          if (user) args[i] = ctx.observer.observe(f.name, p, user, owner);
        }
        return next(...args);
      };
    },
  },
];
