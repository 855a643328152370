// rkmsg.batch(): the fields of many consumed messages in one FFI call. Reading err, partition, offset and
// len of each message from JS costs one koffi crossing per field (~20 ns each), while C's consumer reads
// them for free; a consumer that keeps up with C needs fewer crossings, not faster ones. A 40-line C helper,
// compiled once per machine by the system `cc` into the cache and loaded with koffi, copies the fields of
// N messages into typed arrays (and optionally destroys the messages) in one call. Where no compiler works
// the same function runs in JS (same results, one crossing per field), and `rkmsg.batch.native` says so.
import { join } from 'node:path';
import { cacheDir, compileHelper } from './native.ts';

import type { Rkmsg, RkmsgBatch } from './cell-api.ts';
import type { Fn, Koffi } from './load.ts';

// No librdkafka header needed: the struct offsets come from the generator's model, and
// rd_kafka_message_destroy is looked up in the very library koffi loaded (RTLD_NOLOAD: never a second copy).
const SOURCE = String.raw`#include <dlfcn.h>
#include <stdint.h>
#include <string.h>
typedef void (*destroy_fn)(void *);
static destroy_fn wb_destroy;
int wb_bulk_init(const char *library) {
  void *h = dlopen(library, RTLD_NOW | RTLD_NOLOAD);
  if (!h) return -1;
  wb_destroy = (destroy_fn)dlsym(h, "rd_kafka_message_destroy");
  return wb_destroy ? 0 : -2;
}
/* offs: err, partition, offset, len, key_len (byte offsets in rd_kafka_message_t). */
int wb_bulk_read(void **msgs, int n, const int32_t *offs, int32_t *err, int32_t *partition,
                 double *offset, double *len, double *key_len, int destroy) {
  for (int i = 0; i < n; i++) {
    const char *m = (const char *)msgs[i];
    if (!m) { err[i] = 0; partition[i] = -1; offset[i] = -1; len[i] = 0; key_len[i] = 0; continue; }
    int32_t e, p; int64_t o; uint64_t l, k;
    memcpy(&e, m + offs[0], 4); memcpy(&p, m + offs[1], 4); memcpy(&o, m + offs[2], 8);
    memcpy(&l, m + offs[3], 8); memcpy(&k, m + offs[4], 8);
    err[i] = e; partition[i] = p; offset[i] = (double)o; len[i] = (double)l; key_len[i] = (double)k;
    if (destroy && wb_destroy) wb_destroy(msgs[i]);
  }
  return n;
}
`;

export interface BulkOffsets {
  err: number;
  partition: number;
  offset: number;
  len: number;
  key_len: number;
}

export { cacheDir };

/**
 * Compiles the helper once (keyed by its source and the platform) and returns the shared library's path,
 * or the reason it could not: no compiler, a failed compile, an unwritable cache.
 */
export function compileBulkHelper(
  dir: string,
  cc = process.env.CC || 'cc',
): { path: string } | { why: string } {
  return compileHelper('bulk', SOURCE, dir, cc);
}

/**
 * Makes rkmsg.batch(msgs, n, options?): fills (and returns) a RkmsgBatch with the fields of msgs[0..n).
 * `destroy: true` also calls rd_kafka_message_destroy on each, as a consumer must. Binds lazily: the
 * first call compiles or loads the helper (once per machine: ~0.2 s, then ~1 ms to load).
 */
export function makeBulkReader(
  koffi: Koffi,
  library: string,
  offsets: BulkOffsets,
  decoders: { destroy: () => Fn; destroyed?: () => void },
  dir: () => string = () => join(cacheDir(), 'native'),
): Rkmsg['batch'] {
  let native: Fn | null | undefined; // undefined: not tried yet; null: JS fallback
  let why = '';
  const offs = new Int32Array([offsets.err, offsets.partition, offsets.offset, offsets.len, offsets.key_len]);
  const big = {
    err: BigInt(offsets.err),
    partition: BigInt(offsets.partition),
    offset: BigInt(offsets.offset),
    len: BigInt(offsets.len),
    key_len: BigInt(offsets.key_len),
  };
  const dec = koffi.decode as unknown as Record<'int32' | 'int64' | 'uint64', (p: bigint) => number | bigint>;

  function bind(): Fn | null {
    if (process.env.RDKAFKA_WORKBENCH_NO_NATIVE) {
      why = 'RDKAFKA_WORKBENCH_NO_NATIVE is set';
      return null;
    }
    const built = compileBulkHelper(dir());
    if ('why' in built) {
      why = built.why;
      return null;
    }
    try {
      const lib = koffi.load(built.path);
      const init = lib.func('int wb_bulk_init(const char *library)') as Fn;
      const rc = init(library);
      if (rc !== 0) {
        why = `the helper could not find rd_kafka_message_destroy in ${library} (${rc})`;
        return null;
      }
      return lib.func(
        'int wb_bulk_read(void **msgs, int n, const int32_t *offs, int32_t *err, int32_t *partition, double *offset, double *len, double *key_len, int destroy)',
      ) as Fn;
    } catch (e) {
      why = `the compiled helper did not load (${(e as Error).message})`;
      return null;
    }
  }

  function batch(
    msgs: BigUint64Array | BigInt64Array,
    n?: number,
    options: { destroy?: boolean; into?: RkmsgBatch } = {},
  ): RkmsgBatch {
    if (!(msgs instanceof BigUint64Array || msgs instanceof BigInt64Array))
      throw new TypeError(
        'rkmsg.batch: expected the BigUint64Array your rd_kafka_consume_batch_queue call filled',
      );
    const count = Math.max(0, Math.min(n ?? msgs.length, msgs.length));
    const cap = msgs.length;
    let out = options.into;
    if (!out || out.err.length < cap)
      out = {
        n: 0,
        err: new Int32Array(cap),
        partition: new Int32Array(cap),
        offset: new Float64Array(cap),
        len: new Float64Array(cap),
        keyLen: new Float64Array(cap),
      };
    out.n = count;
    if (count === 0) return out;
    if (native === undefined) native = bind();
    const destroy = options.destroy ? 1 : 0;
    // Messages freed here may have their fields copied by a hot path (hotpath.ts): that copy is stale now.
    if (destroy) decoders.destroyed?.();
    if (native) {
      native(msgs, count, offs, out.err, out.partition, out.offset, out.len, out.keyLen, destroy);
      return out;
    }
    const destroyFn = destroy ? decoders.destroy() : null;
    for (let i = 0; i < count; i++) {
      const m = BigInt(msgs[i]!);
      if (!m) {
        out.err[i] = 0;
        out.partition[i] = -1;
        out.offset[i] = -1;
        out.len[i] = out.keyLen[i] = 0;
        continue;
      }
      out.err[i] = dec.int32(m + big.err) as number;
      out.partition[i] = dec.int32(m + big.partition) as number;
      out.offset[i] = Number(dec.int64(m + big.offset));
      out.len[i] = Number(dec.uint64(m + big.len));
      out.keyLen[i] = Number(dec.uint64(m + big.key_len));
      if (destroyFn) destroyFn(m);
    }
    return out;
  }
  Object.defineProperties(batch, {
    /** Whether the compiled helper is in use (false: the JS fallback; see `why`). */
    native: { get: () => (native === undefined ? (native = bind()) : native) !== null },
    /** Why the JS fallback is in use ('' when native). */
    why: { get: () => (native === undefined ? ((native = bind()), why) : why) },
  });
  return batch as typeof batch & { readonly native: boolean; readonly why: string };
}
