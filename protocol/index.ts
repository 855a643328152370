// The one vocabulary of the workbench: kernel ⇄ clients (VS Code controller, CLI runner, tests), the
// events the panel, the report and the `--events` JSON lines carry, and host ⇄ panel messages.
// Imports nothing (no Node, no vscode, no DOM): the kernel, the extension, the CLI and the webview all
// take their types from here with `import type`, so a new event type is one edit and the compiler checks
// every room's handling of it.
// Plain data only: every message survives JSON and structured clone. Bump PROTOCOL_VERSION on any
// incompatible change; the kernel refuses a client that speaks another version.

export const PROTOCOL_VERSION = 1;

// ---------------------------------------------------------------------------------------------------
// Client → kernel

export interface InitRequest {
  type: 'init';
  protocol: number;
  /** Folder holding model.json and bindings.js (the generator's output). */
  bindingsDir: string;
  /** Path to librdkafka.so to load; absent: the library recorded in the bindings. */
  library?: string;
  /** "mock" (embedded 3-broker mock cluster, started on first use) or HOST:PORT[,HOST:PORT]. */
  bootstrap: string;
  /** Extra librdkafka properties applied to every rd_kafka_conf_t the cells create (credentials for a real cluster). Never echoed back. */
  clusterConfig?: Record<string, string>;
  /** Folder whose node_modules cells may import from, and the cells' working directory. */
  cwd: string;
  /** Whether events are published at all (the panel may be closed and no --events file asked for). */
  events: boolean;
  // Kernel → client channel (kernel-harden). Optional: compatible with clients that read IPC only.
  /**
   * File descriptor the client reads kernel → client messages from, as JSON lines (5, TEAM.md); absent:
   * the kernel replies over IPC. Every reply then comes on that channel, in order.
   */
  channel?: number;
}

export interface ExecuteRequest {
  type: 'execute';
  /** Client-chosen id that every reply about this execution carries. */
  id: string;
  /**
   * The cell's position in its notebook, counted from 1 as people count (markdown cells included): what
   * stack traces ("cell 3, line 4"), messages and events name. One numbering everywhere.
   */
  cell: number;
  source: string;
}

export interface InterruptRequest {
  type: 'interrupt';
  /** The execution to interrupt; absent: whichever is running. (Optional since protocol 1: compatible.) */
  id?: string;
}

export interface ShutdownRequest {
  type: 'shutdown';
}

export type ClientMessage = InitRequest | ExecuteRequest | InterruptRequest | ShutdownRequest;

// ---------------------------------------------------------------------------------------------------
// Kernel → client

export interface ReadyMessage {
  type: 'ready';
  protocol: number;
  librdkafka: { version: string; versionInt: number; library: string };
  bootstrap: string;
  /** Milliseconds from process start to ready. */
  startupMs: number;
  /** Functions the header declares that the loaded library lacks. */
  missing: string[];
}

/** Output of a running cell, in the order it happened. */
export type CellOutput =
  | { kind: 'stream'; name: 'stdout' | 'stderr'; text: string }
  /** Rich output: a MIME bundle, e.g. {"application/json": …, "text/markdown": …, "text/plain": …}. */
  | { kind: 'display'; data: Record<string, unknown> }
  /** Value of the cell's last expression, as a REPL would show it. */
  | { kind: 'result'; data: Record<string, unknown> }
  | { kind: 'error'; name: string; message: string; stack: string };

export interface OutputMessage {
  type: 'output';
  id: string;
  output: CellOutput;
}

export interface DoneMessage {
  type: 'done';
  id: string;
  status: 'ok' | 'error' | 'interrupted';
  durationMs: number;
}

export interface EventsMessage {
  type: 'events';
  events: KernelEvent[];
}

/** The kernel could not start (no library, broken bindings, …): one sentence saying what to do. */
export interface FatalMessage {
  type: 'fatal';
  message: string;
}

export type KernelMessage = ReadyMessage | OutputMessage | DoneMessage | EventsMessage | FatalMessage;

// ---------------------------------------------------------------------------------------------------
// Events: what the cells' handles did. Each has at least `type`, `time` and `handle`.

export interface EventBase {
  /** Monotonic sequence number within one kernel, starting at 1. */
  seq: number;
  /** Wall-clock milliseconds since the epoch. */
  time: number;
  /** rd_kafka_name() of the handle ("rdkafka#producer-1"), or null when there is none. */
  handle: string | null;
  /** Position (from 1) of the cell running when the event was observed, or null between cells. */
  cell: number | null;
}

export interface TopicPartition {
  topic: string;
  partition: number;
  offset?: number;
  err?: number;
}

