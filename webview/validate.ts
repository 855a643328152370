// The panel trusts only its host, and only messages of the agreed shapes. Anything else is ignored
// (counted, so a broken host shows up in the panel's status line instead of silently rendering garbage).
import type { HostToPanel, PanelEvent } from './types.ts';

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

/**
 * A host message if `data` has one of the agreed shapes: `{type:'events', events:[…]}` or `{type:'reset'}`.
 * Invalid events inside a valid batch are skipped one by one rather than losing the batch.
 */
export function parseHostToPanel(data: unknown): Parsed {
  if (!isObject(data)) return { message: null, rejected: 0 };
  if (data.type === 'reset') return { message: { type: 'reset' }, rejected: 0 };
  if (data.type !== 'events' || !Array.isArray(data.events)) return { message: null, rejected: 0 };
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
