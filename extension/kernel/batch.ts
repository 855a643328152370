// produceBatch(): the documented fast produce path. rd_kafka_produce_batch takes an array of
// rd_kafka_message_t; building it by hand from a cell (koffi.alloc + DataView, offsets from the header)
// is what the fastest benchmark did. This helper does it once, well: one native region for the message
// array and one for the payloads and keys, reused from call to call (grown when needed), fields written
// through a DataView with offsets from the generator's model, then a single FFI call. librdkafka copies
// the bytes (RD_KAFKA_MSG_F_COPY is always set), so the region is free again when the call returns.
import type { CellGlobals, ProduceBatchOptions, ProduceBatchResult, RdKafkaBytes } from './cell-api.ts';
import type { Koffi } from './load.ts';

type Bytes = RdKafkaBytes | null;

export interface BatchLayout {
  size: number;
  err: number;
  partition: number;
  payload: number;
  len: number;
  key: number;
  key_len: number;
  _private: number;
}

/** Native memory written through a DataView; where a runtime forbids external buffers (Electron) the
 *  bytes are staged in JS memory and copied over with koffi.encode before each call. */
class Region {
  ptr: bigint = 0n;
  addr = 0;
  capacity = 0;
  view!: DataView;
  bytes!: Uint8Array;
  /** Whether `view` is the native memory itself. */
  external = true;
  constructor(private koffi: Koffi) {}
  ensure(n: number): void {
    if (n <= this.capacity) return;
    const cap = Math.max(n, this.capacity * 2, 4096);
    if (this.ptr) this.koffi.free(this.ptr as never);
    this.ptr = this.koffi.alloc('uint8_t', cap) as unknown as bigint;
    this.addr = Number(this.ptr);
    this.capacity = cap;
    let ab: ArrayBuffer;
    try {
      ab = this.external ? (this.koffi.view(this.ptr as never, cap) as ArrayBuffer) : new ArrayBuffer(cap);
    } catch {
      this.external = false;
      ab = new ArrayBuffer(cap);
    }
    this.view = new DataView(ab);
    this.bytes = new Uint8Array(ab);
  }
  /** Makes the first `n` bytes visible to C (a no-op for a view over native memory). */
  commit(n: number): void {
    if (!this.external && n > 0)
      this.koffi.encode(
        this.ptr as never,
        this.koffi.array('uint8_t', n) as never,
        this.bytes.subarray(0, n),
      );
  }
}

const TWO32 = 2 ** 32;
const encoder = new TextEncoder();

/** Writes a 64-bit value that fits in a double (addresses, lengths) as two 32-bit halves: no BigInt. */
function setU64(v: DataView, at: number, x: number): void {
  v.setUint32(at, x >>> 0, true);
  v.setUint32(at + 4, Math.floor(x / TWO32), true);
}

function byteLength(b: Bytes): number {
  return b === null || b === undefined ? 0 : typeof b === 'string' ? Buffer.byteLength(b) : b.byteLength;
}

