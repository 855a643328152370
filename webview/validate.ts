// The panel trusts only its host, and only messages of the agreed shapes. Anything else is ignored
// (counted, so a broken host shows up in the panel's status line instead of silently rendering garbage).
import type { HostToPanel, PanelEvent, PanelKernelInfo, StatsDocs } from './types.ts';

/** A host message as the panel keeps it: events with their `data` read field by field. */
export type ReceivedMessage =
  Exclude<HostToPanel, { type: 'events' }> | { type: 'events'; events: PanelEvent[] };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One event if it has the fields every event carries; null otherwise. Unknown extra fields are kept. */
export function toEvent(v: unknown): PanelEvent | null {
  if (!isObject(v)) return null;
  const { seq, time, type, handle, cell, data } = v;
  if (typeof type !== 'string' || type.length === 0 || type.length > 64) return null;
  if (typeof seq !== 'number' || !Number.isFinite(seq)) return null;
  if (typeof time !== 'number' || !Number.isFinite(time)) return null;
  if (handle !== null && handle !== undefined && typeof handle !== 'string') return null;
  if (cell !== null && cell !== undefined && typeof cell !== 'number') return null;
  if (data !== undefined && !isObject(data)) return null;
  return v as unknown as PanelEvent & { data: Record<string, unknown> };
}

export interface Parsed {
  message: ReceivedMessage | null;
  /** Events of an `events` message that were not events (dropped, counted). */
  rejected: number;
}

const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function kernelInfo(v: unknown): PanelKernelInfo | null {
  if (!isObject(v)) return null;
  return {
    librdkafka: strOrNull(v.librdkafka),
    bootstrap: strOrNull(v.bootstrap),
    state: typeof v.state === 'string' ? v.state : 'unknown',
    interactive: v.interactive === true,
  };
}

function statsDocs(v: unknown): StatsDocs | null {
  if (!isObject(v) || typeof v.source !== 'string' || !isObject(v.sections)) return null;
  const sections: StatsDocs['sections'] = {};
  for (const [name, rows] of Object.entries(v.sections)) {
    if (!Array.isArray(rows)) continue;
    sections[name] = rows.filter(
      (r): r is StatsDocs['sections'][string][number] =>
        isObject(r) && typeof r.field === 'string' && typeof r.description === 'string',
    );
  }
  return { source: v.source, approximate: v.approximate === true, sections };
}

/**
 * A host message if `data` has one of the agreed shapes: `{type:'events', events:[…]}`, `{type:'reset'}`,
 * `{type:'kernel', info}`, `{type:'statsDocs', docs}` or `{type:'faultResult', …}`. Invalid events inside a
 * valid batch are skipped one by one rather than losing the batch.
 */
export function parseHostToPanel(data: unknown): Parsed {
  if (!isObject(data)) return { message: null, rejected: 0 };
  switch (data.type) {
    case 'reset':
      return { message: { type: 'reset' }, rejected: 0 };
    case 'kernel': {
      const info = kernelInfo(data.info);
      return { message: info ? { type: 'kernel', info } : null, rejected: info ? 0 : 1 };
    }
    case 'statsDocs': {
      const docs = data.docs === null ? null : statsDocs(data.docs);
      if (docs === null && data.docs !== null) return { message: null, rejected: 1 };
      return {
        message: {
          type: 'statsDocs',
          docs,
          ...(typeof data.missing === 'string' ? { missing: data.missing } : {}),
        },
        rejected: 0,
      };
    }
    case 'faultResult':
      if (typeof data.id !== 'string' || typeof data.message !== 'string')
        return { message: null, rejected: 1 };
      return {
        message: {
          type: 'faultResult',
          id: data.id,
          ok: data.ok === true,
          message: data.message,
          ...(typeof data.call === 'string' ? { call: data.call } : {}),
        },
        rejected: 0,
      };
    case 'events':
      break;
    default:
      return { message: null, rejected: 0 };
  }
  if (!Array.isArray(data.events)) return { message: null, rejected: 0 };
  const list = data.events as unknown[];
  const events: PanelEvent[] = [];
  let rejected = 0;
  for (let i = 0; i < list.length; i++) {
    const e = toEvent(list[i]);
    if (!e) {
      rejected++;
      continue;
    }
    if (e.handle === undefined) e.handle = null;
    if (e.cell === undefined) e.cell = null;
    if (e.data === undefined) e.data = {};
    events.push(e);
  }
  return { message: { type: 'events', events }, rejected };
}
