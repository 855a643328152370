// Comparing a traced program with its reproduction: the version matrix's comparison
// (extension/kernel/compare.ts) on runs whose handles are first named by role, plus the words and tables
// `rdkafka-workbench compare` prints and a cell displays. Pure: events in, text out.
//
// Two runs of the same scenario name their handles differently (a C program's first producer is
// rdkafka#producer-1; in a notebook whose kernel already made one it is rdkafka#producer-2, and a C cell's
// is suffixed with its cell): the n-th producer of one run is compared with the n-th of the other.
import type { KernelEvent } from '../protocol/index.ts';
import {
  compareRuns,
  divergenceSentence,
  type Comparison,
  type Run,
  type SideBySide,
} from '../extension/kernel/compare.ts';

/** The events with each handle renamed "producer 1", "consumer 2"… in the order the run created them. */
export function byRole(events: readonly KernelEvent[]): KernelEvent[] {
  const names = new Map<string, string>();
  const seen: Record<string, number> = {};
  for (const e of events)
    if (e.type === 'handle_created' && e.handle !== null && !names.has(e.handle))
      names.set(e.handle, `${e.data.kind} ${(seen[e.data.kind] = (seen[e.data.kind] ?? 0) + 1)}`);
  return events.map((e) => {
    const role = e.handle === null ? undefined : names.get(e.handle);
    if (role === undefined) return e;
    const data =
      e.type === 'handle_created' || e.type === 'handle_destroyed' ? { ...e.data, name: role } : e.data;
    return { ...e, handle: role, data } as KernelEvent;
  });
}

/** compareRuns over the runs with their handles named by role (`keepHandles`: as they are). */
export function compareTraces(runs: readonly Run[], opts: { keepHandles?: boolean } = {}): Comparison {
  return compareRuns(opts.keepHandles ? runs : runs.map((r) => ({ ...r, events: byRole(r.events) })));
}

function columns(t: SideBySide, empty: string): string[][] {
  return t.rows.length
    ? t.rows.map((r) => [r.key, ...r.values.map(String)])
    : [[empty, ...t.labels.map(() => '')]];
}

function textTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

/** What `compare` prints: counts by type side by side, delivery-report errors by code, the first difference. */
export function comparisonText(c: Comparison): string {
  const sampled = c.sampled.length
    ? `\n(${c.sampled.join(', ')}: sampled under load; sequences compared up to the first gap)`
    : '';
  return [
    textTable(['events', ...c.labels], columns(c.counts, '(none)')),
    '',
    textTable(['delivery-report errors', ...c.labels], columns(c.drErrors, '(none)')),
    '',
    divergenceSentence(c.divergence, c.compared) + sampled,
    '',
  ].join('\n');
}

const md = (s: string) => s.replace(/[|\\`*_[\]<>]/g, (ch) => `\\${ch}`);

function mdTable(head: string[], rows: string[][]): string {
  return [
    `| ${head.map(md).join(' | ')} |`,
    `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.map(md).join(' | ')} |`),
  ].join('\n');
}

/** The same as markdown, for a cell's output. */
export function comparisonMarkdown(c: Comparison): string {
  return [
    mdTable(['events', ...c.labels], columns(c.counts, '(none)')),
    '',
    mdTable(['delivery-report errors', ...c.labels], columns(c.drErrors, '(none)')),
    '',
    `**${c.divergence ? 'Runs part' : 'Runs agree'}:** ${md(divergenceSentence(c.divergence, c.compared))}`,
    ...(c.sampled.length ? ['', `_${md(c.sampled.join(', '))}: sampled under load_`] : []),
  ].join('\n');
}
