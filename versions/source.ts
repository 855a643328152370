// Getting a librdkafka source: a release version (downloaded through a URL template), a URL, a local
// tarball, a folder (a git checkout or an unpacked tarball), an npm package that bundles librdkafka's
// source under deps/librdkafka (fetched with `npm pack`), or an installed librdkafka (a prefix holding
// lib/librdkafka.so.1 and its headers). Every failure is a LibraryError naming the source and the fix.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  type Dirent,
  copyFileSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { LibraryError } from './errors.ts';
import type { SourceRecord } from './manifest.ts';
import { sourcesRoot, VERSION_NAME } from './paths.ts';
import { headerVersion } from './version.ts';

/** Where `lib add VERSION` downloads from; {version} is replaced (RDKAFKA_WORKBENCH_SOURCE_URL or --url for mirrors). */
export const DEFAULT_URL_TEMPLATE =
  'https://github.com/confluentinc/librdkafka/archive/refs/tags/v{version}.tar.gz';

/**
 * How long a download may wait for a connection to the host (a machine without internet whose packets are
 * dropped answers nothing: it is told within seconds), then for an answer, then for each next chunk.
 */
export const REACH_TIMEOUT_MS = 4_000;
export const CONNECT_TIMEOUT_MS = 10_000;
export const STALL_TIMEOUT_MS = 30_000;

export type Source =
  | { kind: 'release'; spec: string; version: string; url: string }
  | { kind: 'url'; spec: string; url: string }
  | { kind: 'tarball'; spec: string; path: string }
  | { kind: 'folder'; spec: string; path: string }
  | { kind: 'prefix'; spec: string; path: string; library: string; header: string }
  | { kind: 'npm'; spec: string; pkg: string };

const SOURCE_KINDS =
  'a version (2.15.1), a source .tar.gz, a source folder, or npm:PACKAGE@VERSION (node-rdkafka@3.6.1 bundles 2.12.0, @confluentinc/kafka-javascript@1.10.1 bundles 2.15.1)';

const isTarball = (p: string) => /\.(tar\.gz|tgz|tar|tar\.xz|tar\.bz2|tar\.zst)$/i.test(p);

/** What the user typed, understood. Throws a LibraryError for something that is none of the kinds. */
export function parseSource(input: string, o: { cwd?: string; urlTemplate?: string } = {}): Source {
  const spec = input.trim();
  if (!spec) throw new LibraryError(`which librdkafka? pass ${SOURCE_KINDS}`, 'usage');
  if (spec.startsWith('npm:')) {
    const pkg = spec.slice(4).trim();
    if (!pkg || (pkg.startsWith('@') && !pkg.includes('/')))
      throw new LibraryError(
        `${spec} names no npm package: write npm:PACKAGE@VERSION, e.g. npm:node-rdkafka@3.6.1`,
        'usage',
      );
    return { kind: 'npm', spec: `npm:${pkg}`, pkg };
  }
  if (/^https?:\/\//i.test(spec)) return { kind: 'url', spec, url: spec };
  const bare = spec.replace(/^v(?=\d)/, '');
  const path = resolve(o.cwd ?? process.cwd(), spec);
  if (VERSION_NAME.test(bare) && !existsSync(path)) {
    const template = o.urlTemplate || process.env.RDKAFKA_WORKBENCH_SOURCE_URL || DEFAULT_URL_TEMPLATE;
    if (!template.includes('{version}'))
      throw new LibraryError(
        `the URL template ${template} has no {version} in it: write it like ${DEFAULT_URL_TEMPLATE}`,
        'usage',
      );
    return { kind: 'release', spec: bare, version: bare, url: template.replaceAll('{version}', bare) };
  }
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new LibraryError(
      `${spec} does not exist, and it is not a version or npm:PACKAGE@VERSION: pass ${SOURCE_KINDS}`,
      'source',
    );
  }
  if (st.isDirectory()) {
    const installed = prefixFiles(path);
    if (installed && !findSourceRoot(path)) return { kind: 'prefix', spec: path, path, ...installed };
    return { kind: 'folder', spec: path, path };
  }
  if (isTarball(path)) return { kind: 'tarball', spec: path, path };
  throw new LibraryError(
    `${spec} is a file but not a source tarball (.tar.gz): pass ${SOURCE_KINDS}`,
    'source',
  );
}

/** An exact npm version (not a tag or a range): its tarball never changes, so it may be reused. */
function npmExact(pkg: string): boolean {
  return /^(@[^/]+\/)?[^@]+@\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/.test(pkg);
}

/**
 * Identity of a source whose content cannot change under the same name, so that a repeated `lib add`
 * answers from the manifests without fetching. Folders and mutable npm tags have none.
 */
