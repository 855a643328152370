// `rdkafka-workbench demo` (`npm run demo`): runs examples/quickstart.rdkafka on the embedded mock cluster,
// shows its outputs, then a summary of what its handles did.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatCounts, main as runMain, parseRunArgs, runNotebook } from './run.ts';
import type { KernelEvent } from '../protocol/index.ts';

export function findExample(name: string): string | null {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const p = join(dir, 'examples', name);
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) return null;
  }
}

/** A few lines about the run's events: per handle what happened, delivery latency, stats seen. */
export function describeEvents(events: KernelEvent[], counts: Record<string, number>): string {
  const lines = [`events: ${formatCounts(counts)}`];
  const handles = new Map<string, Record<string, number>>();
  for (const e of events) {
    if (!e.handle) continue;
    const h = handles.get(e.handle) ?? {};
    h[e.type] = (h[e.type] ?? 0) + 1;
    handles.set(e.handle, h);
  }
  for (const [name, c] of handles) lines.push(`  ${name}: ${formatCounts(c)}`);
  const lat = events
    .flatMap((e) => (e.type === 'dr' && e.data.latencyUs !== undefined ? [e.data.latencyUs] : []))
    .sort((a, b) => a - b);
  if (lat.length) {
    const pct = (p: number) => (lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]! / 1000).toFixed(1);
    lines.push(`  delivery latency: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms over ${lat.length} reports`);
  }
  const failed = events.filter((e) => e.type === 'dr' && e.data.err !== 0).length;
  if (counts.dr) lines.push(`  delivery reports with an error: ${failed}`);
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const example = findExample('quickstart.rdkafka');
  if (!example) {
    process.stderr.write(
      'rdkafka-workbench demo: examples/quickstart.rdkafka not found next to this installation\n',
    );
    return 2;
  }
  if (argv.includes('--help')) return runMain(['--help']);
  try {
    const opts = parseRunArgs([example, ...argv]);
    const s = await runNotebook(opts);
    process.stdout.write(
      `\n${s.code === 0 ? 'demo ok' : 'demo FAILED'}: ${s.cellsRun} cells in ${(s.durationMs / 1000).toFixed(1)} s\n`,
    );
    process.stdout.write(describeEvents(s.events, s.counts) + '\n');
    return s.code;
  } catch (e) {
    process.stderr.write(`rdkafka-workbench demo: ${(e as Error).message}\n`);
    return 2;
  }
}
