// Comparing runs of the same program: event counts side by side, delivery-report errors by code, and the
// first point where the runs' event sequences part. Pure: events in, tables and sentences out. Used by
// `run --matrix` (one run per librdkafka version) and by `compare` (a traced C program against a notebook).
//
// Sequences are compared per stream, one per handle and kind of event (rdkafka#producer-1's delivery
// reports, its errors, …): across librdkafka versions the interleaving of two handles' events is timing,
// not behaviour, while the order within one stream is what the program observed. Events that depend on
// timing alone (stats, logs, throttle) are counted but not compared.
import type { KernelEvent, KernelEventType } from '../../protocol/index.ts';

export interface Run {
  /** Column name: "2.15.1", "2.0.2 (system)", "C program". */
  label: string;
  events: readonly KernelEvent[];
  /**
   * Exact events per type when known (a runner's counts include the events only counted under load);
   * default: counted from `events`.
   */
  counts?: Readonly<Record<string, number>>;
}

/** A table with a column per run. */
export interface SideBySide {
  labels: string[];
  rows: { key: string; values: number[] }[];
}

/** One comparable step of a stream. */
export interface Step {
  /** Stream key: handle and family, e.g. "rdkafka#producer-1 dr". */
  stream: string;
  /** Position in its stream, from 1 ("message 41"). */
  index: number;
  /** What happened, comparable across runs: "dr NO_ERROR", "rebalance assign 4 partitions". */
  what: string;
  cell: number | null;
  seq: number;
  /** Milliseconds since the run's first event. */
  at: number;
}

export interface Divergence {
  stream: string;
  /** "rdkafka#producer-1's delivery reports". */
  streamLabel: string;
  index: number;
  /** "message 41", "rebalance 2". */
  position: string;
  /** Cell (from 1) where the first run that has the step observed it. */
  cell: number | null;
  /** Per run, in the order of the runs: its step there (null: its stream ended before). */
  steps: { label: string; what: string | null; cell: number | null; seq: number | null }[];
  /** "2.0.2: dr _MSG_TIMED_OUT at message 41; 2.15.1: dr NO_ERROR". */
  summary: string;
}

export interface Comparison {
  labels: string[];
  counts: SideBySide;
  drErrors: SideBySide;
  divergence: Divergence | null;
  /** Steps compared (the shortest run's, over all streams) before the first divergence or the end. */
  compared: number;
  /** Runs whose events were sampled under load: their sequences are compared up to the first gap. */
  sampled: string[];
}

/** Event types that are counted but never compared: their number and order follow the clock. */
const TIMING_ONLY = new Set<KernelEventType>(['stats', 'log', 'throttle', 'dropped']);

const FAMILY_NAMES: Record<string, [label: string, noun: string]> = {
  dr: ['delivery reports', 'message'],
  consume: ['consumed messages', 'message'],
  rebalance: ['rebalances', 'rebalance'],
  error: ['errors', 'error'],
  offset_commit: ['offset commits', 'commit'],
  lifecycle: ['creation and destruction', 'handle event'],
};

/** The family (stream kind) and comparable text of an event, or null when it is not compared. */
export function describeStep(e: KernelEvent): { family: string; what: string } | null {
  if (TIMING_ONLY.has(e.type)) return null;
  switch (e.type) {
    case 'dr':
      return { family: 'dr', what: `dr ${e.data.err ? (e.data.errName ?? e.data.err) : 'NO_ERROR'}` };
    case 'consume':
      return { family: 'consume', what: e.data.err ? `consume error ${e.data.err}` : 'consume message' };
    case 'rebalance':
      return {
        family: 'rebalance',
        what: `rebalance ${e.data.kind} ${e.data.partitions.length} partition${e.data.partitions.length === 1 ? '' : 's'}`,
      };
    case 'error':
      return { family: 'error', what: `error ${e.data.errName}${e.data.fatal ? ' (fatal)' : ''}` };
    case 'offset_commit':
      return {
        family: 'offset_commit',
        what: `offset_commit ${e.data.errName ?? (e.data.err || 'NO_ERROR')}`,
      };
    case 'handle_created':
      return { family: 'lifecycle', what: `created ${e.data.kind}` };
    case 'handle_destroyed':
      return { family: 'lifecycle', what: 'destroyed' };
    case 'event':
    case 'background_event':
      return { family: e.type, what: `${e.type} ${e.data.eventName}` };
    case 'callback':
      return { family: `callback:${e.data.name}`, what: `callback ${e.data.name}` };
    case 'oauthbearer_token_refresh':
      return { family: e.type, what: e.type };
    default:
      return null;
  }
}