export function sourceKey(s: Source): string | undefined {
  switch (s.kind) {
    case 'npm':
      return npmExact(s.pkg) ? `npm:${s.pkg}` : undefined;
    case 'url':
    case 'release':
      return `url:${s.url}`;
    case 'tarball': {
      const st = statSync(s.path);
      return `tarball:${s.path}:${st.size}:${Math.round(st.mtimeMs)}`;
    }
    default:
      return undefined;
  }
}

export function sourceRecord(s: Source): SourceRecord {
  const key = sourceKey(s);
  return { kind: s.kind, spec: s.spec, ...(key ? { key } : {}) };
}

/**
 * The librdkafka source tree (configure + src/rdkafka.h) in `dir`: the folder itself, an npm package's
 * deps/librdkafka, or the one folder an unpacked release holds (librdkafka-2.15.1/, package/). Only these
 * places are looked at, so that a wrong folder (a home directory) is answered at once.
 */
export function findSourceRoot(dir: string): string | null {
  const isRoot = (p: string) => existsSync(join(p, 'configure')) && existsSync(join(p, 'src', 'rdkafka.h'));
  const within = (p: string) => [p, join(p, 'deps', 'librdkafka')];
  const candidates = within(dir);
  let children: Dirent[] = [];
  try {
    children = readdirSync(dir, { withFileTypes: true }).filter(
      (e) => e.isDirectory() && !e.name.startsWith('.'),
    );
  } catch {
    /* not readable: no candidates below */
  }
  if (children.length <= 3) for (const c of children) candidates.push(...within(join(dir, c.name)));
  return candidates.find(isRoot) ?? null;
}

/** lib/librdkafka.so.1 and rdkafka.h of an installed librdkafka under `dir` (a `make install` prefix, a cache entry). */
export function prefixFiles(dir: string): { library: string; header: string } | null {
  const libs = ['lib', 'lib64', 'lib/x86_64-linux-gnu', 'lib/aarch64-linux-gnu'].map((l) =>
    join(dir, l, 'librdkafka.so.1'),
  );
  const headers = [join(dir, 'include', 'librdkafka', 'rdkafka.h'), join(dir, 'include', 'rdkafka.h')];
  const library = libs.find((p) => existsSync(p));
  const header = headers.find((p) => existsSync(p));
  return library && header ? { library, header } : null;
}

export interface Prepared {
  source: Source;
  version: string;
  versionInt: number;
  /** The source tree to build (kinds other than prefix), or the prefix. */
  root: string;
  /** True when `root` is the user's own folder: the build copies it first and never writes there. */
  shared: boolean;
  /** Temporary folder to remove once done (unpacked tarballs). */
  temp: string | null;
  fetchMs: number;
}

export interface SourceOptions {
  cache: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/** Brings the source to a folder on disk and reads its version from its rdkafka.h. */
export async function prepareSource(s: Source, o: SourceOptions): Promise<Prepared> {
  const started = performance.now();
  if (s.kind === 'prefix') {
    const v = versionOf(s.header, s.spec);
    return { source: s, ...v, root: s.path, shared: true, temp: null, fetchMs: 0 };
  }
  if (s.kind === 'folder') {
    const root = findSourceRoot(s.path);
    if (!root)
      throw new LibraryError(
        `${s.path} is not a librdkafka source (no configure and src/rdkafka.h in it, nor in its deps/librdkafka): pass ${SOURCE_KINDS}`,
        'source',
      );
    return {
      source: s,
      ...versionOf(join(root, 'src', 'rdkafka.h'), s.spec),
      root,
      shared: true,
      temp: null,
      fetchMs: 0,
    };
  }
  let tarball: string;
  if (s.kind === 'tarball') tarball = s.path;
  else if (s.kind === 'npm') tarball = await npmPack(s, o);
  else tarball = await download(s, o);
  const fetchMs = performance.now() - started;
  o.onProgress?.(`unpacking ${basename(tarball)}`);
  const temp = mkdtempSync(join(tmpdir(), 'rdkafka-workbench-src-'));
  try {
    await unpack(tarball, temp, s.spec);
    // A mutable npm tag's tarball is not kept: it was only fetched for this build.
    if (s.kind === 'npm' && !sourceKey(s)) rmSync(tarball, { force: true });
    const root = findSourceRoot(temp);
    if (!root) {
      // Not a source: a kept copy would only answer the same way next time.
      if (tarball !== s.spec) dropKept(tarball, o.cache);
      if (s.kind === 'npm')
        throw new LibraryError(
          `the npm package ${s.pkg} does not bundle librdkafka's source (no deps/librdkafka with configure and src/rdkafka.h in its tarball): pass a package that does, such as npm:node-rdkafka@3.6.1 or npm:@confluentinc/kafka-javascript@1.10.1`,
          'source',
        );
      throw new LibraryError(
        `${s.spec} is not a librdkafka source (its archive holds no configure and src/rdkafka.h): pass librdkafka's source release, ${SOURCE_KINDS}`,
        'source',
      );
    }
    return {
      source: s,
      ...versionOf(join(root, 'src', 'rdkafka.h'), s.spec),
      root,
      shared: false,
      temp,
      fetchMs,
    };
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}

function versionOf(header: string, spec: string): { version: string; versionInt: number } {
  const v = headerVersion(readFileSync(header, 'utf8'));
  if (!v)
    throw new LibraryError(
      `${header} (from ${spec}) defines no RD_KAFKA_VERSION, so it is not librdkafka's rdkafka.h: pass ${SOURCE_KINDS}`,
      'source',
    );
  return v;
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((res, rej) =>
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      err ? rej(Object.assign(err, { stdout, stderr })) : res({ stdout, stderr }),
    ),
  );
}

async function unpack(tarball: string, dest: string, spec: string): Promise<void> {
  try {
    await run('tar', ['-xf', tarball, '-C', dest, '--no-same-owner'], dest, 300_000);
  } catch (e) {
    const why = String((e as { stderr?: string }).stderr || (e as Error).message)
      .trim()
      .split('\n')[0];
    throw new LibraryError(
      `${spec} could not be unpacked (${why}): pass librdkafka's source as a .tar.gz, a folder or npm:PACKAGE@VERSION`,
      'source',
    );
  }
}

/** Where a fetched immutable source is kept (under the cache's sources/), or null for mutable ones. */
function keptPath(s: Source, cache: string): string | null {
  const key = sourceKey(s);
  if (!key) return null;
  if (s.kind === 'npm')
    return join(sourcesRoot(cache), 'npm', `${s.pkg.replace(/^@/, '').replace(/[/@]/g, '-')}.tgz`);
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 16);
  return join(sourcesRoot(cache), 'url', `${hash}.tar.gz`);
}

