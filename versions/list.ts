// What is installed: every version in the cache (a folder with a readable manifest) and the system's
// librdkafka, discovered as the generator discovers it (pkg-config, the usual include folders).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { discoverHeader, discoverLibrary } from '../gen/discover.ts';
import { bindingsCurrent, readManifest, type Manifest } from './manifest.ts';
import { cacheRoot, versionPaths, versionsRoot, type VersionPaths } from './paths.ts';
import { compareVersions, headerVersion } from './version.ts';

export interface InstalledVersion {
  version: string;
  paths: VersionPaths;
  manifest: Manifest;
  /** Made by this workbench's generator (else the next use or `lib add VERSION` regenerates them). */
  bindingsCurrent: boolean;
}

/** Version folders of the cache, oldest version first; `incomplete` are those an interrupted add left. */
export function listInstalled(cache = cacheRoot()): { versions: InstalledVersion[]; incomplete: string[] } {
  let names: string[];
  try {
    names = readdirSync(versionsRoot(cache), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name);
  } catch {
    return { versions: [], incomplete: [] };
  }
  const versions: InstalledVersion[] = [];
  const incomplete: string[] = [];
  for (const name of names.sort(compareVersions)) {
    const paths = versionPaths(name, cache);
    const manifest = readManifest(paths.manifest);
    if (!manifest || manifest.version !== name || !existsSync(paths.library)) {
      incomplete.push(name);
      continue;
    }
    versions.push({ version: name, paths, manifest, bindingsCurrent: bindingsCurrent(manifest, cache) });
  }
  return { versions, incomplete };
}

export interface SystemLibrary {
  /** The system header's RD_KAFKA_VERSION (2.0.2 on Debian 12). */
  version: string;
  header: string;
  include: string;
  /** The library matching the header, or null when only the header is installed. */
  library: string | null;
  docs: { statistics?: string; configuration?: string };
}

/** The operating system's librdkafka, or null when no rdkafka.h is installed. */
export function systemLibrary(): SystemLibrary | null {
  const header = discoverHeader();
  if (!header) return null;
  let text: string;
  try {
    text = readFileSync(header, 'utf8');
  } catch {
    return null;
  }
  const v = headerVersion(text);
  if (!v) return null;
  const docs: SystemLibrary['docs'] = {};
  // Debian ships librdkafka's docs gzipped with the -dev package (read them with readDoc()).
  for (const dir of [
    '/usr/share/doc/librdkafka-dev',
    '/usr/share/doc/librdkafka1',
    '/usr/local/share/doc/librdkafka',
  ]) {
    for (const [key, name] of [
      ['statistics', 'STATISTICS.md'],
      ['configuration', 'CONFIGURATION.md'],
    ] as const) {
      if (docs[key]) continue;
      if (existsSync(join(dir, name))) docs[key] = join(dir, name);
      else if (existsSync(join(dir, `${name}.gz`))) docs[key] = join(dir, `${name}.gz`);
    }
  }
  return {
    version: v.version,
    header,
    include: dirname(header),
    library: discoverLibrary(header) ?? null,
    docs,
  };
}
