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
  /**
   * Client-chosen id that every reply about this execution carries. A decimal counter ("1", "2", …) as
   * client.ts numbers them, so the interrupt pipe (fd 4) can name the execution it stops (watchdog.ts);
   * an execution with another id is interrupted through IPC only.
   */
  id: string;
  /**
   * The cell's position in its notebook, counted from 1 as people count (markdown cells included): what
   * stack traces ("cell 3, line 4"), messages and events name. One numbering everywhere.
   */
  cell: number;
  source: string;
  /** The cell's language: absent or 'typescript'/'javascript' run in the kernel; 'c' is compiled and run
   *  as a program under the tracer (C cells, see the trace block below). Optional: compatible. */
  language?: string;
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
  /** The kernel marks the end of each execution's text on its fd 1 and 2 (NATIVE_END_MARK). */
  nativeEndMarks?: boolean;
}

/** Output of a running cell, in the order it happened. */
export type CellOutput =
  | {
      kind: 'stream';
      name: 'stdout' | 'stderr';
      text: string;
      /** The compiler's warnings on the cell's own lines, with its text (a C cell that built). Optional. */
      diagnostics?: CellDiagnostic[];
    }
  /** Rich output: a MIME bundle, e.g. {"application/json": …, "text/markdown": …, "text/plain": …}. */
  | { kind: 'display'; data: Record<string, unknown> }
  /** Value of the cell's last expression, as a REPL would show it. */
  | { kind: 'result'; data: Record<string, unknown> }
  | {
      kind: 'error';
      name: string;
      message: string;
      stack: string;
      /** Compiler diagnostics on the cell's own lines (C cells). Optional: compatible. */
      diagnostics?: CellDiagnostic[];
    };

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

/**
 * What the kernel writes on its fd 1 and fd 2 just before it sends `done`: native code (librdkafka's default
 * logger, printf) writes to those pipes itself, beside the channel `done` comes on, so the client needs to
 * know where in each pipe a cell's text ends. Followed by the execution id and one more NUL; the client
 * takes the marks out and, with a kernel whose `ready` says `nativeEndMarks`, holds `done` until both have
 * come (briefly: a mark that cannot be written delays the cell, it never loses it).
 */
export const NATIVE_END_MARK = '\u0000rdkafka-workbench:end:';

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

// C fidelity (issue 10, kernel-split): message headers in `dr`/`consume`, the cause of a fatal `error`.

/** A header of a delivered or consumed message (at most 32 per event, values cut at 256 bytes). */
export interface MessageHeader {
  name: string;
  /** The value as UTF-8 text, or base64 when `encoding` says so; null for a NULL value. */
  value: string | null;
  encoding?: 'base64';
  /** The value's whole length in bytes. */
  size: number;
  /** The value was longer than the limit and is cut. */
  truncated?: boolean;
}

/** The error behind a fatal error, as rd_kafka_fatal_error() reports it. */
export interface FatalCause {
  err: number;
  errName: string;
  reason: string;
}

export type KernelEvent = EventBase &
  (
    | {
        type: 'handle_created';
        data: {
          kind: 'producer' | 'consumer';
          name: string;
          /** The librdkafka version the handle's process loaded (rd_kafka_version_str), when known: a traced
           * program's events say what it ran on. Optional. */
          librdkafka?: string;
        };
      }
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
          /** The message's headers, when it has any; `headerCount` when there were more than listed. */
          headers?: MessageHeader[];
          headerCount?: number;
        };
      }
    | { type: 'stats'; data: Record<string, unknown> }
    | { type: 'log'; data: { level: number; facility: string; message: string } }
    | {
        type: 'error';
        data: { err: number; errName: string; reason: string; fatal?: boolean; underlying?: FatalCause };
      }
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
        data: {
          topic: string;
          partition: number;
          offset: number;
          err: number;
          len: number;
          headers?: MessageHeader[];
          headerCount?: number;
        };
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
    | {
        type: 'dropped';
        data: {
          counts: Record<string, number>;
          /** Of the delivery reports counted in `counts.dr`, those that failed, per error name (errName, or
           * the code when librdkafka has no name for it). Optional: absent when none failed. */
          drErrors?: Record<string, number>;
        };
      }
    | ControlRoomEvent
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
  request: 15,
  fault: 16,
  mock_cluster: 17,
  handle_config: 18,
  requests_cleared: 19,
};
export const EVENT_TYPES = (Object.keys(EVENT_TYPE_ORDER) as KernelEventType[]).sort(
  (a, b) => EVENT_TYPE_ORDER[a] - EVENT_TYPE_ORDER[b],
);

