// `lib add`: a source in, an installed version out. The order is what makes it safe:
// answered from the manifests when already installed (no fetch, well under a second); the source fetched
// and read; the version's lock taken (a second `lib add` of it waits, then finds it installed); built in a
// temporary folder; staged beside the cache entry and renamed into place; bindings generated there; the
// manifest written last. Any failure removes what this run put down and leaves the previous state.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { generate, GenError, type Report } from '../gen/generate.ts';
import { buildFromSource, checkTools, type BuildProgress } from './build.ts';
import { LibraryError } from './errors.ts';
import { probeFeatures } from './features.ts';
import { acquire } from './lock.ts';
import { bindingsCurrent, readManifest, writeManifest, type Manifest } from './manifest.ts';
import { cacheRoot, LAYOUT, logsRoot, pathsIn, versionPaths, versionsRoot } from './paths.ts';
import { parseSource, prepareSource, sourceKey, sourceRecord, type Prepared, type Source } from './source.ts';
import { GENERATOR_STAMP } from './stamp.ts';
import { closeLog, openLog } from './tools.ts';

export interface AddProgress {
  step: 'source' | 'wait' | BuildProgress['step'] | 'bindings' | 'install';
  message: string;
  /** Within the compile step: files started so far, of `total`. */
  done?: number;
  total?: number;
}

export interface AddOptions {
  /** Cache folder (default: RDKAFKA_WORKBENCH_CACHE, else ~/.cache/rdkafka-workbench). */
  cache?: string;
  /** For relative paths in the source. */
  cwd?: string;
  /** URL template for a bare version ({version} is replaced). */
  urlTemplate?: string;
  /** Build and replace an installed version. */
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: AddProgress) => void;
  /** Environment of the build (PATH, CC, CFLAGS). */
  env?: NodeJS.ProcessEnv;
  jobs?: number;
  /** Extra ./configure arguments for a build from source (recorded in the manifest). */
  configureArgs?: string[];
}

export interface AddResult {
  version: string;
  dir: string;
  manifest: Manifest;
  /** It was installed before this call: nothing was built. */
  already: boolean;
  /** Another `lib add` of the same version finished it while this one waited. */
  byOther?: boolean;
  elapsedMs: number;
}

/** Installed versions whose manifest says they came from this immutable source (or are this release). */
function installedFor(source: Source, cache: string): Manifest | null {
  if (source.kind === 'release') return readManifest(versionPaths(source.version, cache).manifest);
  const key = sourceKey(source);
  if (!key) return null;
  let names: string[];
  try {
    names = readdirSync(versionsRoot(cache)).filter((n) => !n.startsWith('.'));
  } catch {
    return null;
  }
  for (const n of names) {
    const m = readManifest(versionPaths(n, cache).manifest);
    if (m?.source.key === key) return m;
  }
  return null;
}

export async function addVersion(input: string, o: AddOptions = {}): Promise<AddResult> {
  const started = performance.now();
  const cache = o.cache ?? cacheRoot();
  const progress = (step: AddProgress['step'], message: string, extra: Partial<AddProgress> = {}) =>
    o.onProgress?.({ step, message, ...extra });
  const source = parseSource(input, { cwd: o.cwd, urlTemplate: o.urlTemplate });
  // Installed already: only bindings made by another generator are brought up to date (about a second).
  const done = async (m: Manifest, byOther = false): Promise<AddResult> => {
    const manifest = bindingsCurrent(m, cache)
      ? m
      : await refreshBindings(m.version, { cache, onProgress: (msg) => progress('bindings', msg) });
    return {
      version: m.version,
      dir: versionPaths(m.version, cache).dir,
      manifest,
      already: true,
      ...(byOther ? { byOther } : {}),
      elapsedMs: performance.now() - started,
    };
  };
  if (!o.force) {
    const hit = installedFor(source, cache);
    if (hit) return done(hit);
  }
  const prepared = await prepareSource(source, {
    cache,
    signal: o.signal,
    onProgress: (m) => progress('source', m),
  });
  try {
    const manifestPath = versionPaths(prepared.version, cache).manifest;
    if (!o.force) {
      const m = readManifest(manifestPath);
      if (m) return done(m);
    }
    // Missing tools are said before anything is locked or written.
    if (prepared.source.kind !== 'prefix') checkTools(prepared.root, o.env);
    mkdirSync(versionsRoot(cache), { recursive: true });
    const lock = await acquire(
      join(versionsRoot(cache), `.${prepared.version}.lock`),
      (holder) =>
        progress('wait', `waiting for another lib add of librdkafka ${prepared.version} (${holder})`),
      o.signal,
    );
    try {
      if (!o.force) {
        const m = readManifest(manifestPath);
        if (m) {
          lock.release(); // refreshBindings takes it again
          return await done(m, true);
        }
      }
      const manifest = await install(prepared, cache, o, progress, started);
      return {
        version: manifest.version,
        dir: versionPaths(manifest.version, cache).dir,
        manifest,
        already: false,
        elapsedMs: performance.now() - started,
      };
    } finally {
      lock.release();
    }
  } finally {
    if (prepared.temp) rmSync(prepared.temp, { recursive: true, force: true });
  }
}

