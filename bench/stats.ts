// Pure pieces of the benchmark report: medians, ratios against the C reference of the same run, targets
// and the markdown table. Data in, data out.

export interface CaseResult {
  /** Group of comparable implementations, e.g. "produce 1M x 100 B". */
  name: string;
  impl: string;
  /** One value per run, in run order (empty when skipped). */
  runs: number[];
  median: number | null;
  unit: string;
  /** median / the C reference's median in the same group and run (null when the group has none). */
  ratio_vs_c: number | null;
  /** CPU time of the measuring process per message, per run (throughput cases). */
  cpu_us_per_msg?: number[];
  cpu_median?: number | null;
  /** cpu_median / the C reference's: how many times C's CPU per message this implementation spends. */
  cpu_ratio_vs_c?: number | null;
  /** Why the case did not run, if it did not. */
  skipped?: string;
  /** Rounds that failed (the others still count). */
  failures?: string[];
  /** Anything the reader needs to compare fairly (fewer messages, different library version). */
  note?: string;
}

export interface Target {
  name: string;
  impl: string;
  /** What the issue asks, in words for the table. */
  text: string;
  /** higher-is-better ratio against another implementation of the same group (default: the C reference), or a bound on the median. */
  kind: 'min-ratio' | 'max-value' | 'min-value';
  value: number;
  vs?: string;
  /** Judge the median (default) or the worst run. */
  of?: 'median' | 'worst';
}

export interface TargetResult extends Target {
  actual: number | null;
  met: boolean | null;
  /** For ratio targets: the same ratio from CPU time per message (reference CPU / this CPU), the figure a busy machine disturbs least. */
  cpu_actual?: number | null;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Fills `median` and `ratio_vs_c`; `references` maps a group name to its C implementation's name. */
export function withRatios(cases: readonly CaseResult[], references: Record<string, string>): CaseResult[] {
  const withMedian = cases.map((c) => ({
    ...c,
    median: median(c.runs),
    ...(c.cpu_us_per_msg ? { cpu_median: median(c.cpu_us_per_msg) } : {}),
  }));
  return withMedian.map((c) => {
    const refImpl = references[c.name];
    const ref = refImpl ? withMedian.find((r) => r.name === c.name && r.impl === refImpl) : undefined;
    const ratio = ref?.median && c.median !== null ? c.median / ref.median : null;
    const cpuRatio = ref?.cpu_median && c.cpu_median ? c.cpu_median / ref.cpu_median : null;
    return { ...c, ratio_vs_c: ratio, ...(c.cpu_us_per_msg ? { cpu_ratio_vs_c: cpuRatio } : {}) };
  });
}

export function evaluate(
  cases: readonly CaseResult[],
  targets: readonly Target[],
  references: Record<string, string>,
): TargetResult[] {
  return targets.map((t) => {
    const c = cases.find((x) => x.name === t.name && x.impl === t.impl);
    if (!c || c.median === null) return { ...t, actual: null, met: null };
    const v =
      t.of === 'worst' ? (t.kind === 'max-value' ? Math.max(...c.runs) : Math.min(...c.runs)) : c.median;
    if (t.kind === 'max-value') return { ...t, actual: v, met: v <= t.value };
    if (t.kind === 'min-value') return { ...t, actual: v, met: v >= t.value };
    const vsImpl = t.vs ?? references[t.name];
    const vs = cases.find((x) => x.name === t.name && x.impl === vsImpl);
    if (!vs?.median) return { ...t, actual: null, met: null };
    const actual = c.median / vs.median;
    const cpuActual = c.cpu_median && vs.cpu_median ? vs.cpu_median / c.cpu_median : null;
    return { ...t, actual, met: actual >= t.value, ...(cpuActual !== null ? { cpu_actual: cpuActual } : {}) };
  });
}

export function formatValue(v: number | null, unit: string): string {
  if (v === null) return '–';
  if (unit === 'msgs/s' || unit === 'events/s') return Math.round(v).toLocaleString('en-US');
  return v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v).toString();
}

function targetCell(results: readonly TargetResult[]): string {
  if (results.length === 0) return '';
  return results
    .map((r) => {
      const cpu = r.cpu_actual ? `; by CPU ${r.cpu_actual.toFixed(2)}x` : '';
      const actual = r.actual === null || r.kind !== 'min-ratio' ? '' : ` (${r.actual.toFixed(2)}x${cpu})`;
      const mark = r.met === null ? 'not measured' : r.met ? '**met**' : '**MISSED**';
      return `${r.text}${actual}: ${mark}`;
    })
    .join('<br>');
}

/** One markdown table: a row per case, groups in the order given, targets beside the case they judge. */
export function markdownTable(cases: readonly CaseResult[], targets: readonly TargetResult[]): string {
  const rows = [
    '| case | implementation | median | unit | runs | vs C | CPU µs/msg (vs C) | target |',
    '|---|---|---:|---|---|---:|---:|---|',
  ];
  for (const c of cases) {
    const failed =
      c.failures?.length && !c.skipped ? ` (**${c.failures.length} failed**: ${c.failures[0]})` : '';
    const runs = c.skipped
      ? `skipped: ${c.skipped}`
      : c.runs.map((r) => formatValue(r, c.unit)).join(', ') + failed;
    const impl = c.note ? `${c.impl} (${c.note})` : c.impl;
    const ratio = c.ratio_vs_c === null ? '' : `${c.ratio_vs_c.toFixed(2)}x`;
    const t = targetCell(targets.filter((x) => x.name === c.name && x.impl === c.impl));
    const cpu = c.cpu_median
      ? `${c.cpu_median.toFixed(2)}${c.cpu_ratio_vs_c ? ` (${c.cpu_ratio_vs_c.toFixed(2)}x)` : ''}`
      : '';
    rows.push(
      `| ${c.name} | ${impl} | ${formatValue(c.median, c.unit)} | ${c.unit} | ${runs} | ${ratio} | ${cpu} | ${t} |`,
    );
  }
  return rows.join('\n');
}
