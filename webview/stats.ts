// librdkafka statistics (the stats_cb JSON, fields per librdkafka's STATISTICS.md) turned into bounded time
// series per handle. Only the numbers the charts show are kept; the latest two raw objects are kept for the
// JSON tree and its "what changed" marks.

/** Points kept per handle; older ones are dropped in chunks. */
export const MAX_POINTS = 1800;

type Num = number | null;

/** A set of named series sharing the handle's time axis; series may appear later (filled with null before). */
export class SeriesGroup {
  readonly series = new Map<string, Num[]>();
  constructor(private readonly owner: HandleStats) {}

  set(name: string, value: Num): void {
    let s = this.series.get(name);
    if (!s) {
      s = new Array<Num>(this.owner.times.length - 1).fill(null);
      this.series.set(name, s);
    }
    s.push(value);
  }

  /** Pad series that got no value at the current point. */
  close(): void {
    const n = this.owner.times.length;
    for (const s of this.series.values()) while (s.length < n) s.push(null);
  }

  dropFront(k: number): void {
    for (const s of this.series.values()) s.splice(0, k);
  }
}

export class HandleStats {
  /**
   * When each sample was taken, in seconds since the epoch (fractional). librdkafka's own clock (`ts`, µs)
   * spaces them exactly; it is anchored to the wall clock by the sample that arrived soonest after it was
   * taken (stats wait on the queue until the handle is polled, so arrival times bunch up).
   */
  readonly times: number[] = [];
  private readonly tsUs: (number | null)[] = [];
  /** Wall-clock ms minus librdkafka ts in ms, the smallest seen (the least-delayed sample). */
  private offsetMs = Infinity;
  readonly rates: SeriesGroup = new SeriesGroup(this);
  readonly queue: SeriesGroup = new SeriesGroup(this);
  readonly rtt: SeriesGroup = new SeriesGroup(this);
  readonly intLatency: SeriesGroup = new SeriesGroup(this);
  readonly outbuf: SeriesGroup = new SeriesGroup(this);
  /** consumer_lag: behind the committed offset (what the group has committed). */
  readonly lag: SeriesGroup = new SeriesGroup(this);
  /** consumer_lag_stored: behind the stored offset (what the application has processed, not yet committed). */
  readonly lagStored: SeriesGroup = new SeriesGroup(this);
  readonly rebalance: SeriesGroup = new SeriesGroup(this);
  latest: Record<string, unknown> | null = null;
  previous: Record<string, unknown> | null = null;
  count = 0;
  type = '';
  private prevTx: number | null = null;
  private prevRx: number | null = null;
  private prevTs: number | null = null;

  constructor(readonly handle: string) {}

  groups(): SeriesGroup[] {
    return [
      this.rates,
      this.queue,
      this.rtt,
      this.intLatency,
      this.outbuf,
      this.lag,
      this.lagStored,
      this.rebalance,
    ];
  }

