// The version matrix as data and text: what happened to each code cell on each version, and the table
// `run --matrix` prints (pure: run summaries in, strings out; cli/matrix.ts runs, cli/matrix-report.ts
// renders the same data as HTML).
import { extname } from 'node:path';
import { compareRuns, divergenceSentence, type Comparison } from '../extension/kernel/compare.ts';
import type { RunSummary } from './run.ts';

export interface MatrixVersion {
  /** What runNotebook is given as --librdkafka: a version, or "system". */
  spec: string;
  /** Column name: "2.15.1", "2.0.2 (system)". */
  label: string;
  /** For file names: "2.15.1", "system". */
  tag: string;
}

/** A cell of the table: what happened to one code cell on one version. */
export type CellStatus = { kind: 'ok' } | { kind: 'error'; text: string } | { kind: 'skipped'; why?: string };

export interface VersionRun {
  version: MatrixVersion;
  summary: RunSummary | null;
  /** Why the run could not start at all (kernel start failure, bad bindings). */
  failure: string | null;
  /** Per code cell, in notebook order. */
  cells: CellStatus[];
  ranAll: boolean;
  durationMs: number;
  eventsFile?: string;
  /** This version's issue export (`--bundle DIR` → DIR.2.15.1). */
  bundleDir?: string;
}

/** A file or folder per version: `events.jsonl` → `events.2.15.1.jsonl`, `export` → `export.system`. */
export function eventsFileFor(file: string, tag: string): string {
  const ext = extname(file);
  return ext ? `${file.slice(0, -ext.length)}.${tag}${ext}` : `${file}.${tag}`;
}

export const firstLine = (s: string) =>
  s
    .split('\n')
    .find((l) => l.trim())
    ?.trim() ?? '';

/** Per code cell: ok before the failed cell, its error, skipped after (and everywhere for a skipped run). */
export function cellStatuses(summary: RunSummary, stderr: string): CellStatus[] {
  const nb = summary.notebook;
  if (!nb) return [];
  const skipped = summary.skipped;
  const out: CellStatus[] = [];
  for (const [i, cell] of nb.cells.entries()) {
    if (cell.kind !== 'code') continue;
    const pos = i + 1;
    if (skipped) out.push({ kind: 'skipped', why: skipped });
    else if (summary.failedCell === null)
      out.push(pos <= lastRunCell(summary) ? { kind: 'ok' } : { kind: 'skipped' });
    else if (pos < summary.failedCell) out.push({ kind: 'ok' });
    else if (pos === summary.failedCell) {
      const err = cell.outputs.find((o) => o.kind === 'error');
      // No error output (timed out, kernel died): the runner's own line says why it stopped.
      const why = new RegExp(`^cell ${pos} (.+?): stopping$`, 'm').exec(stderr)?.[1];
      const text = err && err.kind === 'error' ? firstLine(`${err.name}: ${err.message}`) : (why ?? 'failed');
      out.push({ kind: 'error', text });
    } else out.push({ kind: 'skipped' });
  }
  return out;
}

/** Position of the last code cell that ran (all of them when the run went through). */
function lastRunCell(s: RunSummary): number {
  const code = s.notebook!.cells.map((c, i) => (c.kind === 'code' ? i + 1 : 0)).filter(Boolean);
  return code[s.cellsRun - 1] ?? 0;
}

export function statusText(c: CellStatus | undefined): string {
  if (!c) return 'skipped';
  return c.kind === 'ok'
    ? 'ok'
    : c.kind === 'error'
      ? `error: ${c.text}`
      : c.why
        ? `skipped: ${c.why}`
        : 'skipped';
}

/** Why the notebook did not run on this version (its `requires` metadata), or null. */
export function skipReason(run: VersionRun): string | null {
  return run.summary?.skipped ?? null;
}

/**
 * The version did what the notebook asks of it: ran every cell, or was skipped by the notebook's own
 * `requires` (a declared "not on this version", which `run` alone also answers with exit 0).
 */
export function versionPassed(run: VersionRun): boolean {
  return run.ranAll || (skipReason(run) !== null && run.summary?.code === 0);
}

/**
 * Counts side by side for every version; event sequences compared only between the versions that ran
 * (one skipped by `requires` or unable to start has no events, which would be "where they part").
 */
export function compareMatrix(runs: VersionRun[]): Comparison {
  const asRun = (r: VersionRun) => ({
    label: r.version.label,
    events: r.summary?.events ?? [],
    counts: r.summary?.counts ?? {},
  });
  const all = compareRuns(runs.map(asRun));
  const ran = runs.filter((r) => !r.failure && !skipReason(r));
  if (ran.length === runs.length) return all;
  if (ran.length < 2) return { ...all, divergence: null, compared: 0, sampled: [] };
  const part = compareRuns(ran.map(asRun));
  return { ...all, divergence: part.divergence, compared: part.compared, sampled: part.sampled };
}

