// The tracer's shared library: tracer.c emitted from a bindings folder's model (gen/emit-tracer.ts),
// compiled once per source and machine by the system compiler into the cache, as the kernel's own C helpers
// are (extension/kernel/native.ts), then reused by every traced program. The key is the source itself
// (which embeds the header's model), the compiler and the platform.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitTracer } from '../gen/emit-tracer.ts';
import { GenError } from '../gen/errors.ts';
import type { Model } from '../gen/model.ts';
import { compileHelper, helperPath, nativeDir } from '../extension/kernel/native.ts';

/** A failure to prepare or run a trace: `message` says what failed and what to do. */
export class TraceError extends Error {
  override name = 'TraceError';
}

export interface BuiltTracer {
  /** The shared library to preload. */
  path: string;
  /** librdkafka version of the header the tracer was generated from. */
  version: string;
  /** Whether this call compiled it (false: found in the cache). */
  compiled: boolean;
}

export function readModel(bindingsDir: string): Model {
  const file = join(bindingsDir, 'model.json');
  if (!existsSync(file))
    throw new TraceError(
      `no bindings in ${bindingsDir} (model.json is missing): generate them with \`rdkafka-workbench gen --out ${bindingsDir}\``,
    );
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Model;
  } catch (e) {
    throw new TraceError(
      `${file} is not a readable model (${(e as Error).message}): regenerate it with \`rdkafka-workbench gen --out ${bindingsDir}\``,
    );
  }
}

/** Emits and compiles (or finds in the cache) the tracer for the bindings in `bindingsDir`. */
export function buildTracer(
  bindingsDir: string,
  opts: { cc?: string; dir?: string; onProgress?: (message: string) => void } = {},
): BuiltTracer {
  const model = readModel(bindingsDir);
  let code: string;
  try {
    code = emitTracer(model).code;
  } catch (e) {
    if (e instanceof GenError) throw new TraceError(e.message);
    throw e;
  }
  const cc = opts.cc || process.env.CC || 'cc';
  const dir = opts.dir ?? nativeDir();
  const version = model.librdkafka.version;
  // The compiler's name is part of the key too: another compiler, another build.
  const keyed = `/* built with ${cc} */\n${code}`;
  const name = `tracer-${version}`;
  const compiled = !existsSync(helperPath(name, keyed, dir));
  if (compiled)
    opts.onProgress?.(`compiling the tracer for librdkafka ${version} with ${cc} (once per header)`);
  const built = compileHelper(name, keyed, dir, cc, 180_000);
  if ('why' in built)
    throw new TraceError(
      /^no C compiler/.test(built.why)
        ? `${built.why}: install one (Debian: apt-get install gcc libc6-dev) or set CC, to build the tracer`
        : `the tracer generated from ${model.header} could not be built (${built.why}): please report this header`,
    );
  return { path: built.path, version, compiled };
}