/** Removes a fetched file, and the folders of the kept sources it leaves empty: the cache is as it was. */
function dropKept(file: string, cache: string): void {
  rmSync(file, { force: true });
  const root = sourcesRoot(cache);
  for (let dir = dirname(file); dir === root || dir.startsWith(`${root}/`); dir = dirname(dir)) {
    try {
      if (readdirSync(dir).length) break;
      rmdirSync(dir);
    } catch {
      break;
    }
  }
}

/** Moves a fetched file into the kept sources (by rename: a concurrent fetch of the same one is harmless). */
function keepAt(file: string, kept: string): string {
  mkdirSync(dirname(kept), { recursive: true });
  try {
    renameSync(file, kept);
  } catch (e) {
    // Another filesystem (a tmpfs /tmp): copy beside the target, then rename.
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    const part = `${kept}.${process.pid}.part`;
    copyFileSync(file, part);
    renameSync(part, kept);
  }
  return kept;
}

async function npmPack(s: Extract<Source, { kind: 'npm' }>, o: SourceOptions): Promise<string> {
  const kept = keptPath(s, o.cache);
  if (kept && existsSync(kept)) return kept;
  o.onProgress?.(`fetching ${s.pkg} with npm pack`);
  const dir = mkdtempSync(join(tmpdir(), 'rdkafka-workbench-npm-'));
  try {
    let out;
    try {
      out = await run(
        'npm',
        ['pack', '--json', '--loglevel=error', '--fetch-retries=1', s.pkg],
        dir,
        600_000,
      );
    } catch (e) {
      const err = e as { code?: string; stdout?: string; stderr?: string; message: string };
      if (err.code === 'ENOENT')
        throw new LibraryError(
          'npm is not installed, so npm:PACKAGE sources cannot be fetched: install Node.js with npm, or pass a source .tar.gz or folder',
          'tools',
        );
      // With --json npm reports {"error": {"code", "summary"}} on stdout.
      let why: string | undefined;
      try {
        const j = JSON.parse(String(err.stdout)) as { error?: { code?: string; summary?: string } };
        if (j.error) why = [j.error.code, j.error.summary].filter(Boolean).join(': ');
      } catch {
        /* not JSON: use stderr */
      }
      why ??=
        String(err.stderr ?? '')
          .split('\n')
          .map((l) => l.replace(/^npm (error|ERR!)\s*/, '').trim())
          .find(Boolean) ?? err.message.split('\n')[0];
      throw new LibraryError(
        `npm could not fetch ${s.pkg} (${why}): check the package name and version, or pass a source .tar.gz or folder`,
        'source',
      );
    }
    const files = readdirSync(dir).filter((f) => f.endsWith('.tgz'));
    let name = files[0];
    try {
      const parsed = JSON.parse(out.stdout) as { filename?: string }[];
      name = parsed[0]?.filename?.replace(/^@/, '').replace(/\//g, '-') ?? name;
    } catch {
      /* the file list is enough */
    }
    if (!name || !existsSync(join(dir, name)))
      throw new LibraryError(
        `npm pack ${s.pkg} wrote no tarball: check the package name, or pass a source .tar.gz or folder`,
        'source',
      );
    const packed = join(dir, name);
    return kept ? keepAt(packed, kept) : moveOut(packed);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fetched file of a mutable source, moved out of the folder about to be removed. */
function moveOut(file: string): string {
  const dest = join(
    tmpdir(),
    `rdkafka-workbench-${process.pid}-${Date.now().toString(36)}-${basename(file)}`,
  );
  renameSync(file, dest);
  return dest;
}

/** Why the URL's host cannot be reached by TCP within REACH_TIMEOUT_MS, or null when it can. */
function unreachable(url: string, signal?: AbortSignal): Promise<string | null> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return Promise.resolve(null); // fetch says what is wrong with it
  }
  const port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return new Promise((res) => {
    const socket = connect({ host, port });
    const done = (why: string | null) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancelled);
      socket.destroy();
      res(why);
    };
    const cancelled = () => done('cancelled');
    const timer = setTimeout(
      () => done(`no connection to ${host}:${port} within ${REACH_TIMEOUT_MS / 1000} s`),
      REACH_TIMEOUT_MS,
    );
    signal?.addEventListener('abort', cancelled, { once: true });
    socket.once('connect', () => done(null));
    socket.once('error', (e: NodeJS.ErrnoException) => done(`${e.code ?? 'error'}: ${e.message}`));
  });
}

