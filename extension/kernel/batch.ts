// produceBatch(): the documented fast produce path. rd_kafka_produce_batch takes an array of
// rd_kafka_message_t; building it by hand from a cell (koffi.alloc + DataView, offsets from the header)
// is what the fastest benchmark did. This helper does it once, well: one native region for the message
// array and one for the payloads and keys, reused from call to call (grown when needed), then a single FFI
// call. librdkafka copies the bytes (RD_KAFKA_MSG_F_COPY is always set), so the region is free again when
// the call returns.
//
// The messages are described as runs that share one payload and one key (the same object repeated: one
// run; every payload its own: one run each), so the JS work per message is one comparison. A 40-line C
// helper, compiled once per machine like rkmsg.batch's (native.ts), writes the message array from the runs
// and, after a partial accept, lists the refused ones: the DataView fill was ~20 ns a message, the helper's
// ~4 (docs/bench.md, bench/batch-fill.bench.ts). Without a compiler (or with
// RDKAFKA_WORKBENCH_NO_NATIVE=1) the same runs are written through the DataView: same messages, same
// results; `produceBatch.native` says which is in use and `produceBatch.why` why not. rd_kafka_produce_batch
// itself is still called as a cell calls it (observed, F_BLOCK handled as for any blocking call).
import { compileHelper, nativeDir } from './native.ts';
import type { CellGlobals, ProduceBatchOptions, ProduceBatchResult, RdKafkaBytes } from './cell-api.ts';
import type { Fn, Koffi } from './load.ts';

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

/** Numbers a run takes in the runs array: count, payload offset in the data region (-1: NULL), payload
 *  length, key offset (-1: NULL), key length. */
const RUN = 5;

// L: the layout's byte offsets (size, err, partition, payload, len, key, key_len, _private).
const SOURCE = String.raw`#include <stdint.h>
#include <string.h>
int wb_batch_fill(char *msgs, const int32_t *L, int32_t partition, const double *runs, int nruns, char *data) {
  size_t size = (size_t)L[0];
  int j = 0;
  for (int r = 0; r < nruns; r++) {
    const double *g = runs + 5 * r;
    long count = (long)g[0];
    void *p = g[1] < 0 ? NULL : data + (size_t)g[1], *k = g[3] < 0 ? NULL : data + (size_t)g[3];
    uint64_t len = (uint64_t)g[2], key_len = (uint64_t)g[4];
    for (long c = 0; c < count; c++, j++) {
      char *m = msgs + (size_t)j * size;
      if (size == 72) memset(m, 0, 72); /* the 64-bit layout: a constant size the compiler inlines */
      else memset(m, 0, size);
      memcpy(m + L[2], &partition, 4);
      memcpy(m + L[3], &p, sizeof p); memcpy(m + L[4], &len, 8);
      memcpy(m + L[5], &k, sizeof k); memcpy(m + L[6], &key_len, 8);
    }
  }
  return j;
}
/* The refused messages of n: their errs, and their indexes (todo[j] when mapped, else j) at the front of
   todo. Returns how many; only_full[0]: whether every err was queue_full. */
int wb_batch_refused(const char *msgs, const int32_t *L, int n, int32_t *todo, int mapped, int32_t *errs,
                     int32_t queue_full, int32_t *only_full) {
  int r = 0;
  only_full[0] = 1;
  for (int j = 0; j < n; j++) {
    int32_t e;
    memcpy(&e, msgs + (size_t)j * (size_t)L[0] + L[1], 4);
    if (!e) continue;
    todo[r] = mapped ? todo[j] : j;
    errs[r++] = e;
    if (e != queue_full) only_full[0] = 0;
  }
  return r;
}
`;

/** The compiled fill, or why not. */
export interface BatchHelper {
  fill(
    msgs: bigint,
    L: Int32Array,
    partition: number,
    runs: Float64Array,
    nruns: number,
    data: bigint,
  ): number;
  refused(
    msgs: bigint,
    L: Int32Array,
    n: number,
    todo: Int32Array,
    mapped: number,
    errs: Int32Array,
    queueFull: number,
    onlyFull: Int32Array,
  ): number;
}

