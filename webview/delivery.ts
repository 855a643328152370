// Delivery-report aggregation: bounded, O(1) per report. Totals per topic/partition and per error code,
// messages per second, a log-scale latency histogram (percentiles read from it) and the latest failures.
import { Ring } from './ring.ts';
import type { DrData, PanelEvent } from './types.ts';

/** Latency histogram buckets: 8 per power of two from 1 µs to ~2^34 µs (≈ 4.8 h); ≤ 9 % relative error. */
const SUB = 8;
const BUCKETS = 35 * SUB;
/** Per-second rate history kept (seconds). */
export const RATE_SECONDS = 600;

export interface PartitionTotals {
  topic: string;
  partition: number;
  count: number;
  errors: number;
  bytes: number;
  lastOffset: number;
}

export interface ErrorTotals {
  err: number;
  errName: string;
  count: number;
}

export interface Failure {
  time: number;
  handle: string | null;
  topic: string;
  partition: number;
  err: number;
  errName: string;
}

export class DeliveryStats {
  count = 0;
  errors = 0;
  bytes = 0;
  /** topic → partition → totals (nested maps: no key string built per report). */
  readonly topics = new Map<string, Map<number, PartitionTotals>>();
  readonly errorCodes = new Map<number, ErrorTotals>();
  readonly histogram = new Float64Array(BUCKETS);
  latencyCount = 0;
  /** Per-second counts: second (epoch s) → [ok, failed, only counted]; only the last RATE_SECONDS are kept. */
  readonly perSecond = new Map<number, [number, number, number]>();
  readonly failures = new Ring<Failure>(200);
  private newestSecond = 0;

  add(e: PanelEvent): void {
    const d = e.data as unknown as DrData;
    const err = typeof d.err === 'number' ? d.err : 0;
    const len = typeof d.len === 'number' ? d.len : 0;
    this.count++;
    this.bytes += len;
    if (err !== 0) this.errors++;

    let byPartition = this.topics.get(d.topic);
    if (!byPartition) this.topics.set(d.topic, (byPartition = new Map()));
    let p = byPartition.get(d.partition);
    if (!p) {
      p = {
        topic: String(d.topic),
        partition: Number(d.partition),
        count: 0,
        errors: 0,
        bytes: 0,
        lastOffset: -1,
      };
      byPartition.set(d.partition, p);
    }
    p.count++;
    p.bytes += len;
    if (err !== 0) p.errors++;
    else if (typeof d.offset === 'number' && d.offset > p.lastOffset) p.lastOffset = d.offset;

    let ec = this.errorCodes.get(err);
    if (!ec) {
      ec = { err, errName: d.errName ?? (err === 0 ? 'NO_ERROR' : `error ${err}`), count: 0 };
      this.errorCodes.set(err, ec);
    }
    ec.count++;

    if (typeof d.latencyUs === 'number' && d.latencyUs >= 0) {
      this.histogram[bucketOf(d.latencyUs)]!++;
      this.latencyCount++;
    }

    this.slot(e.time)[err === 0 ? 0 : 1]++;

    if (err !== 0) {
      this.failures.push({
        time: e.time,
        handle: e.handle,
        topic: String(d.topic),
        partition: Number(d.partition),
        err,
        errName: ec.errName,
      });
    }
  }

  partitions(): PartitionTotals[] {
    return [...this.topics.values()].flatMap((m) => [...m.values()]);
  }

  /** Reports the kernel only counted (a `dropped` event at `time`): they still count in the rate. */
  addCounted(time: number, n: number): void {
    this.slot(time)[2] += n;
  }

  private slot(time: number): [number, number, number] {
    const sec = Math.floor(time / 1000);
    let slot = this.perSecond.get(sec);
    if (!slot) {
      slot = [0, 0, 0];
      this.perSecond.set(sec, slot);
      if (sec > this.newestSecond) {
        this.newestSecond = sec;
        if (this.perSecond.size > RATE_SECONDS + 16) {
          for (const s of this.perSecond.keys()) if (s <= sec - RATE_SECONDS) this.perSecond.delete(s);
        }
      }
    }
    return slot;
  }

  /** Latency at quantile q (0..1) in µs, from the histogram (upper edge of the bucket), or null without data. */
  percentile(q: number): number | null {
    if (this.latencyCount === 0) return null;
    const target = Math.max(1, Math.ceil(q * this.latencyCount));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.histogram[b]!;
      if (seen >= target) return bucketUpper(b);
    }
    return bucketUpper(BUCKETS - 1);
  }

  /** Non-empty histogram range as [bucket upper edges in µs, counts]. */
  histogramSeries(): [number[], number[]] {
    let lo = 0;
    let hi = BUCKETS - 1;
    while (lo < BUCKETS && this.histogram[lo] === 0) lo++;
    while (hi > lo && this.histogram[hi] === 0) hi--;
    const xs: number[] = [];
    const ys: number[] = [];
    for (let b = lo; b <= hi && lo < BUCKETS; b++) {
      xs.push(bucketUpper(b));
      ys.push(this.histogram[b]!);
    }
    return [xs, ys];
  }

  /**
   * Per-second series over the covered range (gaps filled with 0): [epoch seconds, ok/s, failed/s, only
   * counted/s (delivered or not, the kernel did not say)].
   */
  rateSeries(): [number[], number[], number[], number[]] {
    const secs = [...this.perSecond.keys()];
    if (secs.length === 0) return [[], [], [], []];
    const lo = Math.min(...secs);
    const hi = Math.max(...secs);
    const xs: number[] = [];
    const ok: number[] = [];
    const bad: number[] = [];
    const counted: number[] = [];
    // One empty second before (and, for a burst shorter than 3 s, after) so a burst shows as a rise and fall.
    const from = Math.max(lo, hi - RATE_SECONDS + 1) - 1;
    const to = hi - from < 3 ? hi + 1 : hi;
    for (let s = from; s <= to; s++) {
      const slot = this.perSecond.get(s);
      xs.push(s);
      ok.push(slot ? slot[0] : 0);
      bad.push(slot ? slot[1] : 0);
      counted.push(slot ? slot[2] : 0);
    }
    return [xs, ok, bad, counted];
  }
}

export function bucketOf(us: number): number {
  if (us < 1) return 0;
  return Math.min(BUCKETS - 1, Math.floor(Math.log2(us) * SUB));
}

export function bucketUpper(b: number): number {
  return Math.pow(2, (b + 1) / SUB);
}