export type KernelEvent = EventBase &
  (
    | { type: 'handle_created'; data: { kind: 'producer' | 'consumer'; name: string } }
    | { type: 'handle_destroyed'; data: { name: string } }
    | {
        type: 'dr';
        data: {
          topic: string;
          partition: number;
          offset: number;
          err: number;
          errName?: string;
          /** Microseconds from produce to delivery report, when known. */
          latencyUs?: number;
          keyLen?: number;
          len: number;
        };
      }
    | { type: 'stats'; data: Record<string, unknown> }
    | { type: 'log'; data: { level: number; facility: string; message: string } }
    | { type: 'error'; data: { err: number; errName: string; reason: string; fatal?: boolean } }
    | {
        type: 'rebalance';
        data: {
          err: number;
          kind: 'assign' | 'revoke' | 'error';
          protocol?: string;
          partitions: TopicPartition[];
        };
      }
    | { type: 'offset_commit'; data: { err: number; errName?: string; partitions: TopicPartition[] } }
    | { type: 'throttle'; data: { broker: string; brokerId: number; throttleMs: number } }
    | {
        type: 'consume';
        data: { topic: string; partition: number; offset: number; err: number; len: number };
      }
    | { type: 'oauthbearer_token_refresh'; data: { config: string | null } }
    | { type: 'background_event'; data: { eventType: number; eventName: string } }
    /** An event taken from the event API (rd_kafka_queue_poll) that none of the kinds above covers. */
    | { type: 'event'; data: { eventType: number; eventName: string; detail?: Record<string, unknown> } }
    /** Any other callback the cells registered (interceptors, connect_cb, …): its C name and plain arguments. */
    | { type: 'callback'; data: { name: string; args: unknown[] } }
    /**
     * Back-pressure: under load details are sampled. `counts` are the exact numbers of events of each
     * type that were observed but not sent individually since the previous `dropped` event.
     */
    | { type: 'dropped'; data: { counts: Record<string, number> } }
  );

export type KernelEventType = KernelEvent['type'];

/** The `data` of an event of type T. */
export type EventData<T extends KernelEventType> = Extract<KernelEvent, { type: T }>['data'];

/**
 * Every event type, in the order the panel's filter lists them. A Record over KernelEventType, so adding
 * a type without listing it here does not compile.
 */
const EVENT_TYPE_ORDER: Record<KernelEventType, number> = {
  dr: 0,
  stats: 1,
  log: 2,
  error: 3,
  rebalance: 4,
  offset_commit: 5,
  throttle: 6,
  consume: 7,
  handle_created: 8,
  handle_destroyed: 9,
  oauthbearer_token_refresh: 10,
  background_event: 11,
  event: 12,
  callback: 13,
  dropped: 14,
};
export const EVENT_TYPES = (Object.keys(EVENT_TYPE_ORDER) as KernelEventType[]).sort(
  (a, b) => EVENT_TYPE_ORDER[a] - EVENT_TYPE_ORDER[b],
);

/** syslog levels librdkafka uses for log lines (0 emerg … 7 debug). */
export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'] as const;

// ---------------------------------------------------------------------------------------------------
// Host (the extension's panel, or the report page) ⇄ events panel (webview/)

/** What the host posts to the panel. */
export type HostToPanel = { type: 'events'; events: KernelEvent[] } | { type: 'reset' };

/** What the panel posts back to its host. */
export type PanelToHost = { type: 'ready' };

export function isKernelMessage(value: unknown): value is KernelMessage {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

// ---------------------------------------------------------------------------------------------------
// Notebook tools (issue 15): the Variables view, Debug Cell and the ports the kernel listens on. Requests
// go client → kernel over IPC like the others; each reply, on the kernel → client channel, carries the
// request's id. The kernel answers when its JS thread is free (between cells, or while a cell awaits).

/** Every global the cells defined, as the Variables view shows it. */
export interface VariablesRequest {
  type: 'variables';
  id: string;
}

/** One global (or one member of it): its name, its type as C or JS names it, and a short value. */
export interface VariableInfo {
  name: string;
  /** `rd_kafka_t *` for a known handle, `number`, `Array(3)`, `Map(2)`, `function`, … */
  type: string;
  /** One line: `rdkafka#producer-1 (0x41fe12c0)`, `42`, `'orders'`, … */
  value: string;
  /** Members shown under it: a topic partition list's partitions, an object's first properties. */
  children?: VariableInfo[];
}

export interface VariablesReply {
  type: 'variables_reply';
  id: string;
  variables: VariableInfo[];
}

/**
 * Opens the kernel's inspector (node:inspector on 127.0.0.1, a port of its choosing) and writes the
 * sources its cells ran to `sourceDir`, where the cells' source maps point; again: the same port.
 */
export interface DebugStartRequest {
  type: 'debug_start';
  id: string;
}

/** Closes the inspector (after the debugging session ended); the kernel's state is untouched. */
export interface DebugStopRequest {
  type: 'debug_stop';
  id: string;
}

export interface DebugReply {
  type: 'debug_reply';
  id: string;
  /** The inspector's port while it is open. */
  port?: number;
  /** Folder of the cells' sources: `<sha1 of the cell's text, 16 hex>.ts`, as their source maps name them. */
  sourceDir?: string;
  /** Why the inspector could not open. */
  error?: string;
}

/** The TCP ports the kernel process listens on (mock cluster brokers, the inspector, a cell's server). */
export interface PortsRequest {
  type: 'ports';
  id: string;
}

export interface PortsReply {
  type: 'ports_reply';
  id: string;
  ports: number[];
}

export type NotebookToolsRequest = VariablesRequest | DebugStartRequest | DebugStopRequest | PortsRequest;
export type NotebookToolsReply = VariablesReply | DebugReply | PortsReply;
