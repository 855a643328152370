// Globals: what cells see, installed onto the cells' global scope as after `#include <librdkafka/rdkafka.h>`:
// every constant, every function under its C name (bound on first use: a cell that never calls
// rd_kafka_mock_broker_set_down never binds it), BOOTSTRAP and MOCK_CLUSTER, the header's function-like
// macros, and the helpers (cell-api.ts declares them all).
import type { Bindings, Fn } from './load.ts';

export interface GlobalsSource {
  bindings: Bindings;
  /** Every function cells can call, by C name. */
  functionNames: Iterable<string>;
  /** The function as cells call it (observed where needed). */
  fn: (name: string) => Fn;
  bootstrap: () => string;
  mockCluster: () => bigint | null;
  helpers: Record<string, unknown>;
}

/** Defines `name` on `target` through a getter that replaces itself with the value on first use. */
function lazy(target: Record<string, unknown>, name: string, get: () => unknown): void {
  const settle = (value: unknown) =>
    Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
  Object.defineProperty(target, name, {
    configurable: true,
    enumerable: false,
    get() {
      const value = get();
      settle(value);
      return value;
    },
    set: settle,
  });
}

export function installGlobals(target: Record<string, unknown>, s: GlobalsSource): void {
  for (const [name, value] of Object.entries(s.bindings.constants)) target[name] = value;
  for (const name of s.functionNames) lazy(target, name, () => s.fn(name));
  Object.defineProperty(target, 'BOOTSTRAP', { configurable: true, enumerable: false, get: s.bootstrap });
  // The mock cluster itself, for rdkafka_mock.h's functions (null when a real cluster is configured).
  Object.defineProperty(target, 'MOCK_CLUSTER', {
    configurable: true,
    enumerable: false,
    get: s.mockCluster,
  });
  // The header's function-like macros as the generator translated them; the helpers' versions of the
  // RD_KAFKA_V_* tags win, since they also accept strings and infer lengths.
  for (const [name, value] of Object.entries(s.bindings.macros ?? {}))
    if (!(name in s.helpers)) target[name] = value;
  Object.assign(target, s.helpers);
}
