// `run --matrix … --report FILE.html`: the usual report page (cli/report.ts) with a section on top that has
// a column per version (cells, run time, event counts, delivery errors) and the first point where the
// versions' event sequences part. The panel below shows every version's events together, each handle
// named with its version ("2.15.1 rdkafka#producer-1"), their clocks aligned on each run's start.
import { basename, resolve } from 'node:path';
import type { Comparison } from '../extension/kernel/compare.ts';
import type { KernelEvent } from '../protocol/index.ts';
import { writeReport } from './report.ts';
import type { RunOptions } from './run.ts';
import {
  cellLabels,
  columnOf,
  divergenceLine,
  statusText,
  versionPassed,
  type VersionRun,
} from './matrix-table.ts';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Every run's events in one stream for the panel: handles prefixed with the version, times aligned. */
export function mergedEvents(runs: VersionRun[]): KernelEvent[] {
  const firsts = runs.map((r) => r.summary?.events[0]?.time).filter((t): t is number => t !== undefined);
  const t0 = firsts.length ? Math.min(...firsts) : 0;
  const all: KernelEvent[] = [];
  for (const r of runs) {
    const events = r.summary?.events ?? [];
    const shift = events.length ? t0 - events[0]!.time : 0;
    const name = (h: string) => `${r.version.label} ${h}`;
    for (const e of events) {
      const m = {
        ...e,
        time: e.time + shift,
        handle: e.handle === null ? null : name(e.handle),
      } as KernelEvent;
      if (m.type === 'handle_created' || m.type === 'handle_destroyed')
        m.data = { ...m.data, name: name(m.data.name) } as never;
      all.push(m);
    }
  }
  all.sort((a, b) => a.time - b.time);
  return all.map((e, i) => ({ ...e, seq: i + 1 }));
}

function htmlTable(head: string[], rows: { cls?: string[]; cells: string[] }[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr>${r.cells.map((c, i) => `<td${r.cls?.[i] ? ` class="${r.cls[i]}"` : ''}>${esc(c)}</td>`).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
}

export function matrixSection(runs: VersionRun[], comparison: Comparison): string {
  const labels = runs.map((r) => r.version.label);
  const cells = cellLabels(runs);
  const cols = runs.map((r) => columnOf(r, cells.length));
  const cellRows = cells.map((c, i) => ({
    cls: ['', ...cols.map((col) => `st-${col[i]?.kind ?? 'skipped'}`)],
    cells: [c.label, ...cols.map((col) => statusText(col[i]))],
  }));
  const factRows = [
    { cells: ['run time', ...runs.map((r) => `${(r.durationMs / 1000).toFixed(1)} s`)] },
    ...comparison.counts.rows.map((row) => ({ cells: [`events: ${row.key}`, ...row.values.map(String)] })),
    ...(comparison.drErrors.rows.length
      ? comparison.drErrors.rows.map((row) => ({
          cells: [`dr errors: ${row.key}`, ...row.values.map(String)],
        }))
      : [{ cells: ['dr errors', ...labels.map(() => 'none')] }]),
  ];
  const divergence = divergenceLine(runs, comparison);
  return `<section class="matrix" data-testid="matrix">
<h2>librdkafka versions: ${esc(labels.join(', '))}</h2>
<div class="matrix-tables">
<div data-testid="matrix-cells">${htmlTable(['', ...labels], cellRows)}</div>
<div data-testid="matrix-counts">${htmlTable(['', ...labels], factRows)}</div>
</div>
<p class="divergence" data-testid="matrix-divergence">${esc(divergence)}</p>
<p class="note">Below: every version's events together; each handle is named with its version.</p>
</section>`;
}

const CSS = `
.matrix { padding: 6px 10px; border-bottom: 1px solid var(--c-border); }
.matrix h2 { font-size: 1.05em; margin: 4px 0 8px; }
.matrix-tables { display: flex; flex-wrap: wrap; gap: 8px 24px; }
.matrix table { border-collapse: collapse; }
.matrix th, .matrix td { text-align: left; padding: 2px 10px 2px 0; border-bottom: 1px solid var(--c-border); vertical-align: top; max-width: 40em; }
.matrix td.st-ok { color: var(--c-fg); }
.matrix td.st-error { color: var(--c-error, #c72e0f); }
.matrix td.st-skipped { color: var(--c-muted); }
.matrix .divergence { font-weight: 600; }
.matrix .note { color: var(--c-muted); margin: 2px 0; }
`;

export async function writeMatrixReport(
  runs: VersionRun[],
  comparison: Comparison,
  opts: RunOptions,
): Promise<void> {
  const firsts = runs.map((r) => r.summary?.events[0]?.time).filter((t): t is number => t !== undefined);
  const started = firsts.length ? Math.min(...firsts) : Date.now();
  await writeReport(mergedEvents(runs), resolve(opts.cwd, opts.report!), {
    title: `${basename(opts.notebook)} on ${runs.map((r) => r.version.label).join(', ')}`,
    source: resolve(opts.cwd, opts.notebook),
    librdkafka: runs.map((r) => r.version.label).join(', '),
    ...(opts.bootstrap ? { bootstrap: opts.bootstrap } : {}),
    startedAt: started,
    durationMs: Math.max(...runs.map((r) => r.durationMs)),
    status: runs.every(versionPassed) ? 'ok' : 'error',
    extra: { html: matrixSection(runs, comparison), css: CSS },
  });
}
