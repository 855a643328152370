// The tracer's shared library: tracer.c emitted from a bindings folder's model (gen/emit-tracer.ts),
// compiled once per source and machine by the system compiler into the cache (as the kernel's bulk
// helper), then reused by every traced program. The key is the source itself (which embeds the header's
// model), the compiler and the platform: another header, compiler or machine gets its own file.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitTracer } from '../gen/emit-tracer.ts';
import { GenError } from '../gen/errors.ts';
import type { Model } from '../gen/model.ts';
import { cacheDir } from '../extension/kernel/bulk.ts';

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
  const dir = opts.dir ?? join(cacheDir(), 'native');
  const version = model.librdkafka.version;
  const key = createHash('sha256')
    .update(`${code}\0${cc}\0${process.platform}\0${process.arch}`)
    .digest('hex')
    .slice(0, 16);
  const so = join(dir, `tracer-${version}-${key}.so`);
  if (existsSync(so)) return { path: so, version, compiled: false };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new TraceError(
      `cannot create the cache folder ${dir} (${(e as Error).message}): set RDKAFKA_WORKBENCH_CACHE to a writable folder`,
    );
  }
  opts.onProgress?.(`compiling the tracer for librdkafka ${version} with ${cc} (once per header)`);
  const tmp = `${so}.${process.pid}.tmp`;
  const src = `${tmp}.c`;
  try {
    writeFileSync(src, code);
    const r = spawnSync(cc, ['-O2', '-shared', '-fPIC', '-o', tmp, src, '-ldl', '-lpthread'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.error)
      throw new TraceError(
        `no C compiler to build the tracer (${cc}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}): install one (Debian: apt-get install gcc libc6-dev) or set CC`,
      );
    if (r.status !== 0)
      throw new TraceError(
        `${cc} could not compile the tracer generated from ${model.header} (${
          (r.stderr || r.stdout)
            .trim()
            .split('\n')
            .find((l) => /error/.test(l)) ?? `exit ${r.status}`
        }): please report this header`,
      );
    renameSync(tmp, so); // atomic: two traces compiling at once never load a half-written file
    return { path: so, version, compiled: true };
  } finally {
    rmSync(src, { force: true });
    rmSync(tmp, { force: true });
  }
}
