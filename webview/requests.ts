// Requests the mock brokers received (`request` events, librdkafka 2.3+ request tracking): counts per API
// and broker, when they came (for rates and the spacing of heartbeats), and which of them were answered with
// an error a fault pushed (the first N requests of that API after `push N request errors`), so the
// retries that followed show. Bounded: the newest TIMES_KEPT per API are kept with their times. Pure.
import type { FaultAction, FaultArg } from './types.ts';

export const TIMES_KEPT = 20_000;

export interface ApiTotals {
  api: string;
  apiKey: number;
  total: number;
  byBroker: Map<number, number>;
  /** Requests answered with a pushed error. */
  errored: number;
  /** Requests that followed an errored one of the same API (the client's retries). */
  retries: number;
  /** Error names pushed for this API, with how many were used. */
  errors: Map<string, number>;
  times: Float64Array;
  brokers: Int32Array;
  /** Requests ever recorded in `times` (its ring index). */
  n: number;
}

interface Push {
  time: number;
  apiKey: number;
  broker: number | null;
  left: number;
  error: string;
}

export class RequestStats {
  readonly apis = new Map<number, ApiTotals>();
  readonly brokers = new Set<number>();
  total = 0;
  first = Infinity;
  last = -Infinity;
  /**
   * Times the kernel cleared the mock's request list (`requests_cleared`), those forced by its length
   * rather than a lull, and the microseconds in all between a read and its clear, when arriving requests
   * are not seen (the mock API cannot say how many).
   */
  clears = 0;
  forcedClears = 0;
  unseenUs = 0;
  private pushes: Push[] = [];
  /** Errored requests of an API not yet followed by a retry. */
  private owed = new Map<number, number>();

  cleared(windowUs: number, quiet: boolean): void {
    this.clears++;
    if (!quiet) this.forcedClears++;
    this.unseenUs += windowUs;
  }

  /** What the clears mean for the counts, or '' when the list was never cleared. */
  clearsNote(): string {
    if (this.clears === 0) return '';
    const us = Math.round(this.unseenUs);
    const how =
      this.forcedClears === 0
        ? 'each in a lull, after 100 ms without a new request'
        : `${this.forcedClears} of them because it grew too long during steady traffic`;
    return `The mock's request list was read and cleared ${this.clears} time(s) (${how}): librdkafka's mock API offers only get-all and clear-all, so requests that arrived in the ${us} µs in all between a read and its clear may be missing here (the API cannot say how many).`;
  }

  add(time: number, api: string, apiKey: number, broker: number): void {
    let a = this.apis.get(apiKey);
    if (!a) {
      a = {
        api,
        apiKey,
        total: 0,
        byBroker: new Map(),
        errored: 0,
        retries: 0,
        errors: new Map(),
        times: new Float64Array(TIMES_KEPT),
        brokers: new Int32Array(TIMES_KEPT),
        n: 0,
      };
      this.apis.set(apiKey, a);
    }
    a.total++;
    this.total++;
    a.byBroker.set(broker, (a.byBroker.get(broker) ?? 0) + 1);
    this.brokers.add(broker);
    a.times[a.n % TIMES_KEPT] = time;
    a.brokers[a.n % TIMES_KEPT] = broker;
    a.n++;
    if (time < this.first) this.first = time;
    if (time > this.last) this.last = time;

    const owed = this.owed.get(apiKey) ?? 0;
    if (owed > 0) {
      a.retries++;
      this.owed.set(apiKey, owed - 1);
    }
    // A broker's own error stack is served before the cluster's (rdkafka_mock.c).
    const push =
      this.pushes.find((p) => p.apiKey === apiKey && p.broker === broker && p.left > 0 && p.time <= time) ??
      this.pushes.find((p) => p.apiKey === apiKey && p.broker === null && p.left > 0 && p.time <= time);
    if (push) {
      push.left--;
      a.errored++;
      a.errors.set(push.error, (a.errors.get(push.error) ?? 0) + 1);
      this.owed.set(apiKey, (this.owed.get(apiKey) ?? 0) + 1);
      if (push.left === 0) this.pushes = this.pushes.filter((p) => p.left > 0);
    }
  }

  /**
   * A fault that pushes request errors: an action with an ApiKey, a count and an error among its
   * parameters (per broker when it has a broker id too). Other faults are ignored here.
   */
  fault(
    time: number,
    action: FaultAction | undefined,
    args: FaultArg[],
    errorName: (code: number) => string,
  ): void {
    if (!action) return;
    const at = (kind: string) => action.params.findIndex((p) => p.kind === kind);
    const ai = at('apiKey');
    const ci = at('count');
    const ei = at('error');
    if (ai < 0 || ci < 0 || ei < 0) return;
    const count = Number(args[ci]);
    if (!(count > 0)) return;
    const bi = at('broker');
    const err = args[ei];
    this.pushes.push({
      time,
      apiKey: Number(args[ai]),
      broker: bi >= 0 ? Number(args[bi]) : null,
      left: count,
      error: typeof err === 'number' ? errorName(err) : String(err),
    });
    if (this.pushes.length > 1000) this.pushes.shift();
  }

  /** Times (epoch ms) of the requests of one API still held, oldest first, with their brokers. */
  held(a: ApiTotals): { times: number[]; brokers: number[] } {
    const from = Math.max(0, a.n - TIMES_KEPT);
    const times: number[] = [];
    const brokers: number[] = [];
    for (let i = from; i < a.n; i++) {
      times.push(a.times[i % TIMES_KEPT]!);
      brokers.push(a.brokers[i % TIMES_KEPT]!);
    }
    return { times, brokers };
  }

  /** Median milliseconds between consecutive requests of an API to the same broker (heartbeat spacing). */
  medianGap(a: ApiTotals): number | null {
    const { times, brokers } = this.held(a);
    const lastOn = new Map<number, number>();
    const gaps: number[] = [];
    for (let i = 0; i < times.length; i++) {
      const prev = lastOn.get(brokers[i]!);
      if (prev !== undefined) gaps.push(times[i]! - prev);
      lastOn.set(brokers[i]!, times[i]!);
    }
    if (gaps.length === 0) return null;
    gaps.sort((x, y) => x - y);
    return gaps[Math.floor(gaps.length / 2)]!;
  }

  /**
   * Counts per time bucket for the busiest APIs: bucket width (ms), bucket starts (epoch s), [api, counts][]. The
   * bucket width follows the span (about 60 buckets, at least 100 ms), so a 2-second run has a shape too.
   */
  series(maxApis = 6): { width: number; xs: number[]; series: [string, number[]][] } {
    if (this.total === 0) return { width: 1000, xs: [], series: [] };
    const span = Math.max(1, this.last - this.first);
    const width = Math.max(100, niceWidth(span / 60));
    const start = Math.floor(this.first / width) * width;
    const n = Math.floor((this.last - start) / width) + 1;
    const xs = Array.from({ length: n }, (_, i) => (start + i * width) / 1000);
    const busiest = [...this.apis.values()].sort((x, y) => y.total - x.total).slice(0, maxApis);
    const out: [string, number[]][] = busiest.map((a) => {
      const counts = new Array<number>(n).fill(0);
      for (const t of this.held(a).times) {
        const b = Math.floor((t - start) / width);
        if (b >= 0 && b < n) counts[b]!++;
      }
      return [a.api, counts];
    });
    return { width, xs, series: out };
  }
}

/** 100, 200, 500, 1000, 2000, 5000 … ms. */
function niceWidth(ms: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(Math.max(1, ms))));
  for (const m of [1, 2, 5, 10]) if (m * p >= ms) return m * p;
  return 10 * p;
}
