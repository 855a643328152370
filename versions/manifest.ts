// manifest.json of an installed version: where it came from, what was built in and what was left out,
// and which generator made its bindings. Written last and by rename: a version folder without a
// readable manifest is not an installed version (an interrupted `lib add` left it; the next one clears it).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, versionPaths } from './paths.ts';
import { GENERATOR_STAMP } from './stamp.ts';

export type SourceKind = 'release' | 'url' | 'tarball' | 'folder' | 'npm' | 'prefix';

export interface SourceRecord {
  kind: SourceKind;
  /** What the user passed, made absolute where it is a path (`npm:node-rdkafka@3.6.1`, `/src/librdkafka`). */
  spec: string;
  /** Identity of an immutable source, for answering a repeated `lib add` without fetching it again. */
  key?: string;
}

export interface LeftOutFeature {
  name: string;
  /** librdkafka's own reason ("libzstd not available at build time"), when it gives one. */
  reason?: string;
  /** The Debian package that brings it, when one does. */
  package?: string;
}

export interface Manifest {
  manifest: 1;
  version: string;
  versionInt: number;
  source: SourceRecord;
  /** ISO time the version was installed. */
  builtAt: string;
  /** Milliseconds per step of the `lib add` that installed it. */
  durations: Record<string, number>;
  features: { builtIn: string[]; leftOut: LeftOutFeature[] };
  functions: { declared: number; exported: number; mock: number };
  /** `cc --version`'s first line, for a build from source. */
  compiler?: string;
  /** ./configure arguments given to `lib add` (none: librdkafka's defaults). */
  configureArgs?: string[];
  /** Headers and docs kept from the source (names relative to include/ and the version folder). */
  files: { headers: string[]; docs: string[] };
  bindings: { stamp: string; generatedAt: string };
}

/** The manifest in `path`, or null when there is none or it is not one (a half-written or foreign file). */
export function readManifest(path: string): Manifest | null {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  const m = data as Partial<Manifest> | null;
  if (
    !m ||
    m.manifest !== 1 ||
    typeof m.version !== 'string' ||
    typeof m.versionInt !== 'number' ||
    typeof m.source?.kind !== 'string' ||
    typeof m.source.spec !== 'string' ||
    !Array.isArray(m.features?.builtIn) ||
    !Array.isArray(m.features.leftOut) ||
    typeof m.bindings?.stamp !== 'string'
  )
    return null;
  return m as Manifest;
}

/** Written beside, then renamed over: a reader sees the old manifest or the new one, never half. */
export function writeManifest(path: string, m: Manifest): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(m, null, 2) + '\n');
  renameSync(tmp, path);
}

/** Where bindings of other generators than the installing one live, one folder per generator stamp. */
export const OTHER_GENERATORS = 'bindings-by-generator';

/**
 * The bindings folder this workbench's generator uses for an installed version: bindings/ when this
 * generator installed it, else bindings-by-generator/STAMP/. Several checkouts or releases of the workbench
 * can share one cache this way, each with bindings of its own, none regenerating another's.
 */
export function bindingsDirFor(m: Manifest, cache = cacheRoot()): string {
  const paths = versionPaths(m.version, cache);
  return m.bindings.stamp === GENERATOR_STAMP
    ? paths.bindings
    : join(paths.dir, OTHER_GENERATORS, GENERATOR_STAMP);
}

/** Whether this workbench's generator has made a version's bindings (all their files are there). */
export function bindingsCurrent(m: Manifest, cache = cacheRoot()): boolean {
  const b = bindingsDirFor(m, cache);
  return ['bindings.js', 'model.json', 'rdkafka.d.ts'].every((f) => existsSync(join(b, f)));
}
