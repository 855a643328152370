// Anything a cell throws → one `error` output. Cells can throw values that fight back: objects without a
// prototype (no toString), getters that throw, Symbols, revoked Proxies. Every read of the thrown value is
// guarded, so building the output never throws and the kernel always finishes the cell.
import { inspect } from 'node:util';
import type { CellOutput } from '../../protocol/index.ts';
import { CellSyntaxError } from './transpile.ts';

type ErrorOutput = Extract<CellOutput, { kind: 'error' }>;

/** `f()`, or `fallback` when it throws. */
function attempt<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** A string for any value: util.inspect, then String(), then a description of what it is. */
export function describe(value: unknown): string {
  const inspected = attempt(() => inspect(value, { depth: 2, breakLength: Infinity }), null);
  if (typeof inspected === 'string') return inspected;
  const plain = attempt(() => String(value), null);
  if (typeof plain === 'string') return plain;
  return `a ${attempt(() => typeof value, 'value')} that cannot be shown`;
}

const field = (v: object, key: string): unknown =>
  attempt(() => (v as Record<string, unknown>)[key], undefined);

/** Looks like an Error (has a stack or is one), decided without trusting the value's own traps. */
function errorLike(e: unknown): e is object {
  if (e === null || (typeof e !== 'object' && typeof e !== 'function')) return false;
  return attempt(() => e instanceof Error || 'stack' in e, false);
}

/**
 * The error output for `e`. `rewriteStack` maps stack frames to cells (sourcemap.ts); it is guarded too,
 * and whatever it or the value does, the result is plain strings.
 */
export function errorOutput(e: unknown, rewriteStack: (stack: string) => string = (s) => s): ErrorOutput {
  if (attempt(() => e instanceof CellSyntaxError, false)) {
    const message = describe(field(e as object, 'message'));
    return { kind: 'error', name: 'SyntaxError', message, stack: `SyntaxError: ${message}` };
  }
  if (errorLike(e)) {
    const rawName = field(e, 'name');
    const rawMessage = field(e, 'message');
    const name = typeof rawName === 'string' ? rawName : 'Error';
    const message =
      rawMessage === undefined ? '' : typeof rawMessage === 'string' ? rawMessage : describe(rawMessage);
    const rawStack = field(e, 'stack');
    const stack = typeof rawStack === 'string' ? rawStack : `${name}: ${message}`;
    return { kind: 'error', name, message, stack: attempt(() => rewriteStack(stack), stack) };
  }
  // Not an Error: what was thrown, as the REPL shows it ("Uncaught 42").
  return { kind: 'error', name: 'Uncaught', message: describe(e), stack: '' };
}

/**
 * The error a cell stopped by an interrupt shows, read as "Interrupted: cell 10 stopped before its end; …":
 * the name says what happened and the message does not say it again; it names the cell (its position from
 * 1, as everywhere) and what is kept. TypeScript and C cells share it.
 */
export function interruptedOutput(cell: number, kept: string): ErrorOutput {
  return {
    kind: 'error',
    name: 'Interrupted',
    message: `cell ${cell} stopped before its end; ${kept}`,
    stack: '',
  };
}