  add(time: number, s: Record<string, unknown>): void {
    this.count++;
    this.previous = this.latest;
    this.latest = s;
    if (typeof s.type === 'string') this.type = s.type;
    const ts0 = num(s.ts);
    if (ts0 !== null && time - ts0 / 1000 < this.offsetMs) {
      this.offsetMs = time - ts0 / 1000;
      // A better anchor: place the earlier samples by it too.
      for (let i = 0; i < this.times.length; i++) {
        const t = this.tsUs[i];
        if (t !== null && t !== undefined) this.times[i] = (t / 1000 + this.offsetMs) / 1000;
      }
    }
    this.times.push((ts0 !== null ? ts0 / 1000 + this.offsetMs : time) / 1000);
    this.tsUs.push(ts0);

    // Rates from the ever-increasing counters over librdkafka's own monotonic clock (µs).
    const ts = num(s.ts);
    const tx = num(s.txmsgs);
    const rx = num(s.rxmsgs);
    const dt = ts !== null && this.prevTs !== null ? (ts - this.prevTs) / 1e6 : null;
    const rate = (cur: Num, prev: Num): Num =>
      cur !== null && prev !== null && dt !== null && dt > 0 && cur >= prev ? (cur - prev) / dt : null;
    this.rates.set('txmsgs/s', rate(tx, this.prevTx));
    this.rates.set('rxmsgs/s', rate(rx, this.prevRx));
    this.prevTs = ts;
    this.prevTx = tx;
    this.prevRx = rx;

    this.queue.set('msg_cnt', num(s.msg_cnt));
    this.queue.set('msg_size', num(s.msg_size));

    const brokers = obj(s.brokers);
    if (brokers) {
      for (const [key, bv] of Object.entries(brokers)) {
        const b = obj(bv);
        if (!b) continue;
        // Bootstrap (nodeid -1), internal and logical (coordinator) brokers carry no traffic of their own.
        const nodeid = num(b.nodeid);
        if ((nodeid !== null && nodeid < 0) || b.source === 'internal' || b.source === 'logical') continue;
        const name = typeof b.nodeid === 'number' ? `broker ${b.nodeid}` : key;
        const rtt = obj(b.rtt);
        const il = obj(b.int_latency);
        this.rtt.set(`${name} avg`, ms(rtt?.avg, rtt?.cnt));
        this.rtt.set(`${name} p99`, ms(rtt?.p99, rtt?.cnt));
        this.intLatency.set(`${name} avg`, ms(il?.avg, il?.cnt));
        this.intLatency.set(`${name} p99`, ms(il?.p99, il?.cnt));
        this.outbuf.set(name, num(b.outbuf_cnt));
      }
    }

    const topics = obj(s.topics);
    if (topics) {
      for (const [tname, tv] of Object.entries(topics)) {
        const parts = obj(obj(tv)?.partitions);
        if (!parts) continue;
        for (const pv of Object.values(parts)) {
          const p = obj(pv);
          const id = num(p?.partition);
          if (!p || id === null || id < 0) continue; // -1 is librdkafka's internal UA partition
          // -1 means "not known" (no committed/stored offset or watermark yet: a sentinel, not a lag);
          // only partitions that ever had a lag are charted.
          const lag = num(p.consumer_lag);
          if (lag !== null && lag >= 0) this.lag.set(`${tname} [${id}]`, lag);
          const stored = num(p.consumer_lag_stored);
          if (stored !== null && stored >= 0) this.lagStored.set(`${tname} [${id}]`, stored);
        }
      }
    }

    const cgrp = obj(s.cgrp);
    if (cgrp) this.rebalance.set('rebalance_cnt', num(cgrp.rebalance_cnt));

    for (const g of this.groups()) g.close();
    if (this.times.length > MAX_POINTS) {
      const k = Math.ceil(MAX_POINTS / 10);
      this.times.splice(0, k);
      this.tsUs.splice(0, k);
      for (const g of this.groups()) g.dropFront(k);
    }
  }
}

const num = (v: unknown): Num => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
/** A rolling-window value in µs → ms, or null when the window saw nothing (librdkafka reports 0s then). */
const ms = (v: unknown, cnt: unknown): Num => {
  const n = num(v);
  return n === null || num(cnt) === 0 ? null : n / 1000;
};

/**
 * Scalar leaves that differ between two stats objects: path ("brokers.x.rtt.avg") → previous value
 * (undefined when the leaf is new).
 */
export function changedLeaves(
  prev: unknown,
  cur: unknown,
  path = '',
  out = new Map<string, unknown>(),
): Map<string, unknown> {
  const c = obj(cur);
  if (c) {
    const p = obj(prev);
    for (const [k, v] of Object.entries(c))
      changedLeaves(p ? p[k] : undefined, v, path ? `${path}.${k}` : k, out);
    return out;
  }
  if (Array.isArray(cur)) {
    const p = Array.isArray(prev) ? prev : [];
    cur.forEach((v, i) => changedLeaves(p[i], v, `${path}.${i}`, out));
    return out;
  }
  if (prev !== cur) out.set(path, prev);
  return out;
}