/** syslog levels librdkafka uses for log lines (0 emerg … 7 debug). */
export const LOG_LEVELS = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'] as const;

// ---------------------------------------------------------------------------------------------------
// Secrets: configuration properties whose values are never shown, logged or written (extension/redact.ts
// applies them in Node, the tracer's generated C with POSIX regex; one list for both).

/** What stands in for a secret value wherever one would be shown. */
export const REDACTED_VALUE = '••••••';
/** Properties whose names match this (case-insensitively) hold secrets. Valid as JS and POSIX ERE. */
export const SECRET_PROPERTY_PATTERN = '(password|secret|token|private|credential|\\.key$|^ssl\\.key|jaas)';
/** Properties librdkafka itself treats as sensitive (_RK_SENSITIVE in rdkafka_conf.c, 2.15.1) beyond the pattern. */
export const LIBRDKAFKA_SENSITIVE_PROPERTIES: readonly string[] = [
  'sasl.username',
  'sasl.oauthbearer.config',
  'ssl.ca.pem',
  'ssl_key',
];

// ---------------------------------------------------------------------------------------------------
// Tracing programs and C cells (issue 14): what the tracer and the kernel's C cells share with the rest.

/** A compiler message on a line of a cell (1-based line and column, as the compiler counts). */
export interface CellDiagnostic {
  severity: 'error' | 'warning' | 'note';
  line: number;
  column: number;
  message: string;
}

// ---------------------------------------------------------------------------------------------------
// Host (the extension's panel, or the report page) ⇄ events panel (webview/)

/** What the host posts to the panel. */
export type HostToPanel =
  { type: 'events'; events: KernelEvent[] } | { type: 'reset' } | ControlRoomHostMessage;

/** What the panel posts back to its host. */
export type PanelToHost = { type: 'ready' } | ControlRoomPanelMessage;