/**
 * The comparable steps of one run by stream. Under load the kernel sends only some events of a type in
 * detail (a `dropped` event counts the rest): a stream of that type is cut at its first gap, since what
 * follows is a sample, not the sequence.
 */
export function streams(events: readonly KernelEvent[]): {
  byStream: Map<string, Step[]>;
  sampled: boolean;
  /** Families (and event types) whose streams were cut at a gap: what they lack past it is unknown. */
  cut: ReadonlySet<string>;
} {
  const byStream = new Map<string, Step[]>();
  const cut = new Set<string>(); // families whose events were dropped: streams of them stop growing
  const t0 = events[0]?.time ?? 0;
  let sampled = false;
  for (const e of events) {
    if (e.type === 'dropped') {
      sampled = true;
      for (const t of Object.keys(e.data.counts))
        cut.add(t === 'handle_created' || t === 'handle_destroyed' ? 'lifecycle' : t);
      continue;
    }
    const d = describeStep(e);
    if (!d || cut.has(d.family) || cut.has(e.type)) continue;
    const stream = `${e.handle ?? '(no handle)'} ${d.family}`;
    let list = byStream.get(stream);
    if (!list) byStream.set(stream, (list = []));
    list.push({ stream, index: list.length + 1, what: d.what, cell: e.cell, seq: e.seq, at: e.time - t0 });
  }
  return { byStream, sampled, cut };
}

function countsOf(run: Run): Record<string, number> {
  if (run.counts) return { ...run.counts };
  const c: Record<string, number> = {};
  for (const e of run.events) {
    if (e.type === 'dropped') for (const [t, n] of Object.entries(e.data.counts)) c[t] = (c[t] ?? 0) + n;
    else c[e.type] = (c[e.type] ?? 0) + 1;
  }
  return c;
}

function sideBySide(labels: string[], perRun: Record<string, number>[]): SideBySide {
  const keys = [...new Set(perRun.flatMap((c) => Object.keys(c)))];
  const total = (k: string) => perRun.reduce((n, c) => n + (c[k] ?? 0), 0);
  keys.sort((a, b) => total(b) - total(a) || a.localeCompare(b));
  return { labels, rows: keys.map((key) => ({ key, values: perRun.map((c) => c[key] ?? 0) })) };
}

/** Events per type, a column per run (rows by total, largest first). */
export function countsByType(runs: readonly Run[]): SideBySide {
  return sideBySide(
    runs.map((r) => r.label),
    runs.map((r) => {
      const c = countsOf(r);
      delete c.dropped;
      return c;
    }),
  );
}

/** Failed delivery reports per error name (NO_ERROR is not an error), a column per run. */
export function drErrorsByCode(runs: readonly Run[]): SideBySide {
  return sideBySide(
    runs.map((r) => r.label),
    runs.map((r) => {
      const c: Record<string, number> = {};
      for (const e of r.events)
        if (e.type === 'dr' && e.data.err) {
          const k = e.data.errName ?? String(e.data.err);
          c[k] = (c[k] ?? 0) + 1;
        } else if (e.type === 'dropped' && e.data.drErrors)
          // Reports only counted under load keep their errors in the stream's counts.
          for (const [k, n] of Object.entries(e.data.drErrors)) c[k] = (c[k] ?? 0) + n;
      return c;
    }),
  );
}

