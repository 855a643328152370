// Variadic functions called as in C. koffi wants a type before each variable argument; C applies the
// default argument promotions instead. Every variadic function of the header therefore takes, after its
// fixed parameters, either:
// - C's way: plain values, promoted as C promotes them: an integer number → `int` (`long` beyond 32 bits),
//   any other number → `double`, a boolean → `int`, a string → `const char *`, bigint or null → a pointer,
//   a Uint8Array → a pointer to its bytes;
// - arrays of explicit type/value pairs (what RD_KAFKA_V_TOPIC(...) and the other tags return), spread in
//   place: `['int16_t', 5]`;
// - or koffi's own form, type/value pairs all the way (`'int', 5, 'const char *', 'x'`): recognised when
//   every other argument, from the first, is a string that names a C type.
// See docs/kernel.md.
import type { Koffi } from '../load.ts';
import type { Interceptor } from './types.ts';

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** The type/value pairs koffi needs for the variable arguments `rest` (see above). */
export function promote(rest: readonly unknown[], isType: (s: string) => boolean): unknown[] {
  if (koffiForm(rest, isType)) return rest as unknown[];
  const out: unknown[] = [];
  for (let i = 0; i < rest.length; i++) {
    const v = rest[i];
    if (Array.isArray(v)) {
      for (const x of v) out.push(x);
      continue;
    }
    switch (typeof v) {
      case 'number':
        if (Number.isInteger(v)) out.push(v >= INT_MIN && v <= INT_MAX ? 'int' : 'int64_t', v);
        else out.push('double', v);
        break;
      case 'boolean':
        out.push('int', v ? 1 : 0);
        break;
      case 'string':
        out.push('const char *', v);
        break;
      case 'bigint':
        out.push('void *', v);
        break;
      default:
        if (v === null) out.push('void *', null);
        else if (ArrayBuffer.isView(v)) out.push('void *', v);
        else
          throw new TypeError(
            `variable argument ${i + 1} is ${v === undefined ? 'undefined' : typeof v}: pass a number, string, bigint, null or bytes, or an explicit ['type', value] pair`,
          );
    }
  }
  return out;
}

function koffiForm(rest: readonly unknown[], isType: (s: string) => boolean): boolean {
  if (rest.length === 0 || rest.length % 2) return false;
  for (let i = 0; i < rest.length; i += 2) {
    const t = rest[i];
    if (typeof t !== 'string' || !isType(t)) return false;
  }
  return true;
}

/** Whether koffi knows `s` as a type name, remembered per name. */
export function typeNames(koffi: Koffi): (s: string) => boolean {
  const known = new Map<string, boolean>();
  return (s) => {
    let k = known.get(s);
    if (k === undefined) {
      try {
        koffi.type(s);
        k = true;
      } catch {
        k = false;
      }
      known.set(s, k);
    }
    return k;
  };
}

export const varargs: Interceptor[] = [
  {
    name: 'variable arguments are promoted as in C',
    applies: (f) => f.variadic,
    wrap: (next, f, ctx) => {
      const fixed = f.params.length;
      const isType = typeNames(ctx.koffi);
      return (...args: unknown[]) => next(...args.slice(0, fixed), ...promote(args.slice(fixed), isType));
    },
  },
];