export function makeProduceBatch(
  koffi: Koffi,
  bindBatchCall: () => (rkt: bigint, partition: number, flags: number, msgs: bigint, n: number) => number,
  layout: BatchLayout,
  c: { F_COPY: number; F_FREE: number; QUEUE_FULL: number },
): CellGlobals['produceBatch'] {
  const msgs = new Region(koffi);
  const data = new Region(koffi);
  const L = layout;

  /** Copies `b` into the data region at `at` (when it differs from the previous item); returns bytes used. */
  function put(b: Bytes, at: number): number {
    if (typeof b === 'string') return encoder.encodeInto(b, data.bytes.subarray(at)).written;
    data.bytes.set(b as Uint8Array, at);
    return (b as Uint8Array).byteLength;
  }

  /** Fills messages [from, to) of the batch at array slots 0..; returns the data bytes used. */
  function fill(
    payloads: readonly Bytes[],
    keys: readonly Bytes[] | undefined,
    partition: number,
    idx: Int32Array | null,
    count: number,
  ): number {
    const n = count;
    // Pass 1: how much payload/key memory (a payload equal to the previous one is shared, not copied).
    let need = 0;
    let prev: Bytes | undefined;
    let prevKey: Bytes | undefined;
    for (let j = 0; j < n; j++) {
      const i = idx ? idx[j]! : j;
      const p = payloads[i]!;
      if (p !== prev) need += byteLength(p);
      prev = p;
      if (keys) {
        const k = keys[i] ?? null;
        if (k !== prevKey) need += byteLength(k);
        prevKey = k;
      }
    }
    msgs.ensure(n * L.size);
    data.ensure(need);
    const v = msgs.view;
    const base = data.addr;
    let used = 0;
    let pAddr = 0;
    let pLen = 0;
    let kAddr = 0;
    let kLen = 0;
    prev = undefined;
    prevKey = undefined;
    for (let j = 0; j < n; j++) {
      const i = idx ? idx[j]! : j;
      const p = payloads[i]!;
      if (p !== prev) {
        if (p === null || p === undefined) pAddr = pLen = 0;
        else {
          pAddr = base + used;
          pLen = put(p, used);
          used += pLen;
        }
        prev = p;
      }
      const at = j * L.size;
      v.setInt32(at + L.err, 0, true);
      v.setInt32(at + L.partition, partition, true);
      setU64(v, at + L.payload, pAddr);
      setU64(v, at + L.len, pLen);
      if (keys) {
        const k = keys[i] ?? null;
        if (k !== prevKey) {
          if (k === null) kAddr = kLen = 0;
          else {
            kAddr = base + used;
            kLen = put(k, used);
            used += kLen;
          }
          prevKey = k;
        }
      }
      setU64(v, at + L.key, kAddr);
      setU64(v, at + L.key_len, kLen);
      setU64(v, at + L._private, 0);
    }
    msgs.commit(n * L.size);
    data.commit(used);
    return n;
  }

  /**
   * Produces `payloads` (bytes, strings or null) to `rkt`/`partition` with one rd_kafka_produce_batch call
   * (more only when librdkafka's queue is full and `serve` is given). Returns how many were accepted and
   * which were not.
   */
  return function produceBatch(
    rkt: bigint,
    partition: number,
    payloads: readonly Bytes[],
    options: ProduceBatchOptions = {},
  ): ProduceBatchResult {
    if (typeof rkt !== 'bigint' || !rkt)
      throw new TypeError(
        `produceBatch: expected an rd_kafka_topic_t pointer (rd_kafka_topic_new), got ${String(rkt)}`,
      );
    if (!Array.isArray(payloads))
      throw new TypeError('produceBatch: payloads must be an array of Uint8Array, string or null');
    if (options.keys && options.keys.length !== payloads.length)
      throw new TypeError(
        `produceBatch: ${options.keys.length} keys for ${payloads.length} payloads: give one key (or null) per payload`,
      );
    const extra = options.flags ?? 0;
    if (extra & c.F_FREE)
      throw new TypeError(
        'produceBatch: RD_KAFKA_MSG_F_FREE cannot be used: produceBatch copies payloads into its own memory (F_COPY)',
      );
    const flags = extra | c.F_COPY;
    const call = bindBatchCall();
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let accepted = 0;
    let todo: Int32Array | null = null; // null: all of payloads, in order
    let n = payloads.length;
    for (;;) {
      if (n === 0) return { accepted, failed: [] };
      fill(payloads, options.keys, partition, todo, n);
      const ok = call(rkt, partition, flags, msgs.ptr, n);
      accepted += ok;
      if (ok === n) return { accepted, failed: [] };
      // Which ones were refused: the err librdkafka wrote back into each message. Kept in typed arrays
      // (a full queue refuses thousands at a time, and is the common case at full speed).
      const refused = new Int32Array(n - ok);
      const errs = new Int32Array(n - ok);
      let r = 0;
      let onlyFull = true;
      for (let j = 0; j < n && r < refused.length; j++) {
        const err = readErr(j);
        if (!err) continue;
        refused[r] = todo ? todo[j]! : j;
        errs[r++] = err;
        if (err !== c.QUEUE_FULL) onlyFull = false;
      }
      if (!(options.serve && onlyFull && Date.now() < deadline)) {
        const failed: Array<{ index: number; err: number }> = [];
        for (let j = 0; j < r; j++) failed.push({ index: refused[j]!, err: errs[j]! });
        return { accepted, failed };
      }
      options.serve();
      todo = refused.subarray(0, r);
      n = r;
    }
  };

  function readErr(j: number): number {
    return msgs.external
      ? msgs.view.getInt32(j * L.size + L.err, true)
      : (koffi.decode.int32((msgs.ptr + BigInt(j * L.size + L.err)) as never) as number);
  }
}
