// Which STATISTICS.md explains the statistics of a kernel: the version in use's own file (kept beside a
// built version in the cache, in a source tree beside src/, or Debian's librdkafka-dev docs for the
// system library), else the newest one the project has (marked approximate). Node only, no vscode: the
// panel host and the CLI's report and export use it alike.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { StatsDocs } from '../../protocol/index.ts';
import { parseStatisticsMd, type OffsetConstants } from './statsdocs.ts';

export interface DocsQuery {
  /** librdkafka version in use ("2.15.1"), when known. */
  version: string | null;
  /** The headers the bindings were generated from (model.json's `headers`). */
  headers: readonly string[];
  /** The bindings folder (a built version keeps it beside STATISTICS.md). */
  bindingsDir?: string;
  /** RD_KAFKA_OFFSET_* of the model, for the offsets' sentinel values. */
  offsets?: OffsetConstants;
  /** The workbench's cache (default as the versions' library manager uses it). */
  cacheDir?: string;
}

export interface FoundDocs {
  file: string;
  /** The version the file belongs to, when known. */
  version: string | null;
  approximate: boolean;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.RDKAFKA_WORKBENCH_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rdkafka-workbench')
  );
}

const semver = (v: string) => v.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
function newer(a: string, b: string): number {
  const x = semver(a);
  const y = semver(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
  return 0;
}

/** STATISTICS.md files of the versions in the cache, newest first. */
function cached(cache: string): { file: string; version: string }[] {
  const root = join(cache, 'librdkafka');
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  return names
    .filter((v) => /^\d+\.\d+/.test(v))
    .sort(newer)
    .map((version) => ({ file: join(root, version, 'STATISTICS.md'), version }))
    .filter((c) => existsSync(c.file));
}

export function findStatisticsMd(q: DocsQuery): FoundDocs | null {
  const own: string[] = [];
  for (const h of q.headers) {
    const inc = dirname(h);
    // VERSION/include/rdkafka.h → VERSION/STATISTICS.md; a source tree's src/rdkafka.h → ../STATISTICS.md.
    own.push(join(inc, '..', 'STATISTICS.md'), join(inc, 'STATISTICS.md'));
    // Debian's librdkafka-dev documents the system library it installs.
    if (inc === '/usr/include/librdkafka')
      own.push(
        '/usr/share/doc/librdkafka-dev/STATISTICS.md',
        '/usr/share/doc/librdkafka-dev/STATISTICS.md.gz',
      );
  }
  if (q.bindingsDir) own.push(join(q.bindingsDir, '..', 'STATISTICS.md'));
  const cache = q.cacheDir ?? cacheDir();
  if (q.version) own.push(join(cache, 'librdkafka', q.version, 'STATISTICS.md'));
  for (const f of own) if (existsSync(f)) return { file: f, version: q.version, approximate: false };
  const newest = cached(cache)[0];
  return newest
    ? { file: newest.file, version: newest.version, approximate: newest.version !== q.version }
    : null;
}

/** The field docs for a kernel, or why there are none (a sentence saying what to do). */
export function loadStatsDocs(q: DocsQuery): { docs: StatsDocs | null; missing?: string } {
  const found = findStatisticsMd(q);
  if (!found)
    return {
      docs: null,
      missing: `No STATISTICS.md for librdkafka ${q.version ?? '(unknown version)'} was found (beside its header, in Debian's librdkafka-dev docs or in the workbench's cache): add a built librdkafka version to the cache, which keeps its STATISTICS.md, to see what each field means.`,
    };
  try {
    const raw = readFileSync(found.file);
    const text = (found.file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    const what = found.version ? `librdkafka ${found.version}'s STATISTICS.md` : found.file;
    const source = found.approximate ? `${what}, the newest the workbench has` : what;
    return {
      docs: parseStatisticsMd(text, source, {
        approximate: found.approximate,
        ...(q.offsets ? { offsets: q.offsets } : {}),
      }),
    };
  } catch (e) {
    return { docs: null, missing: `${found.file} could not be read (${(e as Error).message})` };
  }
}
