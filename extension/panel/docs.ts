// The statistics field docs for a kernel, from the bindings it runs with (their model names the headers,
// whose version's STATISTICS.md is looked up) and the librdkafka version it reported. Read once per
// bindings folder and version. No vscode.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { StatsDocs } from '../../protocol/index.ts';
import { loadStatsDocs } from './statsdocs-source.ts';

interface ModelBits {
  headers?: string[];
  header?: string;
  librdkafka?: { version?: string };
  constants?: { name: string; value: unknown }[];
}

const cache = new Map<string, { docs: StatsDocs | null; missing?: string }>();

export function statsDocsFor(
  bindingsDir: string,
  version: string | null,
): { docs: StatsDocs | null; missing?: string } {
  const modelPath = join(bindingsDir, 'model.json');
  let stamp = 0;
  try {
    stamp = statSync(modelPath).mtimeMs;
  } catch {
    // no model: the version alone may still find the file in the cache
  }
  const key = `${modelPath}:${stamp}:${version}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let model: ModelBits;
  try {
    model = JSON.parse(readFileSync(modelPath, 'utf8')) as ModelBits;
  } catch {
    model = {};
  }
  const offsets: Record<string, number> = {};
  for (const c of model.constants ?? [])
    if (/^RD_KAFKA_OFFSET_[A-Z]+$/.test(c.name) && typeof c.value === 'number') offsets[c.name] = c.value;
  const r = loadStatsDocs({
    version: version ?? model.librdkafka?.version ?? null,
    headers: model.headers ?? (model.header ? [model.header] : []),
    offsets,
  });
  cache.set(key, r);
  return r;
}

/** For the panel host: the docs of a kernel's version (before it started: of the bindings). */
export function panelStatsDocs(
  kernel: { info?: { librdkafka: { version: string } } | undefined },
  bindingsDir: string,
): { docs: StatsDocs | null; missing?: string } {
  return statsDocsFor(bindingsDir, kernel.info?.librdkafka.version ?? null);
}
