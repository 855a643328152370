// `lib remove VERSION`: the version's folder goes, under its lock (renamed aside first, so that a reader
// never sees half of it). A kernel that has it loaded keeps running: its mapped files stay until it exits.
import { join } from 'node:path';
import { renameSync, rmSync } from 'node:fs';
import { LibraryError } from './errors.ts';
import { acquire } from './lock.ts';
import { readManifest } from './manifest.ts';
import { cacheRoot, versionPaths, versionsRoot } from './paths.ts';
import { installedSummary, isSystem, normalizeVersion } from './resolve.ts';
import { systemLibrary } from './list.ts';

export async function removeVersion(
  spec: string,
  o: { cache?: string } = {},
): Promise<{ version: string; dir: string }> {
  const cache = o.cache ?? cacheRoot();
  if (isSystem(spec))
    throw new LibraryError(
      "the system librdkafka is the operating system's, not the workbench's: remove it with your package manager (apt-get remove librdkafka-dev)",
      'usage',
    );
  const version = normalizeVersion(spec);
  const paths = versionPaths(version, cache);
  const lock = await acquire(join(versionsRoot(cache), `.${version}.lock`));
  try {
    if (!readManifest(paths.manifest)) {
      const sys = systemLibrary();
      throw new LibraryError(
        sys?.version === version
          ? `librdkafka ${version} is the system's, which the workbench did not install: remove it with your package manager`
          : `librdkafka ${version} is not installed (installed: ${installedSummary(cache)})`,
        'not-installed',
      );
    }
    const aside = join(versionsRoot(cache), `.removing-${version}-${process.pid}`);
    renameSync(paths.dir, aside);
    rmSync(aside, { recursive: true, force: true });
    return { version, dir: paths.dir };
  } finally {
    lock.release();
  }
}
