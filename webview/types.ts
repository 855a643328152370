// The shapes the panel reads, declared structurally (webview code may not import extension/**).
// They mirror KernelEvent in extension/kernel/protocol.ts but only name the fields the panel uses;
// any other field is kept as-is and shown in the detail view, so a newer kernel never breaks the panel.

/** One event as the panel keeps it: the fields every event has, plus its type-specific `data`. */
export interface PanelEvent {
  seq: number;
  time: number;
  type: string;
  handle: string | null;
  cell: number | null;
  data: Record<string, unknown>;
}

export interface DrData {
  topic: string;
  partition: number;
  offset: number;
  err: number;
  errName?: string;
  latencyUs?: number;
  keyLen?: number;
  len: number;
}

export interface LogData {
  level: number;
  facility: string;
  message: string;
}

/** Messages the host (the extension's panel) posts to the panel. */
export type HostMessage = { type: 'events'; events: PanelEvent[] } | { type: 'reset' };

/** Messages the panel posts back to its host. */
export type PanelMessage = { type: 'ready' };

/** syslog levels librdkafka uses for log lines (0 emerg … 7 debug). */
export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'] as const;

/** Every event type the protocol defines, in the order the filter lists them. */
export const EVENT_TYPES = [
  'dr',
  'stats',
  'log',
  'error',
  'rebalance',
  'offset_commit',
  'throttle',
  'consume',
  'handle_created',
  'handle_destroyed',
  'oauthbearer_token_refresh',
  'background_event',
  'event',
  'callback',
  'dropped',
] as const;
