// What the panel does with each event type, in one table over the protocol's KernelEventType: a new
// event type does not compile until it has a summary, a severity and a lane here. Pure (no DOM).
import type { EventData, KernelEventType } from '../protocol/index.ts';
import { LOG_LEVELS, type PanelEvent } from './types.ts';

export type Severity = 'error' | 'warning' | '';
/** Rows of the timeline's lane strip (see lanes.ts); null: the type has no lane. */
export type Lane = 'dr' | 'request' | 'fault' | 'rebalance' | 'log' | 'error' | null;

interface Kind<T extends KernelEventType> {
  summary: (d: EventData<T>) => string;
  severity: (d: EventData<T>) => Severity;
  lane: Lane | ((d: EventData<T>) => Lane);
}
type Kinds = { [T in KernelEventType]: Kind<T> };

// Fields are read through these: an event from another kernel version may lack one.
const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
const tp = (p: unknown): string => {
  const o = (p ?? {}) as { topic?: unknown; partition?: unknown };
  return `${str(o.topic)}[${str(o.partition)}]`;
};
const errText = (d: { err?: unknown; errName?: unknown }): string =>
  d.err === 0 || d.err === undefined ? '' : ` ${str(d.errName) || `err ${str(d.err)}`}`;
const failed = (d: { err?: unknown }): Severity => (d.err !== 0 && d.err !== undefined ? 'error' : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const none = (): Severity => '';

export function levelName(level: unknown): string {
  return typeof level === 'number' && LOG_LEVELS[level] ? LOG_LEVELS[level] : `level ${str(level)}`;
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function formatUs(us: number): string {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 2 : 1)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

const KINDS: Kinds = {
  dr: {
    summary: (d) => {
      const lat = typeof d.latencyUs === 'number' ? ` in ${formatUs(d.latencyUs)}` : '';
      return `${str(d.topic)} [${str(d.partition)}] @${str(d.offset)} ${str(d.len)} B${lat}${errText(d)}`;
    },
    severity: failed,
    lane: 'dr',
  },
  consume: {
    summary: (d) => `${str(d.topic)} [${str(d.partition)}] @${str(d.offset)} ${str(d.len)} B${errText(d)}`,
    severity: failed,
    lane: null,
  },
  stats: {
    summary: (d) =>
      `${str(d.type)} ${str(d.name)} txmsgs=${str(d.txmsgs)} rxmsgs=${str(d.rxmsgs)} msg_cnt=${str(d.msg_cnt)}`,
    severity: none,
    lane: null,
  },
  log: {
    summary: (d) => `${levelName(d.level)} ${str(d.facility)}: ${str(d.message)}`,
    severity: (d) =>
      typeof d.level === 'number' ? (d.level <= 3 ? 'error' : d.level === 4 ? 'warning' : '') : '',
    lane: 'log',
  },
  error: {
    summary: (d) => `${d.fatal ? 'FATAL ' : ''}${str(d.errName)}: ${str(d.reason)}`,
    severity: () => 'error',
    lane: 'error',
  },
  rebalance: {
    summary: (d) => {
      const parts = list(d.partitions);
      return `${str(d.kind)} ${parts.length} partition(s)${errText(d)}: ${parts.slice(0, 8).map(tp).join(' ')}${parts.length > 8 ? ' …' : ''}`;
    },
    severity: (d) => (d.kind === 'error' ? 'error' : ''),
    lane: 'rebalance',
  },
  offset_commit: {
    summary: (d) => {
      const parts = list(d.partitions);
      return `${parts.length} partition(s)${errText(d)}: ${parts.slice(0, 8).map(tp).join(' ')}`;
    },
    severity: failed,
    lane: null,
  },
  throttle: {
    summary: (d) => `${str(d.broker)} (id ${str(d.brokerId)}) throttled ${str(d.throttleMs)} ms`,
    severity: () => 'warning',
    lane: null,
  },
  handle_created: { summary: (d) => `${str(d.kind)} ${str(d.name)}`, severity: none, lane: null },
  handle_destroyed: { summary: (d) => str(d.name), severity: none, lane: null },
  oauthbearer_token_refresh: {
    summary: (d) => (d.config ? 'token refresh requested (config set)' : 'token refresh requested'),
    severity: none,
    lane: null,
  },
  background_event: {
    summary: (d) => `${str(d.eventName)} (${str(d.eventType)})`,
    severity: none,
    lane: null,
  },
  event: { summary: (d) => `${str(d.eventName)} (${str(d.eventType)})`, severity: none, lane: null },
  callback: {
    summary: (d) => `${str(d.name)}(${truncate(JSON.stringify(d.args ?? []).slice(1, -1), 160)})`,
    severity: none,
    lane: null,
  },
  dropped: {
    summary: (d) =>
      `not sent individually under load: ${Object.entries(d.counts ?? {})
        .map(([k, v]) => `${k} ${str(v)}`)
        .join(', ')}`,
    severity: () => 'warning',
    lane: null,
  },
  request: {
    summary: (d) => `${str(d.api) || `ApiKey ${str(d.apiKey)}`} to broker ${str(d.broker)}`,
    severity: none,
    lane: 'request',
  },
  fault: {
    summary: (d) =>
      `${d.source === 'cell' ? 'cell: ' : ''}${str(d.call)}${d.refused ? ` refused: ${str(d.refused)}` : errText(d)}`,
    severity: (d) => (d.refused || (d.err !== undefined && d.err !== 0) ? 'error' : 'warning'),
    lane: 'fault',
  },
  mock_cluster: {
    summary: (d) =>
      `mock cluster of ${list(d.brokers).length} brokers at ${str(d.bootstraps)}, ${list(d.actions).length} fault actions, request tracking ${d.requestTracking?.on ? 'on' : `off (${str((d.requestTracking as { reason?: unknown })?.reason)})`}`,
    severity: none,
    lane: null,
  },
  requests_cleared: {
    summary: (d) =>
      `the mock's request list (${str(d.held)} requests, all shown) was cleared${d.quiet ? ' in a lull' : ' (too long)'}: requests that arrived in the ${str(d.windowUs)} µs between reading and clearing it are not seen`,
    severity: none,
    lane: null,
  },
  handle_config: {
    summary: (d) =>
      `${str(d.name)}: ${Object.keys(d.config ?? {}).length} properties${d.redacted?.length ? `, ${d.redacted.length} secret(s) redacted` : ''}`,
    severity: none,
    lane: null,
  },
};

/** Types the protocol does not define (a newer kernel's) are not in the table. */
const KIND_OF = new Map<string, Kind<KernelEventType>>(
  Object.entries(KINDS) as [string, Kind<KernelEventType>][],
);
const kindOf = (type: string): Kind<KernelEventType> | undefined => KIND_OF.get(type);

/** A short human line for one event (what the timeline row shows and its text search matches). */
export function summary(e: PanelEvent): string {
  const k = kindOf(e.type);
  return k ? k.summary(e.data as never) : truncate(JSON.stringify(e.data), 200);
}

/** Severity class of an event for its row colour: error, warning or none. */
export function severity(e: PanelEvent): Severity {
  return kindOf(e.type)?.severity(e.data as never) ?? '';
}

/** The lane an event is drawn in on the timeline's strip, if any. */
export function laneOf(e: PanelEvent): Lane {
  const l = kindOf(e.type)?.lane;
  return typeof l === 'function' ? l(e.data as never) : (l ?? null);
}

/** For the store, once per event: its lane (null for none) and whether it is a failure there. */
export function placeOnLane(
  e: PanelEvent,
  add: (lane: Exclude<Lane, null>, time: number, bad: boolean) => void,
): void {
  const k = kindOf(e.type);
  if (!k) return;
  const l = typeof k.lane === 'function' ? k.lane(e.data as never) : k.lane;
  if (l !== null) add(l, e.time, k.severity(e.data as never) === 'error');
}
