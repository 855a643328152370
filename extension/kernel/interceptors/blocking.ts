// beforeBlockingCall: called synchronously right before a native call that can block, so that what the cell
// printed reaches the client before the call starts ("which call hangs?"). A call can block when it has a
// `timeout_ms` parameter and gets a non-zero value (a rule over the model), or is one of fallbacks.ts's
// BLOCKING_CALLS (rd_kafka_consumer_close, rd_kafka_destroy, a synchronous commit, …). Innermost in the
// table: nothing runs between the hook and the call. Free when no hook is set, and a single comparison on
// rd_kafka_poll(rk, 0).
import type { FunctionDecl } from '../../../gen/model.ts';
import { BLOCKING_CALLS, NOT_BLOCKING } from '../fallbacks.ts';
import type { Facts } from '../facts.ts';
import { wrapFixed } from './arity.ts';
import type { Interceptor } from './types.ts';

/** The condition (over the arguments a0, a1, …) under which a call of `f` can block, or null if never. */
export function blockingCondition(f: FunctionDecl, facts: Facts): string | null {
  if (f.variadic || NOT_BLOCKING.includes(f.name)) return null;
  const at = (name: string) => f.params.findIndex((p) => p.name === name);
  const when = BLOCKING_CALLS[f.name];
  if (when === 'always') return 'true';
  if (when) {
    const i = at(when.param);
    // The header no longer names that parameter: assume the call can block.
    if (i < 0) return 'true';
    if ('hasFlag' in when) return `(a${i} & ${facts.c[when.hasFlag] | 0}) !== 0`;
    return when.is === null ? `(a${i} === null || a${i} === 0n)` : `a${i} === 0`;
  }
  const t = at('timeout_ms');
  return t >= 0 ? `a${t} !== 0` : null;
}

export const blocking: Interceptor[] = [
  {
    name: 'beforeBlockingCall runs right before a call that can block',
    applies: (f, ctx) => !!ctx.options.beforeBlockingCall && blockingCondition(f, ctx.facts) !== null,
    wrap: (next, f, ctx) => {
      const cond = blockingCondition(f, ctx.facts)!;
      const before = cond === 'true' ? 'hook();' : `if (${cond}) hook();`;
      return wrapFixed(
        next,
        f.params.length,
        f.variadic,
        { before },
        { hook: ctx.options.beforeBlockingCall },
      );
    },
  },
];
