// The per-machine record of which peers ran: a benchmark that quietly drops its main comparison answers the
// wrong question, so a peer that ran here before and is missing now fails `npm run bench`. Pure: the
// caller reads and writes the file ($CACHE/bench/peers.json).
import type { CaseResult } from './stats.ts';

/** Per setting (e.g. "mock" or "real"): peer implementation name → when it last ran (ISO date). */
export type PeerRecord = Record<string, Record<string, string>>;

export interface PeerOutcome {
  impl: string;
  /** Selected for this run (by --only) and applicable to its options. */
  attempted: boolean;
  ran: boolean;
  /** Why it did not run. */
  why?: string;
}

export interface Missing {
  impl: string;
  lastRan: string;
  why: string;
}

/** A peer's outcome from its result row: it ran when at least one round produced a figure. */
export function outcome(r: CaseResult | undefined, impl: string, inapplicable: string | null): PeerOutcome {
  if (inapplicable) return { impl, attempted: false, ran: false, why: inapplicable };
  if (!r) return { impl, attempted: false, ran: false };
  const ran = r.runs.length > 0;
  return { impl, attempted: true, ran, ...(ran ? {} : { why: r.skipped ?? r.failures?.[0] ?? 'no result' }) };
}

/** Peers recorded as having run under `setting` that were tried now and did not run. */
export function missingPeers(record: PeerRecord, setting: string, now: readonly PeerOutcome[]): Missing[] {
  const before = record[setting] ?? {};
  return now
    .filter((o) => o.attempted && !o.ran && before[o.impl])
    .map((o) => ({ impl: o.impl, lastRan: before[o.impl]!, why: o.why ?? 'unknown' }));
}

/**
 * The record after this run: peers that ran get today's date; the others keep theirs, so a peer that
 * broke keeps failing the bench until it runs again (or is removed from the file by hand).
 */
export function updateRecord(
  record: PeerRecord,
  setting: string,
  now: readonly PeerOutcome[],
  date: string,
): PeerRecord {
  const next: Record<string, string> = { ...(record[setting] ?? {}) };
  for (const o of now) if (o.ran) next[o.impl] = date;
  return { ...record, [setting]: next };
}

/** Parses the record file's text; a missing or unreadable file is an empty record. */
export function parseRecord(text: string | null): PeerRecord {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
    const out: PeerRecord = {};
    for (const [k, m] of Object.entries(v as Record<string, unknown>))
      if (m && typeof m === 'object' && !Array.isArray(m))
        out[k] = Object.fromEntries(
          Object.entries(m as Record<string, unknown>).filter(([, d]) => typeof d === 'string'),
        ) as Record<string, string>;
    return out;
  } catch {
    return {};
  }
}