type Progress = (step: AddProgress['step'], message: string, extra?: Partial<AddProgress>) => void;

/** Under the version's lock: build (or copy), stage, swap in, generate bindings, write the manifest. */
async function install(
  p: Prepared,
  cache: string,
  o: AddOptions,
  progress: Progress,
  started: number,
): Promise<Manifest> {
  const root = versionsRoot(cache);
  const final = versionPaths(p.version, cache);
  clearLeftovers(root, p.version);
  mkdirSync(logsRoot(cache), { recursive: true });
  const logPath = join(
    logsRoot(cache),
    `lib-add-${p.version}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`,
  );
  const staging = join(root, `.staging-${p.version}-${process.pid}`);
  const old = join(root, `.old-${p.version}-${process.pid}`);
  const durations: Record<string, number> = { fetch: Math.round(p.fetchMs) };
  let swapped = false;
  let hadOld = false;
  let buildTemp: string | null = null;
  let compiler: string | null = null;
  try {
    const staged = pathsIn(staging);
    mkdirSync(dirname(staged.library), { recursive: true });
    mkdirSync(staged.include, { recursive: true });
    let headerDir: string;
    let docDirs: string[];
    if (p.source.kind === 'prefix') {
      progress('install', `copying librdkafka ${p.version} from ${p.root}`);
      copyFileSync(p.source.library, staged.library);
      headerDir = dirname(p.source.header);
      docDirs = [
        p.root,
        join(p.root, 'share', 'doc', 'librdkafka'),
        join(p.root, 'share', 'doc', 'librdkafka-dev'),
      ];
      writeFileSync(staged.buildLog, `copied from the installed librdkafka in ${p.root}\n`);
    } else {
      const log = openLog(logPath);
      try {
        const built = await buildFromSource(p, {
          log,
          logPath,
          ...(o.env ? { env: o.env } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
          ...(o.jobs ? { jobs: o.jobs } : {}),
          ...(o.configureArgs?.length ? { configureArgs: o.configureArgs } : {}),
          onProgress: (b) =>
            progress(b.step, b.message, b.total !== undefined ? { done: b.done, total: b.total } : {}),
        });
        buildTemp = built.temp;
        compiler = built.compiler;
        durations.configure = Math.round(built.configureMs);
        durations.compile = Math.round(built.compileMs);
        copyFileSync(join(built.src, 'librdkafka.so.1'), staged.library);
        headerDir = built.src;
        docDirs = [built.root];
      } finally {
        await closeLog(log);
      }
      copyFileSync(logPath, staged.buildLog);
    }
    symlinkSync('librdkafka.so.1', join(dirname(staged.library), 'librdkafka.so'));
    const headers = LAYOUT.headers.filter((h) => existsSync(join(headerDir, h)));
    for (const h of headers) copyFileSync(join(headerDir, h), join(staged.include, h));
    const docs = LAYOUT.docs.filter((d) => copyDoc(docDirs, d, join(staging, d)));

    progress('install', `installing librdkafka ${p.version} into ${final.dir}`);
    if (existsSync(final.dir)) {
      renameSync(final.dir, old);
      hadOld = true;
    }
    renameSync(staging, final.dir);
    swapped = true;

    progress('bindings', `generating the bindings of librdkafka ${p.version}`);
    const t = performance.now();
    const report = await bindingsFor(final.dir, p.version, (m) => progress('bindings', m));
    durations.bindings = Math.round(performance.now() - t);
    const configurationMd = existsSync(final.configuration)
      ? readFileSync(final.configuration, 'utf8')
      : null;
    const features = probeFeatures(final.library, configurationMd);
    durations.total = Math.round(performance.now() - started);
    const manifest: Manifest = {
      manifest: 1,
      version: p.version,
      versionInt: p.versionInt,
      source: sourceRecord(p.source),
      builtAt: new Date().toISOString(),
      durations,
      features,
      functions: functionCounts(report),
      ...(compiler ? { compiler } : {}),
      ...(o.configureArgs?.length && p.source.kind !== 'prefix' ? { configureArgs: o.configureArgs } : {}),
      files: { headers, docs },
      bindings: { stamp: GENERATOR_STAMP, generatedAt: new Date().toISOString() },
    };
    writeManifest(final.manifest, manifest);
    if (hadOld) rmSync(old, { recursive: true, force: true });
    rmSync(logPath, { force: true }); // kept as build.log
    return manifest;
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    if (swapped) rmSync(final.dir, { recursive: true, force: true });
    if (hadOld) renameSync(old, final.dir);
    if (e instanceof LibraryError) throw e;
    const msg = (e as Error).message.split('\n')[0];
    if (e instanceof GenError)
      throw new LibraryError(
        `generating the bindings of librdkafka ${p.version} failed (${msg}); nothing was installed`,
        'bindings',
      );
    throw new LibraryError(
      `installing librdkafka ${p.version} into ${final.dir} failed (${msg}); nothing was installed: check that the cache folder is writable`,
      'install',
    );
  } finally {
    if (buildTemp) rmSync(buildTemp, { recursive: true, force: true });
  }
}

/** Under the lock nobody else works on this version: what an interrupted run left is removed. */
function clearLeftovers(root: string, version: string): void {
  for (const n of readdirSync(root))
    if (n.startsWith(`.staging-${version}-`) || n.startsWith(`.removing-${version}-`))
      rmSync(join(root, n), { recursive: true, force: true });
  const dir = join(root, version);
  if (existsSync(dir) && !readManifest(join(dir, LAYOUT.manifest)))
    rmSync(dir, { recursive: true, force: true });
}

/** The first of `dirs` holding `name` (or `name`.gz, as Debian ships them) is copied to `dest`. */
function copyDoc(dirs: string[], name: string, dest: string): boolean {
  for (const d of dirs) {
    if (existsSync(join(d, name))) {
      copyFileSync(join(d, name), dest);
      return true;
    }
    if (existsSync(join(d, `${name}.gz`))) {
      writeFileSync(dest, gunzipSync(readFileSync(join(d, `${name}.gz`))));
      return true;
    }
  }
  return false;
}

/** Generates `dir`/bindings from the version's own headers and library (gen swaps the folder atomically). */
export function bindingsFor(
  dir: string,
  version: string,
  onProgress: (message: string) => void,
): Promise<Report> {
  const paths = pathsIn(dir);
  return generate({ header: paths.header, library: paths.library, out: paths.bindings }, (g) => {
    if (g.stage !== 'done') onProgress(`bindings of librdkafka ${version}: ${g.message}`);
  });
}

function functionCounts(r: Report): Manifest['functions'] {
  const declared = r.counts.functions;
  const mockDeclared = r.counts.functionsByFile['rdkafka_mock.h'] ?? 0;
  const missing = new Set(r.missing);
  return {
    declared,
    exported: declared - missing.size,
    mock: Math.max(0, mockDeclared - r.missing.filter((n) => n.startsWith('rd_kafka_mock_')).length),
  };
}

/** Regenerates the bindings of an installed version made by another generator (under its lock). */
export async function refreshBindings(
  version: string,
  o: { cache?: string; onProgress?: (m: string) => void } = {},
): Promise<Manifest> {
  const cache = o.cache ?? cacheRoot();
  const paths = versionPaths(version, cache);
  const lock = await acquire(join(versionsRoot(cache), `.${version}.lock`), (holder) =>
    o.onProgress?.(`waiting for another lib add of librdkafka ${version} (${holder})`),
  );
  try {
    const m = readManifest(paths.manifest);
    if (!m)
      throw new LibraryError(
        `librdkafka ${version} is not installed: add it with \`rdkafka-workbench lib add ${version}\``,
        'not-installed',
      );
    if (bindingsCurrent(m, cache)) return m;
    try {
      await bindingsFor(paths.dir, version, (msg) => o.onProgress?.(msg));
    } catch (e) {
      throw new LibraryError(
        `regenerating the bindings of librdkafka ${version} failed (${(e as Error).message.split('\n')[0]}); its previous bindings are kept: reinstall it with \`rdkafka-workbench lib add --force ${version}\``,
        'bindings',
      );
    }
    const next: Manifest = {
      ...m,
      bindings: { stamp: GENERATOR_STAMP, generatedAt: new Date().toISOString() },
    };
    writeManifest(paths.manifest, next);
    return next;
  } finally {
    lock.release();
  }
}