/** Compiles (once per machine) and loads the helper; the reason when it cannot. */
export function loadBatchHelper(koffi: Koffi, dir: () => string = nativeDir): BatchHelper | { why: string } {
  if (process.env.RDKAFKA_WORKBENCH_NO_NATIVE) return { why: 'RDKAFKA_WORKBENCH_NO_NATIVE is set' };
  const built = compileHelper('batch', SOURCE, dir());
  if ('why' in built) return built;
  try {
    const lib = koffi.load(built.path);
    return {
      fill: lib.func(
        'int wb_batch_fill(void *msgs, const int32_t *L, int32_t partition, const double *runs, int nruns, void *data)',
      ) as Fn as BatchHelper['fill'],
      refused: lib.func(
        'int wb_batch_refused(void *msgs, const int32_t *L, int n, int32_t *todo, int mapped, int32_t *errs, int32_t queue_full, int32_t *only_full)',
      ) as Fn as BatchHelper['refused'],
    };
  } catch (e) {
    return { why: `the compiled helper did not load (${(e as Error).message})` };
  }
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

/** How many messages from the first share its payload and key (idx: the messages offered, else all). */
function sameFrom(
  payloads: readonly Bytes[],
  keys: readonly Bytes[] | undefined,
  idx: Int32Array | null,
  n: number,
): number {
  if (n === 0) return 0;
  const i0 = idx ? idx[0]! : 0;
  const p0 = payloads[i0] ?? null;
  let j = 1;
  if (!keys && p0 !== null) {
    // null and undefined both differ from p0: a plain comparison
    if (idx) while (j < n && payloads[idx[j]!] === p0) j++;
    else while (j < n && payloads[j] === p0) j++;
    return j;
  }
  if (!keys) {
    if (idx) while (j < n && (payloads[idx[j]!] ?? null) === p0) j++;
    else while (j < n && (payloads[j] ?? null) === p0) j++;
    return j;
  }
  const k0 = keys[i0] ?? null;
  if (idx) while (j < n && (payloads[idx[j]!] ?? null) === p0 && (keys[idx[j]!] ?? null) === k0) j++;
  else while (j < n && (payloads[j] ?? null) === p0 && (keys[j] ?? null) === k0) j++;
  return j;
}

export function makeProduceBatch(
  koffi: Koffi,
  bindBatchCall: () => (rkt: bigint, partition: number, flags: number, msgs: bigint, n: number) => number,
  layout: BatchLayout,
  c: { F_COPY: number; F_FREE: number; QUEUE_FULL: number },
  /** The compiled helper (loadBatchHelper), tried on first use; a reason string keeps the JS path. */
  helper: () => BatchHelper | { why: string } = () => loadBatchHelper(koffi),
): CellGlobals['produceBatch'] {
  const msgs = new Region(koffi);
  const data = new Region(koffi);
  const L = layout;
  const offs = new Int32Array([L.size, L.err, L.partition, L.payload, L.len, L.key, L.key_len, L._private]);
  let native: BatchHelper | null | undefined; // undefined: not tried yet; null: the JS path
  let why = '';
  function bind(): BatchHelper | null {
    const h = helper();
    if ('why' in h) {
      why = h.why;
      return null;
    }
    return h;
  }
  let runs = new Float64Array(RUN * 64);
  const onlyFull = new Int32Array(1);

  /** Copies `b` into the data region at `at`; returns the bytes used. */
  function put(b: Bytes, at: number): number {
    if (typeof b === 'string') return encoder.encodeInto(b, data.bytes.subarray(at)).written;
    data.bytes.set(b as Uint8Array, at);
    return (b as Uint8Array).byteLength;
  }

  /**
   * Describes messages idx[0..n) (or 0..n) as runs sharing one payload and one key, copies each run's bytes
   * into the data region once, and fills the message array from the runs.
   */
  function fill(
    payloads: readonly Bytes[],
    keys: readonly Bytes[] | undefined,
    partition: number,
    idx: Int32Array | null,
    n: number,
  ): void {
    // Pass 1, one comparison a message: where runs start (the payload or the key changes), and how much
    // memory their bytes need (a payload or key equal to the previous one is shared, not copied).
    const items: Bytes[] = []; // payload, key of each run
    const counts: number[] = [];
    let need = 0;
    let prev: Bytes | undefined;
    let prevKey: Bytes | undefined;
    let count = 0;
    // The common case first, in a loop V8 makes tight (~1 ns a message, against ~8 for the general one):
    // every message with the same payload object and key.
    const same = sameFrom(payloads, keys, idx, n);
    if (same === n && n > 0) {
      const i = idx ? idx[0]! : 0;
      const p = payloads[i] ?? null;
      const k = keys ? (keys[i] ?? null) : null;
      items.push(p, k);
      counts.push(n);
      need = byteLength(p) + byteLength(k);
    }
    for (let j = same === n ? n : 0; j < n; j++) {
      const i = idx ? idx[j]! : j;
      const p = payloads[i] ?? null;
      const k = keys ? (keys[i] ?? null) : null;
      if (p !== prev || k !== prevKey) {
        if (j > 0) counts.push(count);
        items.push(p, k);
        if (p !== prev) need += byteLength(p);
        if (k !== prevKey) need += byteLength(k);
        prev = p;
        prevKey = k;
        count = 0;
      }
      count++;
    }
    if (n > 0 && same < n) counts.push(count);
    const nruns = counts.length;
    msgs.ensure(n * L.size);
    data.ensure(need);
    if (runs.length < nruns * RUN) runs = new Float64Array(Math.max(nruns, (runs.length / RUN) * 2) * RUN);
    // Pass 2, once a run: the bytes (unless the previous run's), and the run's description.
    let used = 0;
    /** Where bytes `b` of run r lie (runs[at], runs[at + 1]): the previous run's, none, or copied now. */
    const place = (r: number, at: number, b: Bytes, prevB: Bytes | undefined): void => {
      if (r > 0 && b === prevB) {
        runs[at] = runs[at - RUN]!;
        runs[at + 1] = runs[at + 1 - RUN]!;
      } else if (b === null) {
        runs[at] = -1;
        runs[at + 1] = 0;
      } else {
        runs[at] = used;
        used += runs[at + 1] = put(b, used);
      }
    };
    for (let r = 0; r < nruns; r++) {
      const at = r * RUN;
      runs[at] = counts[r]!;
      place(r, at + 1, items[2 * r]!, items[2 * r - 2]);
      place(r, at + 3, items[2 * r + 1]!, items[2 * r - 1]);
    }
    data.commit(used);
    if (native) {
      native.fill(msgs.ptr, offs, partition, runs, nruns, data.ptr);
      return;
    }
    const v = msgs.view;
    let j = 0;
    for (let r = 0; r < nruns; r++) {
      const at = r * RUN;
      const pAddr = runs[at + 1]! < 0 ? 0 : data.addr + runs[at + 1]!;
      const pLen = runs[at + 2]!;
      const kAddr = runs[at + 3]! < 0 ? 0 : data.addr + runs[at + 3]!;
      const kLen = runs[at + 4]!;
      for (let end = j + runs[at]!; j < end; j++) {
        const m = j * L.size;
        // The fields rd_kafka_produce_batch reads (the helper also zeroes the rest: rkt, offset)
        v.setInt32(m + L.err, 0, true);
        v.setInt32(m + L.partition, partition, true);
        setU64(v, m + L.payload, pAddr);
        setU64(v, m + L.len, pLen);
        setU64(v, m + L.key, kAddr);
        setU64(v, m + L.key_len, kLen);
        setU64(v, m + L._private, 0);
      }
    }
    msgs.commit(n * L.size);
  }

  /** The refused of the n messages just offered: their indexes (through `todo` when mapped) at the front
   *  of `todo`, their errs in `errs`; returns how many, and sets onlyFull[0]. */
  function refused(n: number, todo: Int32Array, mapped: boolean, errs: Int32Array): number {
    if (native) return native.refused(msgs.ptr, offs, n, todo, mapped ? 1 : 0, errs, c.QUEUE_FULL, onlyFull);
    let r = 0;
    onlyFull[0] = 1;
    for (let j = 0; j < n; j++) {
      const err = msgs.external
        ? msgs.view.getInt32(j * L.size + L.err, true)
        : (koffi.decode.int32((msgs.ptr + BigInt(j * L.size + L.err)) as never) as number);
      if (!err) continue;
      todo[r] = mapped ? todo[j]! : j;
      errs[r++] = err;
      if (err !== c.QUEUE_FULL) onlyFull[0] = 0;
    }
    return r;
  }

  /**
   * Produces `payloads` (bytes, strings or null) to `rkt`/`partition` with one rd_kafka_produce_batch call
   * (more only when librdkafka's queue is full and `serve` is given). Returns how many were accepted and
   * which were not.
   */
  function produceBatch(
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
    if (native === undefined) native = bind();
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    let accepted = 0;
    // The refused messages' indexes in `payloads` and their errs; this call's own (serve may call
    // produceBatch again).
    let todo: Int32Array | null = null;
    let errs: Int32Array | null = null;
    let mapped = false; // whether the messages offered are todo[0..n) (else all of payloads, in order)
    let n = payloads.length;
    for (;;) {
      if (n === 0) return { accepted, failed: [] };
      fill(payloads, options.keys, partition, mapped ? todo : null, n);
      const ok = call(rkt, partition, flags, msgs.ptr, n);
      accepted += ok;
      if (ok === n) return { accepted, failed: [] };
      // Which ones were refused: the err librdkafka wrote back into each message. Kept in typed arrays
      // (a full queue refuses thousands at a time, and is the common case at full speed).
      todo ??= new Int32Array(n);
      errs ??= new Int32Array(n);
      const r = refused(n, todo, mapped, errs);
      if (!(options.serve && onlyFull[0] && Date.now() < deadline)) {
        const failed: Array<{ index: number; err: number }> = [];
        for (let j = 0; j < r; j++) failed.push({ index: todo[j]!, err: errs[j]! });
        return { accepted, failed };
      }
      options.serve();
      mapped = true;
      n = r;
    }
  }
  Object.defineProperties(produceBatch, {
    /** Whether the compiled helper fills the message array (false: the JS path; see `why`). */
    native: { get: () => (native === undefined ? (native = bind()) : native) !== null },
    /** Why the JS path is in use ('' when native). */
    why: { get: () => (native === undefined ? ((native = bind()), why) : why) },
  });
  return produceBatch as typeof produceBatch & { readonly native: boolean; readonly why: string };
}
