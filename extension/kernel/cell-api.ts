// The cell API: every global the kernel gives notebook cells besides librdkafka's own functions and
// constants (which the generated rdkafka.d.ts declares). Declared once, here: helpers.ts, batch.ts and
// bulk.ts implement these types (so tsc checks them), and the editor's declarations (CELL_GLOBALS_DTS) are
// generated from this file at build time (scripts/cell-globals-dts.mjs): each member of CellGlobals becomes
// a global `const` or `function` with its doc comment, each other declaration a global type.
// Types only, no imports, and nothing from Node: cells have no Node typings (Uint8Array, never Buffer).

export type RdKafkaBytes = string | Uint8Array;

/** The (type, value) pairs of one variable argument of rd_kafka_producev (see docs/kernel.md). */
export type RdKafkaVTag = readonly unknown[];

/** A buffer for `char *errstr, size_t errstr_size`; `text` (and `${e}`) is the C string in it. */
export type RdKafkaErrBuf = Uint8Array & { readonly text: string; readonly length: number };

/** What rkmsg.batch() fills: one entry per message, `n` of them valid. */
export interface RkmsgBatch {
  n: number;
  err: Int32Array;
  partition: Int32Array;
  offset: Float64Array;
  len: Float64Array;
  keyLen: Float64Array;
}

/** Fast reads of one field of an rd_kafka_message_t * (about 30 ns each instead of a 2.5 µs full decode). */
export interface Rkmsg {
  err(m: bigint): number;
  partition(m: bigint): number;
  offset(m: bigint): number;
  len(m: bigint): number;
  keyLen(m: bigint): number;
  topic(m: bigint): string;
  payload(m: bigint): Uint8Array | null;
  key(m: bigint): Uint8Array | null;
  /** Payload as UTF-8 text (null for a NULL payload). */
  value(m: bigint): string | null;
  keyString(m: bigint): string | null;
  timestamp(m: bigint): number;
  /** All of the above at once, as a plain object (for display). */
  toObject(m: bigint): {
    topic: string;
    partition: number;
    offset: number;
    err: number;
    key: string | null;
    value: string | null;
  };
  /** err/partition/offset/len/keyLen of msgs[0..n) in one call (a compiled helper; JS fallback when no cc). */
  batch: ((
    msgs: BigUint64Array | BigInt64Array,
    n?: number,
    options?: { destroy?: boolean; into?: RkmsgBatch },
  ) => RkmsgBatch) & { readonly native: boolean; readonly why: string };
  /** Whether the per-message C paths (consumer_poll, dr_msg_cb, produce) use the compiled helper, and why not. */
  readonly hotPath: { native: boolean; why: string };
}

export interface ProduceBatchOptions {
  /** Keys, one per payload (null for none). */
  keys?: readonly (RdKafkaBytes | null)[];
  /** Extra message flags (e.g. RD_KAFKA_MSG_F_PARTITION, RD_KAFKA_MSG_F_BLOCK); F_COPY is always added. */
  flags?: number;
  /**
   * Called when librdkafka's queue is full, before the messages it refused are offered again: serve
   * delivery reports here (rd_kafka_poll(rk, 1), or take DR events from your queue). Without it,
   * produceBatch returns after one attempt and lists what was refused.
   */
  serve?: () => void;
  /** Give up re-offering after this long (default 30 s); what is left is returned in `failed`. */
  timeoutMs?: number;
}

export interface ProduceBatchResult {
  /** Messages librdkafka accepted (each gets a delivery report). */
  accepted: number;
  /** Messages it did not accept: their index in `payloads` and the error code. */
  failed: Array<{ index: number; err: number }>;
}

/** Rich output: a table for arrays of objects, a JSON tree for objects, text for strings. */
export type CellDisplay = ((value: unknown) => void) & {
  markdown(text: string): void;
  html(html: string): void;
  json(value: unknown): void;
};

