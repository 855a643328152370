// The C reference programs of bench/c, compiled at bench time with the system compiler against the system
// librdkafka or a version built into the cache, and the librdkafka.so they link (every FFI case loads the
// same file).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedLibrary } from '../versions/index.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Compiles the C reference programs with the system compiler, against the system librdkafka or (with
 * `version`) one built into the cache, into bench/c/build/ (or bench/c/build/VERSION/). Returns the folder.
 */
export function compileC(progs: readonly string[], version: ResolvedLibrary | null): string {
  const out = join(root, 'bench/c/build', version ? version.version : '');
  mkdirSync(out, { recursive: true });
  // The programs include <librdkafka/rdkafka.h>: a version's include/ is that folder.
  let flags = ['-lrdkafka'];
  if (version) {
    const inc = join(out, 'include');
    mkdirSync(inc, { recursive: true });
    const link = join(inc, 'librdkafka');
    if (!existsSync(link)) symlinkSync(version.include, link);
    const lib = dirname(version.library);
    flags = [`-I${inc}`, `-L${lib}`, '-l:librdkafka.so.1', `-Wl,-rpath,${lib}`];
  }
  for (const prog of progs) {
    const src = join(root, 'bench/c', `${prog}.c`);
    const bin = join(out, prog);
    if (
      existsSync(bin) &&
      statSync(bin).mtimeMs >
        Math.max(statSync(src).mtimeMs, statSync(join(root, 'bench/c/common.h')).mtimeMs)
    )
      continue;
    try {
      execFileSync('cc', ['-O2', '-Wall', '-o', bin, src, ...flags], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (e) {
      const msg = (e as { stderr?: Buffer }).stderr?.toString().trim() ?? String(e);
      throw new Error(
        `could not compile bench/c/${prog}.c (needs cc and librdkafka-dev: apt-get install build-essential librdkafka-dev): ${msg.split('\n').slice(0, 3).join(' ')}`,
        { cause: e },
      );
    }
  }
  return out;
}

/** The librdkafka.so that `cc -lrdkafka` links, so FFI cases load the very same file. */
export function systemLibrary(): string {
  const p = execFileSync('cc', ['-print-file-name=librdkafka.so'], { encoding: 'utf8' }).trim();
  if (!p.includes('/'))
    throw new Error('the C compiler does not find librdkafka.so (apt-get install librdkafka-dev)');
  return realpathSync(p);
}
