// The one function other rooms use to turn a librdkafka version (as a notebook's metadata, `--librdkafka`
// or a picker names it) into what a kernel, the tracer or a benchmark loads: library, bindings folder,
// headers, docs. "system" (or nothing, or the system's own version number) is the operating system's.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../gen/generate.ts';
import { LibraryError } from './errors.ts';
import { refreshBindings } from './install.ts';
import { listInstalled, systemLibrary } from './list.ts';
import { bindingsCurrent, readManifest, type Manifest } from './manifest.ts';
import { cacheRoot, versionPaths } from './paths.ts';

export interface ResolvedLibrary {
  /** The version as RD_KAFKA_VERSION spells it (the system's too, e.g. 2.0.2). */
  version: string;
  /** How tables, pickers and messages name it: "2.15.1", or "2.0.2 (system)". */
  label: string;
  system: boolean;
  /** librdkafka.so.1 to load. */
  library: string;
  /** The generator's output folder for this version (bindings.js, model.json, rdkafka.d.ts). */
  bindingsDir: string;
  /** Folder holding rdkafka.h, rdkafka_mock.h and, when the source had it, rdkafka_protocol.h. */
  include: string;
  header: string;
  /** librdkafka's STATISTICS.md and CONFIGURATION.md when known (a `.gz` for the system: read with readDoc). */
  docs: { statistics?: string; configuration?: string };
  /** The installed version's manifest (null for the system library). */
  manifest: Manifest | null;
}

export interface ResolveOptions {
  cache?: string;
  /** Bindings of the system library; default `.rdkafka/bindings` in `cwd`, the folder `run` uses. */
  systemBindings?: string;
  cwd?: string;
  onProgress?: (message: string) => void;
}

/** Absent, empty or "system": the operating system's librdkafka. */
export function isSystem(spec: string | null | undefined): boolean {
  return spec === undefined || spec === null || spec.trim() === '' || spec.trim().toLowerCase() === 'system';
}

/** `v2.15.1` → `2.15.1`. */
export function normalizeVersion(spec: string): string {
  return spec.trim().replace(/^v(?=\d)/, '');
}

/** "2.12.0, 2.15.1 and the system's 2.0.2": what is there, for messages. */
export function installedSummary(cache = cacheRoot()): string {
  const names = listInstalled(cache).versions.map((v) => v.version);
  const sys = systemLibrary();
  const parts = [...names, ...(sys?.library ? [`the system's ${sys.version}`] : [])];
  if (!parts.length) return 'none';
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/**
 * Finds a version without generating anything (fast, synchronous). Throws a LibraryError whose message
 * names `lib add` when the version is not installed.
 */
export function findLibrary(spec: string | null | undefined, o: ResolveOptions = {}): ResolvedLibrary {
  const cache = o.cache ?? cacheRoot();
  const systemBindings = o.systemBindings ?? join(o.cwd ?? process.cwd(), '.rdkafka', 'bindings');
  const want = isSystem(spec) ? 'system' : normalizeVersion(spec!);
  if (want !== 'system') {
    const paths = versionPaths(want, cache);
    const manifest = readManifest(paths.manifest);
    if (manifest && existsSync(paths.library))
      return {
        version: manifest.version,
        label: manifest.version,
        system: false,
        library: paths.library,
        bindingsDir: paths.bindings,
        include: paths.include,
        header: paths.header,
        docs: {
          ...(existsSync(paths.statistics) ? { statistics: paths.statistics } : {}),
          ...(existsSync(paths.configuration) ? { configuration: paths.configuration } : {}),
        },
        manifest,
      };
  }
  const sys = systemLibrary();
  if (want === 'system' || sys?.version === want) {
    if (!sys)
      throw new LibraryError(
        `no system librdkafka was found (pkg-config rdkafka, /usr/include/librdkafka, /usr/local/include/librdkafka): install librdkafka-dev (apt-get install librdkafka-dev), or pick an installed version (installed: ${installedSummary(cache)})`,
        'not-installed',
      );
    if (!sys.library)
      throw new LibraryError(
        `the system's rdkafka.h (librdkafka ${sys.version}, ${sys.header}) has no librdkafka.so.1 beside it: install librdkafka1 (apt-get install librdkafka1), or pick an installed version`,
        'not-installed',
      );
    return {
      version: sys.version,
      label: `${sys.version} (system)`,
      system: true,
      library: sys.library,
      bindingsDir: systemBindings,
      include: sys.include,
      header: sys.header,
      docs: sys.docs,
      manifest: null,
    };
  }
  throw new LibraryError(
    `librdkafka ${want} is not installed: add it with \`rdkafka-workbench lib add ${want}\` (or lib add a source .tar.gz, a source folder or npm:PACKAGE@VERSION), or pick an installed one (${installedSummary(cache)})`,
    'not-installed',
  );
}

/**
 * findLibrary, then makes sure the bindings are there and made by this workbench's generator
 * (regenerating an installed version's, generating the system's when its folder has none).
 */
export async function resolveLibrary(
  spec: string | null | undefined,
  o: ResolveOptions = {},
): Promise<ResolvedLibrary> {
  const r = findLibrary(spec, o);
  const cache = o.cache ?? cacheRoot();
  if (r.manifest && !bindingsCurrent(r.manifest, cache)) {
    const manifest = await refreshBindings(r.version, {
      cache,
      ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    });
    return { ...r, manifest };
  }
  if (r.system && !existsSync(join(r.bindingsDir, 'bindings.js'))) {
    o.onProgress?.(`generating the bindings of the system librdkafka ${r.version} into ${r.bindingsDir}`);
    try {
      await generate({ header: r.header, library: r.library, out: r.bindingsDir }, (g) => {
        if (g.stage !== 'done') o.onProgress?.(g.message);
      });
    } catch (e) {
      throw new LibraryError(
        `generating the bindings of the system librdkafka into ${r.bindingsDir} failed (${(e as Error).message.split('\n')[0]}): check that the folder is writable`,
        'bindings',
      );
    }
  }
  return r;
}