async function download(s: Extract<Source, { kind: 'url' | 'release' }>, o: SourceOptions): Promise<string> {
  const kept = keptPath(s, o.cache)!;
  if (existsSync(kept)) return kept;
  const what = s.kind === 'release' ? `librdkafka ${s.version} from ${s.url}` : s.url;
  o.onProgress?.(`downloading ${s.url}`);
  const fail = (why: string): never => {
    throw new LibraryError(
      `cannot download ${what} (${why}): without access to it, pass a source .tar.gz, a source folder or npm:PACKAGE@VERSION instead (npm:@confluentinc/kafka-javascript@1.10.1 bundles 2.15.1), or a mirror with --url or RDKAFKA_WORKBENCH_SOURCE_URL`,
      'source',
    );
  };
  const why = await unreachable(s.url, o.signal);
  if (why === 'cancelled')
    throw new LibraryError('lib add was cancelled: nothing was installed', 'cancelled');
  if (why) fail(why);
  const ctrl = new AbortController();
  const abort = () => ctrl.abort();
  o.signal?.addEventListener('abort', abort, { once: true });
  let timer = setTimeout(
    () => ctrl.abort(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)),
    CONNECT_TIMEOUT_MS,
  );
  const part = `${kept}.${process.pid}.part`;
  try {
    let res: Response;
    try {
      res = await fetch(s.url, { signal: ctrl.signal, redirect: 'follow' });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string; message?: string } };
      fail(
        ctrl.signal.reason instanceof Error
          ? ctrl.signal.reason.message
          : err.cause?.code
            ? `${err.cause.code}${err.cause.message ? `: ${err.cause.message}` : ''}`
            : err.message,
      );
    }
    if (!res!.ok || !res!.body) fail(`HTTP ${res!.status} ${res!.statusText}`);
    mkdirSync(dirname(kept), { recursive: true });
    const file = createWriteStream(part);
    const total = Number(res!.headers.get('content-length')) || 0;
    let got = 0;
    let lastShown = 0;
    try {
      for await (const chunk of res!.body as unknown as AsyncIterable<Uint8Array>) {
        clearTimeout(timer);
        timer = setTimeout(
          () => ctrl.abort(new Error(`the download stalled for ${STALL_TIMEOUT_MS / 1000} s`)),
          STALL_TIMEOUT_MS,
        );
        got += chunk.length;
        if (!file.write(chunk)) await new Promise<void>((r) => file.once('drain', () => r()));
        if (got - lastShown > 1 << 20) {
          lastShown = got;
          o.onProgress?.(
            `downloading ${s.url}: ${(got / 1048576).toFixed(1)}${total ? ` of ${(total / 1048576).toFixed(1)}` : ''} MB`,
          );
        }
      }
    } catch (e) {
      file.destroy();
      fail(ctrl.signal.reason instanceof Error ? ctrl.signal.reason.message : (e as Error).message);
    }
    await new Promise<void>((r, j) => file.end((e?: Error | null) => (e ? j(e) : r())));
    renameSync(part, kept);
    return kept;
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', abort);
    rmSync(part, { force: true });
  }
}
