// Declarations of the globals the kernel adds to cells beyond the generated rdkafka.d.ts (BOOTSTRAP,
// helpers, display). The VS Code side adds this text to the cells' TypeScript project next to
// rdkafka.d.ts (for example by writing it to `<bindings>/workbench-globals.d.ts`). Kept as a string so
// it never becomes part of this repository's own type-check.
export const CELL_GLOBALS_DTS = `// rdkafka workbench: globals of notebook cells besides librdkafka's own (see docs/kernel.md).
declare global {
  /** Bootstrap servers: the embedded 3-broker mock cluster (started on first use) or the configured cluster. */
  const BOOTSTRAP: string;
  /** The embedded mock cluster (rd_kafka_mock_cluster_t *) for rdkafka_mock.h functions; null on a real cluster. */
  const MOCK_CLUSTER: bigint | null;
  /** C's NULL. */
  const NULL: null;
  /** The koffi module the bindings use. */
  const koffi: any;
  /**
   * Node's require, relative to the workspace (built-ins such as \`node:fs\`, workspace files and packages).
   * Cells have no Node typings: what it returns is untyped. Prefer Uint8Array/TextEncoder over Buffer.
   */
  function require(id: string): any;
  /** A zeroed buffer for \`char *errstr, size_t errstr_size\`: pass \`e, e.length\`; read \`e.text\` or \`\${e}\`. */
  function errbuf(size?: number): Uint8Array & { readonly text: string; readonly length: number };
  /** The C string at a pointer (or in a buffer up to its NUL); null for NULL. */
  function cstr(p: bigint | Uint8Array | null): string | null;
  /** The n pointers of a C array of pointers (T **). */
  function cptrs(p: bigint | null, n: number | bigint): bigint[];
  /** Full decode of a public struct by C name (pointer members stay bigint); n consecutive ones as an array. */
  function cstruct(p: bigint, name: string): any;
  function cstruct(p: bigint, name: string, n: number): any[];
  /** Out-parameters: pass where C wants T *, read [0] after the call. */
  const out: {
    int(): Int32Array;
    int32(): Int32Array;
    int64(): BigInt64Array;
    size(): BigUint64Array;
    /** For T ** parameters: [0] is the pointer after the call (0n for NULL). */
    ptr(): BigUint64Array;
  };
  type RdKafkaVTag = readonly unknown[];
  /** rd_kafka_producev tags. Values and keys may be strings or bytes; lengths default to their byte length. */
  const RD_KAFKA_V_END: RdKafkaVTag;
  function RD_KAFKA_V_TOPIC(topic: string): RdKafkaVTag;
  function RD_KAFKA_V_RKT(rkt: bigint): RdKafkaVTag;
  function RD_KAFKA_V_PARTITION(partition: number): RdKafkaVTag;
  function RD_KAFKA_V_VALUE(value: string | Uint8Array | null, size?: number): RdKafkaVTag;
  function RD_KAFKA_V_KEY(key: string | Uint8Array | null, size?: number): RdKafkaVTag;
  function RD_KAFKA_V_OPAQUE(opaque: bigint | null): RdKafkaVTag;
  function RD_KAFKA_V_MSGFLAGS(flags: number): RdKafkaVTag;
  function RD_KAFKA_V_TIMESTAMP(timestamp: number | bigint): RdKafkaVTag;
  function RD_KAFKA_V_HEADER(name: string, value: string | Uint8Array | null, size?: number): RdKafkaVTag;
  function RD_KAFKA_V_HEADERS(headers: bigint): RdKafkaVTag;
  function RD_KAFKA_OFFSET_TAIL(n: number): number;
  interface RkmsgBatch {
    n: number;
    err: Int32Array;
    partition: Int32Array;
    offset: Float64Array;
    len: Float64Array;
    keyLen: Float64Array;
  }
  /** Fast reads of one field of an rd_kafka_message_t * (about 30 ns each instead of a 2.5 µs full decode). */
  const rkmsg: {
    err(m: bigint): number;
    partition(m: bigint): number;
    offset(m: bigint): number;
    len(m: bigint): number;
    keyLen(m: bigint): number;
    topic(m: bigint): string;
    payload(m: bigint): Uint8Array | null;
    key(m: bigint): Uint8Array | null;
    value(m: bigint): string | null;
    keyString(m: bigint): string | null;
    timestamp(m: bigint): number;
    toObject(m: bigint): { topic: string; partition: number; offset: number; err: number; key: string | null; value: string | null };
    /** err/partition/offset/len/keyLen of msgs[0..n) in one call (a compiled helper; JS fallback when no cc). */
    batch: ((
      msgs: BigUint64Array,
      n?: number,
      options?: { destroy?: boolean; into?: RkmsgBatch },
    ) => RkmsgBatch) & { readonly native: boolean; readonly why: string };
    /** Whether the per-message C paths (consumer_poll, dr_msg_cb, produce) use the compiled helper, and why not. */
    readonly hotPath: { native: boolean; why: string };
  };
  /**
   * The fast produce path: one rd_kafka_produce_batch call for many messages (payloads: bytes, strings or
   * null; the same object repeated is copied once). F_COPY is always set. With \`serve\`, messages refused
   * because the queue is full are offered again after calling it. See docs/kernel.md.
   */
  function produceBatch(
    rkt: bigint,
    partition: number,
    payloads: readonly (Uint8Array | string | null)[],
    options?: { keys?: readonly (Uint8Array | string | null)[]; flags?: number; serve?: () => void; timeoutMs?: number },
  ): { accepted: number; failed: Array<{ index: number; err: number }> };
  /** Rich output: a table for arrays of objects, a JSON tree for objects, text for strings. */
  const display: ((value: unknown) => void) & {
    markdown(text: string): void;
    html(html: string): void;
    json(value: unknown): void;
  };
}
export {};
`;
