// Which STATISTICS.md row documents a leaf of the stats JSON: follows the document's own structure (a field
// of type object that says "See **brokers** below" or "See *Window stats*" leads to that section; a
// "dict"/"key is …" object skips one key level, the broker's or topic's name). Pure.
import type { StatsDocs, StatsFieldDoc } from './types.ts';

export interface FieldDoc extends StatsFieldDoc {
  /** The section and field as people read them: "brokers › rtt › p99". */
  where: string;
}

const TOP = 'top-level';

/** The section a field of type object refers to, and whether its keys are names (a dict). */
function reference(d: StatsFieldDoc, docs: StatsDocs): { section: string | null; dict: boolean } {
  const m = /See \*{1,2}([^*]+)\*{1,2}/i.exec(d.description);
  const dict = /\bdict\b|\bkey is\b/i.test(d.description);
  const named = m?.[1]!.trim().toLowerCase();
  if (named && docs.sections[named]) return { section: named, dict };
  if (docs.sections[d.field]) return { section: d.field, dict };
  return { section: null, dict };
}

/** The doc of the stats leaf at `path` (["brokers", "localhost:9092/1", "rtt", "p99"]), if documented. */
export function docFor(docs: StatsDocs | null, path: readonly string[]): FieldDoc | null {
  if (!docs || path.length === 0) return null;
  let section = TOP;
  let owner: StatsFieldDoc | null = null;
  const where: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const rows = docs.sections[section];
    const key = path[i]!;
    const d = rows?.find((r) => r.field === key);
    if (!d) {
      // A counter object whose keys are names of things (brokers.*.req: request name → count).
      if (owner && owner.type === 'object' && i === path.length - 1)
        return {
          field: key,
          type: 'int',
          unit: 'requests',
          description: `${key}: ${owner.description}`,
          where: [...where, key].join(' › '),
        };
      return null;
    }
    where.push(d.field);
    if (i === path.length - 1) {
      const unit = d.unit ?? (section === 'window stats' ? windowUnit(d.field, owner) : undefined);
      return { ...d, ...(unit ? { unit } : {}), where: where.join(' › ') };
    }
    if (d.type !== 'object') return null;
    const ref = reference(d, docs);
    owner = d;
    if (ref.section) {
      section = ref.section;
      if (ref.dict) i++; // skip the broker's, topic's or partition's own key
    } else if (ref.dict && i === path.length - 2) {
      continue; // e.g. brokers.*.req: the last key is a name, handled above
    } else return null;
  }
  return null;
}

/** Window stats are "in microseconds unless otherwise stated": the owner (rtt, throttle, batchsize) says. */
function windowUnit(field: string, owner: StatsFieldDoc | null): string | undefined {
  if (field === 'cnt' || field === 'outofrange') return 'count';
  if (field === 'hdrsize') return 'bytes';
  const t = owner?.description ?? '';
  if (/milliseconds/i.test(t)) return 'ms';
  if (/\bbytes\b/i.test(t)) return 'bytes';
  if (/message counts/i.test(t)) return 'messages';
  return 'µs';
}

/** What a value means when it is one of the field's sentinels ("-1: unknown"), else null. */
export function sentinelMeaning(doc: StatsFieldDoc | null, value: unknown): string | null {
  if (!doc?.sentinels || typeof value !== 'number') return null;
  return doc.sentinels.find((s) => s.value === value)?.meaning ?? null;
}

/** One line for a tooltip: "brokers › rtt › p99 (int gauge, µs): 99th percentile". */
export function docLine(d: FieldDoc): string {
  const meta = [d.type, d.unit].filter(Boolean).join(', ');
  return `${d.where}${meta ? ` (${meta})` : ''}: ${d.description}`;
}