export interface CellGlobals {
  /** Bootstrap servers: the embedded 3-broker mock cluster (started on first use) or the configured cluster. */
  readonly BOOTSTRAP: string;
  /** The embedded mock cluster (rd_kafka_mock_cluster_t *) for rdkafka_mock.h functions; null on a real cluster. */
  readonly MOCK_CLUSTER: bigint | null;
  /** C's NULL. */
  readonly NULL: null;
  /** The koffi module the bindings use. */
  readonly koffi: any;
  /**
   * Node's require, relative to the workspace (built-ins such as `node:fs`, workspace files and packages).
   * Cells have no Node typings: what it returns is untyped. Prefer Uint8Array/TextEncoder over Buffer.
   */
  require(id: string): any;
  /** A zeroed buffer for `char *errstr, size_t errstr_size`: pass `e, e.length`; read `e.text` or `${e}`. */
  errbuf(size?: number): RdKafkaErrBuf;
  /** The C string at a pointer (or in a buffer up to its NUL); null for NULL. */
  cstr(p: bigint | Uint8Array | null): string | null;
  /** The n pointers of a C array of pointers (T **). */
  cptrs(p: bigint | null, n: number | bigint): bigint[];
  /** Full decode of a public struct by C name (pointer members stay bigint); n consecutive ones as an array. */
  cstruct(p: bigint, name: string): any;
  cstruct(p: bigint, name: string, n: number): any[];
  /**
   * The `n` bytes at a pointer, copied, NUL bytes included (a binary header value, a payload); null for
   * NULL. Unlike `cstr`, nothing stops at a NUL.
   */
  cbytes(p: bigint | null, n: number | bigint): Uint8Array | null;
  /**
   * C's `p->field`: a live view of the struct at `p` whose properties read and write its fields in place, at
   * the offsets of the generator's model: `cref(rd_kafka_topic_partition_list_add(list, "t", 0),
   * "rd_kafka_topic_partition_t").offset = 10`. Pointer fields take a bigint or null (a `char *` field is
   * never given a JS string: librdkafka would free it); an unknown field name throws. Pass the struct's
   * interface to type the fields: `cref<rd_kafka_topic_partition_t>(tp, "rd_kafka_topic_partition_t")`.
   */
  cref<T extends object = Record<string, any>>(p: bigint, struct: string): T;
  /** Out-parameters: pass where C wants T *, read [0] after the call. */
  readonly out: {
    int(): Int32Array;
    int32(): Int32Array;
    int64(): BigInt64Array;
    size(): BigUint64Array;
    /** For T ** parameters: [0] is the pointer after the call (0n for NULL). */
    ptr(): BigUint64Array;
  };
  /** rd_kafka_producev tags. Values and keys may be strings or bytes; lengths default to their byte length. */
  readonly RD_KAFKA_V_END: RdKafkaVTag;
  RD_KAFKA_V_TOPIC(topic: string): RdKafkaVTag;
  RD_KAFKA_V_RKT(rkt: bigint): RdKafkaVTag;
  RD_KAFKA_V_PARTITION(partition: number): RdKafkaVTag;
  RD_KAFKA_V_VALUE(value: RdKafkaBytes | null, size?: number): RdKafkaVTag;
  RD_KAFKA_V_KEY(key: RdKafkaBytes | null, size?: number): RdKafkaVTag;
  RD_KAFKA_V_OPAQUE(opaque: bigint | null): RdKafkaVTag;
  RD_KAFKA_V_MSGFLAGS(flags: number): RdKafkaVTag;
  RD_KAFKA_V_TIMESTAMP(timestamp: number | bigint): RdKafkaVTag;
  RD_KAFKA_V_HEADER(name: string, value: RdKafkaBytes | null, size?: number): RdKafkaVTag;
  RD_KAFKA_V_HEADERS(headers: bigint): RdKafkaVTag;
  /** As the C macro: the offset `n` messages before the end. */
  RD_KAFKA_OFFSET_TAIL(n: number): number;
  /** Fast reads of one field of an rd_kafka_message_t * (about 30 ns each instead of a 2.5 µs full decode). */
  readonly rkmsg: Rkmsg;
  /**
   * The fast produce path: one rd_kafka_produce_batch call for many messages (payloads: bytes, strings or
   * null; the same object repeated is copied once). F_COPY is always set. With `serve`, messages refused
   * because the queue is full are offered again after calling it. The message array is filled by a compiled
   * helper (JS fallback when no cc): `produceBatch.native` says which, `produceBatch.why` why not. See
   * docs/kernel.md.
   */
  readonly produceBatch: ((
    rkt: bigint,
    partition: number,
    payloads: readonly (RdKafkaBytes | null)[],
    options?: ProduceBatchOptions,
  ) => ProduceBatchResult) & { readonly native: boolean; readonly why: string };
  /** Rich output: a table for arrays of objects, a JSON tree for objects, text for strings. */
  readonly display: CellDisplay;
  /**
   * The events this kernel published while the given cells ran (positions from 1; C cells' programs
   * included), in order, `dropped` counts included; all events without an argument. The last 200,000 are kept.
   */
  cellEvents(cells?: number | readonly number[]): CellEvent[];
  /**
   * Compares runs' events as `rdkafka-workbench compare` does (counts by type side by side, delivery-report
   * errors by code, the first point where the sequences part; handles matched by role: the n-th producer
   * with the n-th producer), shows the tables and returns them. A run: an array of events, or {label, events}.
   */
  compareEvents(
    ...runs: Array<readonly CellEvent[] | { label: string; events: readonly CellEvent[] }>
  ): EventsComparison;
}

/** An event as the panel and `--events` files carry it (protocol/index.ts' KernelEvent). */
export interface CellEvent {
  seq: number;
  time: number;
  handle: string | null;
  cell: number | null;
  type: string;
  data: any;
}

/** A table with a column per run. */
export interface EventsSideBySide {
  labels: string[];
  rows: { key: string; values: number[] }[];
}

/** What compareEvents shows (extension/kernel/compare.ts' Comparison). */
export interface EventsComparison {
  labels: string[];
  counts: EventsSideBySide;
  drErrors: EventsSideBySide;
  /** Where the runs part first, or null when their sequences agree. */
  divergence: {
    stream: string;
    streamLabel: string;
    position: string;
    cell: number | null;
    summary: string;
  } | null;
  /** Comparable events before the first difference (or in all). */
  compared: number;
  /** Runs whose events were sampled under load. */
  sampled: string[];
}

/**
 * The globals helpers.ts makes (BOOTSTRAP and MOCK_CLUSTER come from the runtime, require and display from
 * main.ts, cellEvents and compareEvents from event-history.ts).
 * @internal not a cell global
 */
export type CellHelpers = Omit<
  CellGlobals,
  'BOOTSTRAP' | 'MOCK_CLUSTER' | 'require' | 'display' | 'cellEvents' | 'compareEvents'
>;
