// The events a report keeps of a run, bounded however long the run: per type the first and the last
// events in detail, the rest only counted — in `dropped` events, as the kernel's own stream does under load
// (protocol/index.ts), one per second of the run so that rates over time stay right. The panel's store
// adds `dropped` counts to what it observed, so the report's totals are the run's exact counts. Handle
// lifecycle events are always kept: a destroyed handle never shows as live. Pure.
import type { KernelEvent } from '../protocol/index.ts';

export interface SampleLimit {
  /** Events of each type kept from the start of the run. */
  head: number;
  /** Events of each type kept from its end. */
  tail: number;
}

export const REPORT_SAMPLE: SampleLimit = { head: 10_000, tail: 10_000 };

/** Never sampled: few, and what the handles view is built from. */
const ALWAYS: ReadonlySet<string> = new Set([
  'handle_created',
  'handle_destroyed',
  'handle_config',
  'mock_cluster',
  'fault',
  'requests_cleared',
]);

interface PerType {
  head: KernelEvent[];
  /** Ring of the newest events past the head. */
  tail: KernelEvent[];
  next: number;
}

export class EventSample {
  /** Exact number of events per type the kernel observed (sent in detail or counted). */
  readonly counts: Record<string, number> = {};
  private readonly types = new Map<string, PerType>();
  private readonly always: KernelEvent[] = [];
  /** Counted, not kept: per second of the run (epoch seconds), per type. */
  private readonly counted = new Map<number, Record<string, number>>();
  /** Of those, the failed delivery reports per error name (a comparison's errors by code stay exact). */
  private readonly countedDrErrors = new Map<number, Record<string, number>>();
  private lastSeq = 0;
  /** Events received in detail that the sample did not keep. */
  private thinned = 0;

  constructor(readonly limit: SampleLimit = REPORT_SAMPLE) {}

  add(e: KernelEvent): void {
    this.lastSeq = Math.max(this.lastSeq, e.seq);
    if (e.type === 'dropped') {
      for (const [t, n] of Object.entries(e.data.counts)) {
        this.counts[t] = (this.counts[t] ?? 0) + n;
        this.count(e.time, t, n);
      }
      for (const [name, n] of Object.entries(e.data.drErrors ?? {})) this.countDrError(e.time, name, n);
      return;
    }
    this.counts[e.type] = (this.counts[e.type] ?? 0) + 1;
    if (ALWAYS.has(e.type)) {
      this.always.push(e);
      return;
    }
    let p = this.types.get(e.type);
    if (!p) this.types.set(e.type, (p = { head: [], tail: [], next: 0 }));
    if (p.head.length < this.limit.head) {
      p.head.push(e);
      return;
    }
    if (this.limit.tail <= 0) return this.thin(e);
    if (p.tail.length < this.limit.tail) {
      p.tail.push(e);
      return;
    }
    this.thin(p.tail[p.next]!);
    p.tail[p.next] = e;
    p.next = (p.next + 1) % this.limit.tail;
  }

  private thin(e: KernelEvent): void {
    this.thinned++;
    this.count(e.time, e.type, 1);
    if (e.type === 'dr' && e.data.err) this.countDrError(e.time, e.data.errName ?? String(e.data.err), 1);
  }

  private countDrError(time: number, name: string, n: number): void {
    const second = Math.floor(time / 1000);
    let c = this.countedDrErrors.get(second);
    if (!c) this.countedDrErrors.set(second, (c = {}));
    c[name] = (c[name] ?? 0) + n;
  }

  private count(time: number, type: string, n: number): void {
    const second = Math.floor(time / 1000);
    let c = this.counted.get(second);
    if (!c) this.counted.set(second, (c = {}));
    c[type] = (c[type] ?? 0) + n;
  }

  /** Whether some events are only counted in the sample (by the kernel under load, or by the sample). */
  get sampled(): boolean {
    return this.counted.size > 0;
  }

  /** Exact number of events observed, all types. */
  get total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  /** Events kept in detail. */
  get detailed(): number {
    let n = this.always.length;
    for (const p of this.types.values()) n += p.head.length + p.tail.length;
    return n;
  }

  /** Events the kernel sent in detail that the sample only counts. */
  get thinnedOut(): number {
    return this.thinned;
  }

  /** The sample in time order: the kept events and one `dropped` event per second with the counts. */
  events(): KernelEvent[] {
    const out: KernelEvent[] = [...this.always];
    for (const p of this.types.values())
      out.push(...p.head, ...p.tail.slice(p.next), ...p.tail.slice(0, p.next));
    for (const [second, counts] of this.counted) {
      const drErrors = this.countedDrErrors.get(second);
      out.push({
        seq: this.lastSeq,
        // The end of its second: after the detailed events of that second.
        time: second * 1000 + 999,
        handle: null,
        cell: null,
        type: 'dropped',
        data: drErrors ? { counts, drErrors } : { counts },
      });
    }
    return out.sort((a, b) => a.time - b.time || a.seq - b.seq);
  }
}