export function isKernelMessage(value: unknown): value is KernelMessage {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

// ---------------------------------------------------------------------------------------------------
// Control room (issue 13): faults on the embedded mock cluster, the requests its brokers receive, each
// handle's configuration, statistics field docs, and the messages of the panel's controls.

/** What a parameter of a mock-cluster action is, so the panel offers the right input for it. */
export type FaultParamKind =
  | 'broker'
  | 'topic'
  | 'partition'
  | 'apiKey'
  | 'error'
  | 'count'
  | 'ms'
  | 'coordinatorType'
  | 'int'
  | 'string'
  | 'bool';

export interface FaultParam {
  /** The parameter's name in rdkafka_mock.h ("broker_id", "ApiKey", "rtt_ms", …). */
  name: string;
  kind: FaultParamKind;
  /** Its C type as the header declares it. */
  cType: string;
}

/** One rdkafka_mock.h function the panel can call on the embedded cluster (found in the loaded model). */
export interface FaultAction {
  /** The C function, e.g. "rd_kafka_mock_broker_set_down". */
  fn: string;
  /** Words for people: "broker set down". */
  label: string;
  /** Parameters after the cluster itself, in order. */
  params: FaultParam[];
  /** The C function the call goes to when it differs (a variadic function called through its _array twin). */
  via?: string;
  /** The header's doc comment, first sentence. */
  doc?: string;
}

/** A value of an action's parameter: numbers for ids, counts and codes, strings for names. */
export type FaultArg = number | string | boolean;

export type ControlRoomEvent =
  /** The embedded mock cluster started: what it offers (published once, by the kernel that owns it). */
  | {
      type: 'mock_cluster';
      data: {
        bootstraps: string;
        brokers: number[];
        actions: FaultAction[];
        /** Kafka API keys by name (Produce 0, Fetch 1, …), from rdkafka_protocol.h or the fallback. */
        apiKeys: [name: string, key: number][];
        /** rd_kafka_resp_err_t names without the RD_KAFKA_RESP_ERR_ prefix, and their codes. */
        errors: [name: string, code: number][];
        /** Whether the mock brokers' requests are tracked (librdkafka 2.3+), and why not when they are not. */
        requestTracking: { on: true } | { on: false; reason: string };
      };
    }
  /**
   * A mock-cluster call: from the panel (served on the kernel's control thread at once, even while a
   * cell is busy) or made by a cell itself.
   */
  | {
      type: 'fault';
      data: {
        source: 'panel' | 'cell';
        fn: string;
        /** Arguments after the cluster. */
        args: FaultArg[];
        /** The call as notebook cell code (what a recorded cell runs). */
        call: string;
        /** The same call as plain C, with `mcluster` for the cluster. */
        c: string;
        /** Return code (rd_kafka_resp_err_t) when the function returns one. */
        err?: number;
        errName?: string;
        /** Why the kernel refused to call it (no mock cluster, unknown action, bad argument). */
        refused?: string;
      };
    }
  /** A request a mock broker received (librdkafka 2.3+ request tracking). `time` is when it arrived. */
  | { type: 'request'; data: { api: string; apiKey: number; broker: number } }
  /**
   * The kernel cleared the mock cluster's request list (it offers only get-all and clear-all): requests
   * the mock received between the kernel's last read of the list and the clear (`windowUs`, measured
   * around the two calls) are not seen; how many, the mock API cannot say.
   */
  | {
      type: 'requests_cleared';
      data: {
        /** Requests the list held when it was read and cleared (all of them published). */
        held: number;
        windowUs: number;
        /** Cleared after a poll interval with no new request (a lull), rather than because it grew too long. */
        quiet: boolean;
      };
    }
  /** A handle's configuration as rd_kafka_conf_dump() gave it just before rd_kafka_new(), secrets redacted. */
  | {
      type: 'handle_config';
      data: {
        name: string;
        kind: 'producer' | 'consumer';
        config: Record<string, string>;
        /** Properties whose value differs from a new rd_kafka_conf_t's (what the cells set). */
        modified?: string[];
        redacted: string[];
      };
    };

/** A client's request to the kernel's control thread (a JSON line on fd 6). */
export type ControlRequest =
  | { type: 'fault'; id: string; fn: string; args: FaultArg[] }
  /** Values of secret properties the cells set, so an export can scrub them from outputs and logs. */
  | { type: 'secrets'; id: string };

/** The kernel's answer to a ControlRequest (a JSON line back on fd 6). */
export type ControlReply =
  | {
      type: 'fault';
      id: string;
      ok: boolean;
      /** Position (from 1) of the cell running when the call was made, or null between cells. */
      cell: number | null;
      /** When it was made (epoch ms). */
      time: number;
      /** Cell code and plain C of the call (empty when it was refused before being built). */
      call: string;
      c: string;
      err?: number;
      errName?: string;
      message: string;
    }
  | { type: 'secrets'; id: string; values: string[] };

/** One documented statistics field (a row of librdkafka's STATISTICS.md). */
export interface StatsFieldDoc {
  field: string;
  /** As STATISTICS.md says: "int", "int gauge", "string", "bool", "object". */
  type: string;
  /** Unit when the text says or implies one: "µs", "ms", "s", "bytes", "messages", "requests". */
  unit?: string;
  description: string;
  example?: string;
  /** Values that mean "none" or "unknown" rather than a quantity. */
  sentinels?: { value: number; meaning: string }[];
}

/** STATISTICS.md parsed: its tables by section (top, brokers, window, toppars, topics, partitions, cgrp, eos, …). */
export interface StatsDocs {
  /** Where the text came from, for the panel to say ("librdkafka 2.15.1 STATISTICS.md"). */
  source: string;
  /** True when it is not the version in use's own file. */
  approximate: boolean;
  sections: Record<string, StatsFieldDoc[]>;
}

/** What the panel needs to know about its kernel, beyond events. */
export interface PanelKernelInfo {
  librdkafka: string | null;
  /** "mock" or the real cluster's bootstrap servers. */
  bootstrap: string | null;
  state: string;
  /** Whether the host can take fault actions, reveal cells and export (false in a standalone report). */
  interactive: boolean;
}

export type ControlRoomHostMessage =
  | { type: 'kernel'; info: PanelKernelInfo }
  | { type: 'statsDocs'; docs: StatsDocs | null; missing?: string }
  | { type: 'faultResult'; id: string; ok: boolean; message: string; call?: string };

export type ControlRoomPanelMessage =
  | { type: 'fault'; id: string; fn: string; args: FaultArg[] }
  /** Show the notebook cell at this position (from 1). */
  | { type: 'revealCell'; cell: number }
  | { type: 'export' };
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