function streamWords(stream: string): { label: string; noun: string } {
  const space = stream.lastIndexOf(' ');
  const handle = stream.slice(0, space);
  const family = stream.slice(space + 1);
  const [label, noun] = FAMILY_NAMES[family] ?? [family.replace(/[_:]/g, ' '), 'event'];
  return { label: `${handle}'s ${label}`, noun };
}

/** The earliest point where the runs' streams differ, or null when every stream agrees throughout. */
export function firstDivergence(runs: readonly Run[]): Divergence | null {
  return compareStreams(runs).divergence;
}

function compareStreams(runs: readonly Run[]): {
  divergence: Divergence | null;
  compared: number;
  sampled: string[];
} {
  const per = runs.map((r) => streams(r.events));
  const names = [...new Set(per.flatMap((p) => [...p.byStream.keys()]))].sort();
  let best: { rank: [number, number]; d: Divergence } | null = null;
  let compared = 0;
  for (const name of names) {
    const lists = per.map((p) => p.byStream.get(name) ?? []);
    const family = name.slice(name.lastIndexOf(' ') + 1);
    // A run whose stream of this family was cut at a gap says nothing past its end: compared up to there.
    const type = family.split(':')[0]!; // callback:partitioner streams are cut with `callback`
    const known = lists.map((l, k) =>
      per[k]!.cut.has(family) || per[k]!.cut.has(type) ? l.length : Infinity,
    );
    const len = Math.min(Math.max(...lists.map((l) => l.length)), ...known);
    for (let i = 0; i < len; i++) {
      const at = lists.map((l) => l[i] ?? null);
      const whats = at.map((s) => s?.what ?? null);
      if (whats.every((w) => w === whats[0])) {
        compared++;
        continue;
      }
      // Rank: the earliest cell, then the earliest time into its run, of the steps that differ.
      const present = at.filter((s): s is Step => s !== null);
      const rank: [number, number] = [
        Math.min(...present.map((s) => s.cell ?? Number.MAX_SAFE_INTEGER)),
        Math.min(...present.map((s) => s.at)),
      ];
      if (!best || rank[0] < best.rank[0] || (rank[0] === best.rank[0] && rank[1] < best.rank[1])) {
        const { label, noun } = streamWords(name);
        const position = `${noun} ${i + 1}`;
        const parts = runs.map(
          (r, k) => `${r.label}: ${whats[k] ?? 'none'}${k === 0 ? ` at ${position}` : ''}`,
        );
        best = {
          rank,
          d: {
            stream: name,
            streamLabel: label,
            index: i + 1,
            position,
            cell: present[0]?.cell ?? null,
            steps: runs.map((r, k) => ({
              label: r.label,
              what: whats[k] ?? null,
              cell: at[k]?.cell ?? null,
              seq: at[k]?.seq ?? null,
            })),
            summary: parts.join('; '),
          },
        };
      }
      break; // later steps of this stream follow from the first difference
    }
  }
  return {
    divergence: best?.d ?? null,
    compared,
    sampled: runs.filter((_, i) => per[i]!.sampled).map((r) => r.label),
  };
}

/** Everything `run --matrix` and `compare` show about a set of runs. */
export function compareRuns(runs: readonly Run[]): Comparison {
  const { divergence, compared, sampled } = compareStreams(runs);
  return {
    labels: runs.map((r) => r.label),
    counts: countsByType(runs),
    drErrors: drErrorsByCode(runs),
    divergence,
    compared,
    sampled,
  };
}

/** "first difference in cell 4, rdkafka#producer-1's delivery reports: 2.0.2: … ; 2.15.1: …". */
export function divergenceSentence(d: Divergence | null, compared: number): string {
  if (!d) return `the event sequences agree (${compared} comparable events each)`;
  return `first difference${d.cell !== null ? ` in cell ${d.cell}` : ''}, ${d.streamLabel}: ${d.summary}`;
}
