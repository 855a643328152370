// Wrappers with the arity of the C function they wrap. A rest/spread wrapper (`(...a) => next(...a)`)
// costs ~40 ns a call, as much as the koffi call itself; these sit on per-message paths (rd_kafka_poll,
// rd_kafka_consumer_poll), so each shape is compiled once with `new Function` into a plain function of
// exactly the C function's parameters (plus `...rest` for a variadic one).
import type { Fn } from '../load.ts';

export interface WrapCode {
  /** Statements run before the call; the arguments are `a0`, `a1`, …. */
  before?: string;
  /** Statements run after it; the result is `r`. */
  after?: string;
}

const compiled = new Map<string, (...env: unknown[]) => Fn>();

/**
 * `next` behind a function of `arity` parameters running `code`, which may use the names of `env` (values
 * passed in, never spliced into the source: only `code` is, and it is the kernel's own).
 */
export function wrapFixed(
  next: Fn,
  arity: number,
  variadic: boolean,
  code: WrapCode,
  env: Record<string, unknown> = {},
): Fn {
  const names = Object.keys(env);
  const key = JSON.stringify([arity, variadic, code.before ?? '', code.after ?? '', names]);
  let make = compiled.get(key);
  if (!make) {
    const params = Array.from({ length: arity }, (_, i) => `a${i}`);
    const list = [...params, ...(variadic ? ['...rest'] : [])].join(', ');
    const body = code.after
      ? `${code.before ?? ''}\nconst r = next(${list});\n${code.after}\nreturn r;`
      : `${code.before ?? ''}\nreturn next(${list});`;
    make = new Function('next', ...names, `return function (${list}) {\n${body}\n};`) as (
      ...env: unknown[]
    ) => Fn;
    compiled.set(key, make);
  }
  return make(next, ...names.map((n) => env[n]));
}
