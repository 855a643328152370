// Which STATISTICS.md explains the statistics of a kernel: the version in use's own file (beside the
// header its bindings came from, or the one the library manager keeps for that version, the system's
// Debian docs included), else the newest one the library manager has (marked approximate). Node only, no
// vscode: the panel host and the CLI's report use it alike.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { StatsDocs } from '../../protocol/index.ts';
import { findLibrary, listInstalled, readDoc } from '../../versions/index.ts';
import { parseStatisticsMd, type OffsetConstants } from './statsdocs.ts';

export interface DocsQuery {
  /** librdkafka version in use ("2.15.1"), when known. */
  version: string | null;
  /** The headers the bindings were generated from (model.json's `headers`). */
  headers: readonly string[];
  /** RD_KAFKA_OFFSET_* of the model, for the offsets' sentinel values. */
  offsets?: OffsetConstants;
  /** The workbench's cache (default: the library manager's). */
  cacheDir?: string;
}

export interface FoundDocs {
  file: string;
  /** The version the file belongs to, when known. */
  version: string | null;
  approximate: boolean;
}

export function findStatisticsMd(q: DocsQuery): FoundDocs | null {
  // A source tree or a built version: VERSION/include/rdkafka.h → VERSION/STATISTICS.md; src/ → ../.
  for (const h of q.headers)
    for (const f of [join(dirname(h), '..', 'STATISTICS.md'), join(dirname(h), 'STATISTICS.md')])
      if (existsSync(f)) return { file: f, version: q.version, approximate: false };
  const cache = q.cacheDir ? { cache: q.cacheDir } : {};
  try {
    const own = findLibrary(q.version ?? 'system', cache).docs.statistics;
    if (own) return { file: own, version: q.version, approximate: q.version === null };
  } catch {
    // not a version the library manager knows: the newest one it has, below
  }
  const newest = listInstalled(q.cacheDir)
    .versions.filter((v) => existsSync(v.paths.statistics))
    .at(-1);
  return newest
    ? { file: newest.paths.statistics, version: newest.version, approximate: newest.version !== q.version }
    : null;
}

/** The field docs for a kernel, or why there are none (a sentence saying what to do). */
export function loadStatsDocs(q: DocsQuery): { docs: StatsDocs | null; missing?: string } {
  const found = findStatisticsMd(q);
  if (!found)
    return {
      docs: null,
      missing: `No STATISTICS.md for librdkafka ${q.version ?? '(unknown version)'} was found: add a librdkafka version (rdkafka-workbench lib add VERSION keeps its STATISTICS.md) to see what each field means.`,
    };
  try {
    const what = found.version ? `librdkafka ${found.version}'s STATISTICS.md` : found.file;
    const source = found.approximate ? `${what}, the newest the workbench has` : what;
    return {
      docs: parseStatisticsMd(readDoc(found.file), source, {
        approximate: found.approximate,
        ...(q.offsets ? { offsets: q.offsets } : {}),
      }),
    };
  } catch (e) {
    return { docs: null, missing: `${found.file} could not be read (${(e as Error).message})` };
  }
}
