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

/** Whether a version's bindings were made by this workbench's generator and are all there. */
export function bindingsCurrent(m: Manifest, cache = cacheRoot()): boolean {
  const b = versionPaths(m.version, cache).bindings;
  return (
    m.bindings.stamp === GENERATOR_STAMP &&
    ['bindings.js', 'model.json', 'rdkafka.d.ts'].every((f) => existsSync(join(b, f)))
  );
}
