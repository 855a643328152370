// Loading: koffi, the generated bindings (bindings.js + model.json) and librdkafka itself. Every way this can
// fail ends in a FatalError whose message says what to do.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Model } from '../../gen/model.ts';

export type Koffi = typeof import('koffi');
export type Fn = (...args: any[]) => any;

/** What a generated bindings.js `load()` returns (gen/emit-bindings.ts). */
export interface Bindings {
  library: string;
  lib: { func: (...a: unknown[]) => Fn };
  functions: Record<string, Fn>;
  constants: Record<string, number | bigint | string>;
  types: Record<string, unknown>;
  callbacks: Record<string, unknown>;
  /** Function-like macros of the header (RD_KAFKA_V_*, RD_KAFKA_OFFSET_TAIL, …) when the generator emits them. */
  macros?: Record<string, unknown>;
  missing(): string[];
  model: Model;
}

export interface Loaded {
  koffi: Koffi;
  /** Where koffi was loaded from (the log relay thread loads the same copy). */
  koffiPath: string;
  bindings: Bindings;
}

/** A failure to start whose message tells the user what to do. */
export class FatalError extends Error {}

export async function loadBindings(opts: { bindingsDir: string; library?: string }): Promise<Loaded> {
  const bindingsJs = join(opts.bindingsDir, 'bindings.js');
  if (!existsSync(bindingsJs))
    throw new FatalError(
      `no bindings in ${opts.bindingsDir} (bindings.js is missing): generate them with \`rdkafka-workbench gen --out ${opts.bindingsDir}\``,
    );
  const require = createRequire(import.meta.url);
  let koffiPath: string;
  let koffi: Koffi;
  try {
    koffiPath = require.resolve('koffi');
    koffi = require(koffiPath) as Koffi;
  } catch (e) {
    throw new FatalError(
      `koffi could not be loaded (${(e as Error).message}): reinstall rdkafka workbench's dependencies`,
    );
  }
  const mod = (await import(pathToFileURL(bindingsJs).href)) as {
    load: (k: Koffi, o: { library?: string }) => Bindings;
    meta?: { library?: string | null };
  };
  let bindings: Bindings;
  try {
    bindings = mod.load(koffi, opts.library ? { library: opts.library } : {});
  } catch (e) {
    const lib = opts.library || mod.meta?.library || 'librdkafka';
    const msg = (e as Error).message.split('\n')[0]!;
    // koffi's reason ("cannot open shared object file: …"), without the bindings' own advice around it.
    const reason = /\(([^()]+)\)/.exec(msg)?.[1] ?? msg;
    if (!/shared|\.so|librar/i.test(msg))
      throw new FatalError(
        `the bindings in ${opts.bindingsDir} could not be loaded (${msg}): regenerate them with \`rdkafka-workbench gen --out ${opts.bindingsDir}\``,
      );
    throw new FatalError(
      `cannot load librdkafka from ${lib} (${reason}): install librdkafka (Debian: apt-get install librdkafka1) or point the workbench at the library (setting rdkafka.libraryPath, or --library)`,
    );
  }
  return { koffi, koffiPath, bindings };
}