/** The sentence on where the versions' event sequences part, naming those left out of the comparison. */
export function divergenceLine(runs: VersionRun[], comparison: Comparison): string {
  const out = runs.filter((r) => r.failure || skipReason(r)).map((r) => r.version.label);
  const ran = runs.length - out.length;
  const why = (labels: string[]) => `${labels.join(', ')} did not run`;
  if (out.length && ran < 2)
    return `event sequences not compared: ${why(out)}${ran === 1 ? ', so only one version has events' : ''}`;
  const sentence = divergenceSentence(comparison.divergence, comparison.compared);
  return out.length ? `${sentence} (${why(out)}: not compared)` : sentence;
}

function fit(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(1, width - 1))}…`;
}

function table(rows: string[][], widths: number[]): string {
  return rows
    .map((r) =>
      r
        .map((c, i) => (i === r.length - 1 ? fit(c, widths[i]!) : fit(c, widths[i]!).padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The code cells of the notebook: position and a short label from their first line. */
export function cellLabels(runs: VersionRun[]): { pos: number; label: string }[] {
  const nb = runs.find((r) => r.summary?.notebook)?.summary?.notebook;
  if (!nb) return [];
  return nb.cells
    .map((c, i) => ({ c, pos: i + 1 }))
    .filter(({ c }) => c.kind === 'code')
    .map(({ c, pos }) => ({ pos, label: `cell ${pos}  ${firstLine(c.source).slice(0, 32)}` }));
}

/** Statuses of a run aligned with the code cells (a run that never started: an error then skipped). */
export function columnOf(run: VersionRun, n: number): CellStatus[] {
  if (run.failure)
    return Array.from({ length: n }, (_, i) =>
      i === 0 ? { kind: 'error', text: run.failure! } : { kind: 'skipped' },
    );
  return Array.from({ length: n }, (_, i) => run.cells[i] ?? { kind: 'skipped' });
}

export function formatMatrix(runs: VersionRun[], comparison: Comparison, columns = 120): string {
  const cells = cellLabels(runs);
  const cols = runs.map((r) => columnOf(r, cells.length));
  const labelWidth = Math.min(44, Math.max(6, ...cells.map((c) => c.label.length)));
  const colWidth = Math.max(
    16,
    Math.min(60, Math.floor((columns - labelWidth - 2 * runs.length) / Math.max(1, runs.length))),
  );
  const widths = [labelWidth, ...runs.map(() => colWidth)];
  const head = ['', ...runs.map((r) => r.version.label)];
  const body = cells.map((c, i) => [c.label, ...cols.map((col) => statusText(col[i]))]);
  const out = [table([head, ...body], widths)];

  // Errors in full when the table had to cut them.
  const cut: string[] = [];
  cols.forEach((col, k) =>
    col.forEach((s, i) => {
      const t = statusText(s);
      if (s.kind === 'error' && t.length > colWidth)
        cut.push(`  ${runs[k]!.version.label}, cell ${cells[i]?.pos}: ${t}`);
    }),
  );
  if (cut.length) out.push('', 'errors in full:', ...cut);
  // A version the notebook's `requires` rules out: the reason in full, once; one stopped early: by what.
  const notes = runs.flatMap((r) =>
    skipReason(r)
      ? [`${r.version.label}: skipped: ${skipReason(r)}`]
      : r.summary?.stopped
        ? [`${r.version.label}: stopped (${r.summary.stopped})`]
        : [],
  );
  if (notes.length) out.push('', ...notes);

  // Per version: run time, cells, events by type, delivery errors by code.
  const facts: string[][] = [['', ...runs.map((r) => r.version.label)]];
  facts.push(['run time', ...runs.map((r) => `${(r.durationMs / 1000).toFixed(1)} s`)]);
  facts.push([
    'cells ok',
    ...runs.map((r, k) => {
      if (skipReason(r)) return 'skipped';
      return `${cols[k]!.filter((c) => c.kind === 'ok').length} of ${cells.length}`;
    }),
  ]);
  for (const row of comparison.counts.rows) facts.push([`events: ${row.key}`, ...row.values.map(String)]);
  if (!comparison.counts.rows.length) facts.push(['events', ...runs.map(() => 'none')]);
  if (comparison.drErrors.rows.length)
    for (const row of comparison.drErrors.rows)
      facts.push([`dr errors: ${row.key}`, ...row.values.map(String)]);
  else facts.push(['dr errors', ...runs.map(() => 'none')]);
  const factWidth = Math.min(44, Math.max(...facts.map((f) => f[0]!.length)));
  out.push('', table(facts, [factWidth, ...runs.map(() => colWidth)]));
  out.push('', divergenceLine(runs, comparison));
  if (comparison.sampled.length)
    out.push(
      `(events of ${comparison.sampled.join(', ')} were sampled under load: sequences are compared up to the first gap)`,
    );
  return out.join('\n') + '\n';
}
