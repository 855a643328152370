// One-line summaries and small formatters for events; pure, used by the timeline, its search and the report.
import { LOG_LEVELS, type PanelEvent } from './types.ts';

const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
const tp = (p: unknown): string => {
  const o = (p ?? {}) as { topic?: unknown; partition?: unknown };
  return `${str(o.topic)}[${str(o.partition)}]`;
};
const errText = (d: Record<string, unknown>): string =>
  d.err === 0 || d.err === undefined ? '' : ` ${str(d.errName) || `err ${str(d.err)}`}`;

export function levelName(level: unknown): string {
  return typeof level === 'number' && LOG_LEVELS[level] ? LOG_LEVELS[level] : `level ${str(level)}`;
}

/** A short human line for one event (what the timeline row shows and its text search matches). */
export function summary(e: PanelEvent): string {
  const d = e.data;
  switch (e.type) {
    case 'dr': {
      const lat = typeof d.latencyUs === 'number' ? ` in ${formatUs(d.latencyUs)}` : '';
      return `${str(d.topic)} [${str(d.partition)}] @${str(d.offset)} ${str(d.len)} B${lat}${errText(d)}`;
    }
    case 'consume':
      return `${str(d.topic)} [${str(d.partition)}] @${str(d.offset)} ${str(d.len)} B${errText(d)}`;
    case 'stats':
      return `${str(d.type)} ${str(d.name)} txmsgs=${str(d.txmsgs)} rxmsgs=${str(d.rxmsgs)} msg_cnt=${str(d.msg_cnt)}`;
    case 'log':
      return `${levelName(d.level)} ${str(d.facility)}: ${str(d.message)}`;
    case 'error':
      return `${d.fatal ? 'FATAL ' : ''}${str(d.errName)}: ${str(d.reason)}`;
    case 'rebalance': {
      const parts = Array.isArray(d.partitions) ? d.partitions : [];
      return `${str(d.kind)} ${parts.length} partition(s)${errText(d)}: ${parts.slice(0, 8).map(tp).join(' ')}${parts.length > 8 ? ' …' : ''}`;
    }
    case 'offset_commit': {
      const parts = Array.isArray(d.partitions) ? d.partitions : [];
      return `${parts.length} partition(s)${errText(d)}: ${parts.slice(0, 8).map(tp).join(' ')}`;
    }
    case 'throttle':
      return `${str(d.broker)} (id ${str(d.brokerId)}) throttled ${str(d.throttleMs)} ms`;
    case 'handle_created':
      return `${str(d.kind)} ${str(d.name)}`;
    case 'handle_destroyed':
      return str(d.name);
    case 'background_event':
    case 'event':
      return `${str(d.eventName)} (${str(d.eventType)})`;
    case 'callback':
      return `${str(d.name)}(${truncate(JSON.stringify(d.args ?? []).slice(1, -1), 160)})`;
    case 'dropped': {
      const c = (d.counts ?? {}) as Record<string, unknown>;
      return `not sent individually under load: ${Object.entries(c)
        .map(([k, v]) => `${k} ${str(v)}`)
        .join(', ')}`;
    }
    default:
      return truncate(JSON.stringify(d), 200);
  }
}

export function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export function formatUs(us: number): string {
  if (us < 1000) return `${Math.round(us)} µs`;
  if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 2 : 1)} ms`;
  return `${(us / 1e6).toFixed(2)} s`;
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** Severity class of an event for its row colour: error, warning or none. */
export function severity(e: PanelEvent): 'error' | 'warning' | '' {
  const d = e.data;
  if (e.type === 'error') return 'error';
  if (
    (e.type === 'dr' || e.type === 'consume' || e.type === 'offset_commit') &&
    d.err !== 0 &&
    d.err !== undefined
  )
    return 'error';
  if (e.type === 'log' && typeof d.level === 'number')
    return d.level <= 3 ? 'error' : d.level === 4 ? 'warning' : '';
  if (e.type === 'throttle' || e.type === 'dropped') return 'warning';
  return '';
}
