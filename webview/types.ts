// The panel's names for the protocol's shapes (protocol/index.ts, imported as types only: the webview
// bundle carries no kernel code). A newer kernel's unknown fields are kept as-is and shown in the
// detail view; validate.ts checks the envelope of what arrives.
import type { EventBase, EventData, KernelEvent, KernelEventType } from '../protocol/index.ts';

export type {
  FaultAction,
  FaultArg,
  FaultParam,
  HostToPanel,
  KernelEventType,
  PanelKernelInfo,
  PanelToHost,
  StatsDocs,
  StatsFieldDoc,
} from '../protocol/index.ts';
export { EVENT_TYPES, LOG_LEVELS } from '../protocol/index.ts';

/**
 * One event as the panel keeps it: the envelope every event has, its `data` as it arrived. A type this
 * panel does not know (a newer kernel) is kept and listed too; `known()` narrows to the protocol's union.
 */
export type PanelEvent = EventBase & { type: string; data: Record<string, unknown> };

/** An event of type T with the protocol's `data` shape (fields may still be missing: read them defensively). */
export type EventOf<T extends KernelEventType> = EventBase & { type: T; data: EventData<T> };

export type DrData = EventData<'dr'>;
export type LogData = EventData<'log'>;
export type MockClusterData = EventData<'mock_cluster'>;
export type FaultData = EventData<'fault'>;
export type RequestData = EventData<'request'>;

/** Narrows a received event to the protocol's union when its type is one the protocol defines. */
export function isType<T extends KernelEventType>(e: PanelEvent, type: T): e is PanelEvent & EventOf<T> {
  return e.type === type;
}

/** The protocol's view of an event, for code that switches over every type. */
export const asKernelEvent = (e: PanelEvent): KernelEvent => e as unknown as KernelEvent;
