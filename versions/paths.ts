// Where installed librdkafka versions live (the layout contract in TEAM.md, owned by this room):
// ${RDKAFKA_WORKBENCH_CACHE:-${XDG_CACHE_HOME:-~/.cache}/rdkafka-workbench}/librdkafka/VERSION/ holding
// lib/librdkafka.so.1, include/{rdkafka.h,rdkafka_mock.h,rdkafka_protocol.h}, bindings/, STATISTICS.md,
// CONFIGURATION.md, manifest.json. Everything here is plain path arithmetic: no file is touched.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The workbench's cache folder (the same rule as scripts/lib.sh). */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.RDKAFKA_WORKBENCH_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rdkafka-workbench')
  );
}

/** Folder of every installed version. Entries starting with "." are work in progress, never versions. */
export function versionsRoot(cache = cacheRoot()): string {
  return join(cache, 'librdkafka');
}

/** Files of one installed version, relative to its folder. */
export const LAYOUT = {
  library: join('lib', 'librdkafka.so.1'),
  include: 'include',
  headers: ['rdkafka.h', 'rdkafka_mock.h', 'rdkafka_protocol.h'],
  bindings: 'bindings',
  docs: ['STATISTICS.md', 'CONFIGURATION.md'],
  manifest: 'manifest.json',
  buildLog: 'build.log',
} as const;

export interface VersionPaths {
  dir: string;
  library: string;
  include: string;
  header: string;
  bindings: string;
  manifest: string;
  statistics: string;
  configuration: string;
  buildLog: string;
}

export function versionPaths(version: string, cache = cacheRoot()): VersionPaths {
  return pathsIn(join(versionsRoot(cache), version));
}

export function pathsIn(dir: string): VersionPaths {
  return {
    dir,
    library: join(dir, LAYOUT.library),
    include: join(dir, LAYOUT.include),
    header: join(dir, LAYOUT.include, 'rdkafka.h'),
    bindings: join(dir, LAYOUT.bindings),
    manifest: join(dir, LAYOUT.manifest),
    statistics: join(dir, 'STATISTICS.md'),
    configuration: join(dir, 'CONFIGURATION.md'),
    buildLog: join(dir, LAYOUT.buildLog),
  };
}

/** Downloaded sources kept for the next `lib add` of the same immutable source (npm pack output, URLs). */
export function sourcesRoot(cache = cacheRoot()): string {
  return join(cache, 'sources');
}

/** Logs of failed builds (a successful build keeps its log as VERSION/build.log). */
export function logsRoot(cache = cacheRoot()): string {
  return join(cache, 'logs');
}

/** A version name as a folder name: what RD_KAFKA_VERSION spells (2.15.1, 2.16.0-pre1). */
export const VERSION_NAME = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.]+)?$/;
