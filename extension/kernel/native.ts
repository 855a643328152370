// Small C helpers the kernel compiles once per machine with the system `cc` into the cache and loads with
// koffi: where one crossing can do the work of several, or cheaper than koffi's generic conversions. Each
// helper is keyed by its source and the platform, compiled into a temporary file and renamed (kernels
// compiling at once never load a half-written file). Without a compiler the caller keeps its JS path.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The cache folder of slow, machine-specific things (as scripts/lib.sh's CACHE_DIR). */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.RDKAFKA_WORKBENCH_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rdkafka-workbench')
  );
}

/** Where the helpers live: CACHE/native. */
export const nativeDir = (): string => join(cacheDir(), 'native');

/**
 * Compiles `source` (once) into `dir/NAME-KEY.so` and returns its path, or the reason it could not: no
 * compiler, a failed compile, an unwritable cache.
 */
export function compileHelper(
  name: string,
  source: string,
  dir: string,
  cc = process.env.CC || 'cc',
): { path: string } | { why: string } {
  const key = createHash('sha256').update(`${source}\0${process.platform}\0${process.arch}`).digest('hex');
  const so = join(dir, `${name}-${key.slice(0, 16)}.so`);
  if (existsSync(so)) return { path: so };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    return { why: `cannot create ${dir} (${(e as Error).message})` };
  }
  const tmp = `${so}.${process.pid}.tmp`;
  const src = `${tmp}.c`;
  try {
    writeFileSync(src, source);
    const r = spawnSync(cc, ['-O2', '-shared', '-fPIC', '-o', tmp, src, '-ldl'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (r.error)
      return { why: `no C compiler (${cc}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message})` };
    if (r.status !== 0) return { why: `${cc} failed: ${(r.stderr || r.stdout).trim().split('\n')[0]}` };
    renameSync(tmp, so);
    return { path: so };
  } catch (e) {
    return { why: (e as Error).message };
  } finally {
    rmSync(src, { force: true });
    rmSync(tmp, { force: true });
  }
}
