// The C functions as koffi binds them, unwrapped: the bindings' own, plus the few rdkafka_mock.h functions
// of fallbacks.ts when the bindings were generated without that header. Each with its declaration (from
// the model, or made from the fallback), which the interceptors' rules read.
import type { FunctionDecl } from '../../gen/model.ts';
import { FUNCTIONS } from './fallbacks.ts';
import type { Bindings, Fn, Koffi } from './load.ts';

export interface CFunctions {
  /** Every function cells can call, by C name: the model's, then the fallbacks the model lacks. */
  readonly decls: ReadonlyMap<string, FunctionDecl>;
  /** The koffi function (bound on first use). Throws for a name that is not declared. */
  get(name: string): Fn;
}

export function cFunctions(koffi: Koffi, bindings: Bindings): CFunctions {
  const decls = new Map<string, FunctionDecl>(bindings.model.functions.map((f) => [f.name, f]));
  const fallback = new Map<string, Fn>();
  for (const [name, f] of Object.entries(FUNCTIONS))
    if (!decls.has(name))
      decls.set(name, {
        name,
        returns: f.returns,
        params: f.params.map((p) => ({ ...p })),
        variadic: false,
        deprecated: false,
        file: 'fallbacks.ts',
        line: 0,
      });
  /** A type the bindings do not declare (rd_kafka_mock_cluster_t without rdkafka_mock.h) passes as void *. */
  const known = (t: string) => {
    if (!t.endsWith('*')) return t;
    try {
      koffi.type(t);
      return t;
    } catch {
      return 'void *';
    }
  };
  return {
    decls,
    get(name) {
      if (name in bindings.functions) return bindings.functions[name]!;
      let f = fallback.get(name);
      if (!f) {
        const d = decls.get(name);
        if (!d) throw new Error(`${name}() is not declared by these bindings`);
        const params = d.params.map((p) => `${known(p.type)} ${p.name}`).join(', ');
        f = bindings.lib.func(`${known(d.returns)} ${name}(${params})`);
        fallback.set(name, f);
      }
      return f;
    },
  };
}
