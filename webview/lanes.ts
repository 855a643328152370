// The timeline's lane strip: for each lane (delivery reports, requests, faults, rebalances, logs, errors)
// the times of its newest events and whether each was a failure, so the strip can draw where they fall
// over the run. Bounded per lane. Pure.
import type { Lane } from './kinds.ts';

export const LANES: readonly Exclude<Lane, null>[] = ['dr', 'request', 'fault', 'rebalance', 'log', 'error'];
export const LANE_LABELS: Record<Exclude<Lane, null>, string> = {
  dr: 'delivery reports',
  request: 'requests',
  fault: 'faults',
  rebalance: 'rebalances',
  log: 'logs',
  error: 'errors',
};
/** Times kept per lane (a power of two: the ring index is a mask). */
const KEPT = 16_384;
const MASK = KEPT - 1;

export class LaneTimes {
  readonly times = new Float64Array(KEPT);
  readonly bad = new Uint8Array(KEPT);
  /** Events ever placed on the lane. */
  total = 0;

  push(time: number, bad: boolean): void {
    const i = this.total & MASK;
    this.times[i] = time;
    this.bad[i] = bad ? 1 : 0;
    this.total++;
  }

  /** Counts per column over [t0, t1]: [ok, bad] arrays of `columns` entries. */
  histogram(t0: number, t1: number, columns: number): [Uint32Array, Uint32Array] {
    const ok = new Uint32Array(columns);
    const bad = new Uint32Array(columns);
    const span = Math.max(1, t1 - t0);
    for (let i = Math.max(0, this.total - KEPT); i < this.total; i++) {
      const t = this.times[i & MASK]!;
      const c = Math.min(columns - 1, Math.max(0, Math.floor(((t - t0) / span) * columns)));
      if (this.bad[i & MASK]) bad[c]!++;
      else ok[c]!++;
    }
    return [ok, bad];
  }
}

export class Lanes {
  readonly lanes = new Map<Exclude<Lane, null>, LaneTimes>(LANES.map((l) => [l, new LaneTimes()]));
  first = Infinity;
  last = -Infinity;
  /** The lane last added to, kept at hand: streams come in runs of one kind. */
  private lastLane: Exclude<Lane, null> | null = null;
  private lastTimes: LaneTimes | null = null;

  readonly add = (lane: Exclude<Lane, null>, time: number, bad: boolean): void => {
    if (lane !== this.lastLane) {
      this.lastLane = lane;
      this.lastTimes = this.lanes.get(lane)!;
    }
    this.lastTimes!.push(time, bad);
    if (time < this.first) this.first = time;
    if (time > this.last) this.last = time;
  };
}
