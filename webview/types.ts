// The panel's names for the protocol's shapes (protocol/index.ts, imported as types only: the webview
// bundle carries no kernel code). A newer kernel's unknown fields are kept as-is and shown in the
// detail view; validate.ts checks the envelope of what arrives.
import type { EventBase, EventData } from '../protocol/index.ts';

export type { HostToPanel, PanelToHost } from '../protocol/index.ts';
export { EVENT_TYPES, LOG_LEVELS } from '../protocol/index.ts';

/** One event as the panel keeps it: the envelope every event has, its `data` read field by field. */
export type PanelEvent = EventBase & { type: string; data: Record<string, unknown> };

export type DrData = EventData<'dr'>;
export type LogData = EventData<'log'>;
