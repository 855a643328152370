// `--librdkafka VERSION`: the C reference programs, koffi, cffi and the kernel all run against a librdkafka the
// library manager built into the cache (TEAM.md's contract: CACHE/librdkafka/VERSION/{lib/librdkafka.so.1,
// include/rdkafka.h, bindings/}), so a user can see whether a version changed the speed. The mock cluster
// stays on the system library: the broker side is the same for every version compared.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../extension/kernel/bulk.ts';

export interface Librdkafka {
  version: string;
  library: string;
  /** Folder holding rdkafka.h. */
  include: string;
  bindingsDir: string;
}

/** The installed versions, newest first by name (for the error message). */
export function installedVersions(root = join(cacheDir(), 'librdkafka')): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'lib', 'librdkafka.so.1')))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
}

/** Resolves an installed version, or throws one sentence naming what is missing and how to get it. */
export function resolveLibrdkafka(version: string, root = join(cacheDir(), 'librdkafka')): Librdkafka {
  const dir = join(root, version);
  const v: Librdkafka = {
    version,
    library: join(dir, 'lib', 'librdkafka.so.1'),
    include: join(dir, 'include'),
    bindingsDir: join(dir, 'bindings'),
  };
  const have = installedVersions(root);
  const hint = `install it with the library manager (\`rdkafka-workbench lib\`)${have.length ? ` (installed: ${have.join(', ')})` : ' (none installed)'}`;
  if (!existsSync(v.library)) throw new Error(`librdkafka ${version} is not installed in ${root}: ${hint}`);
  if (!existsSync(join(v.include, 'rdkafka.h')))
    throw new Error(`librdkafka ${version} in ${dir} has no include/rdkafka.h: reinstall it (${hint})`);
  if (!existsSync(join(v.bindingsDir, 'bindings.js')))
    throw new Error(
      `librdkafka ${version} in ${dir} has no bindings: generate them with \`rdkafka-workbench gen --header ${join(v.include, 'rdkafka.h')} --lib ${v.library} --out ${v.bindingsDir}\``,
    );
  return v;
}
