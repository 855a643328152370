// Helpers for what is awkward in C from TypeScript: globals in every cell, declared in cell-api.ts (which
// this file implements: tsc checks it) and documented in docs/kernel.md.
import type { CellHelpers, RdKafkaBytes, RdKafkaErrBuf } from './cell-api.ts';
import { makeProduceBatch } from './batch.ts';
import { makeBulkReader } from './bulk.ts';
import type { StructReader } from './decode.ts';
import type { Facts } from './facts.ts';
import type { Bindings, Fn, Koffi } from './load.ts';
import type { MessageCopy } from './hotpath.ts';

export interface HelperDeps {
  koffi: Koffi;
  bindings: Bindings;
  facts: Facts;
  reader: StructReader;
  /** The function as cells call it (so the helpers' own C calls are observed like the cells'). */
  fn: (name: string) => Fn;
  topicName: (rkt: bigint | null) => string;
  /** The fields of the message a hot path just handed out (hotpath.ts): read without crossing into C. */
  copy: MessageCopy;
  /** Whether the hot paths use their compiled helper, and why not. */
  hotPath: () => { native: boolean; why: string };
}

/** Tags for rd_kafka_producev: each returns the (type, value) pairs koffi's variadic call wants. */
function vtags(c: Facts['c']) {
  const buf = (b: RdKafkaBytes | null) => (b === null ? null : typeof b === 'string' ? Buffer.from(b) : b);
  const len = (b: RdKafkaBytes | null, n?: number) =>
    n ?? (b === null ? 0 : typeof b === 'string' ? Buffer.byteLength(b) : b.byteLength);
  return {
    RD_KAFKA_V_END: ['int', c.RD_KAFKA_VTYPE_END],
    RD_KAFKA_V_TOPIC: (topic: string) => ['int', c.RD_KAFKA_VTYPE_TOPIC, 'const char *', topic],
    RD_KAFKA_V_RKT: (rkt: bigint) => ['int', c.RD_KAFKA_VTYPE_RKT, 'void *', rkt],
    RD_KAFKA_V_PARTITION: (partition: number) => ['int', c.RD_KAFKA_VTYPE_PARTITION, 'int32_t', partition],
    RD_KAFKA_V_VALUE: (value: RdKafkaBytes | null, size?: number) => [
      'int',
      c.RD_KAFKA_VTYPE_VALUE,
      'void *',
      buf(value),
      'size_t',
      len(value, size),
    ],
    RD_KAFKA_V_KEY: (key: RdKafkaBytes | null, size?: number) => [
      'int',
      c.RD_KAFKA_VTYPE_KEY,
      'void *',
      buf(key),
      'size_t',
      len(key, size),
    ],
    RD_KAFKA_V_OPAQUE: (opaque: bigint | null) => ['int', c.RD_KAFKA_VTYPE_OPAQUE, 'void *', opaque],
    RD_KAFKA_V_MSGFLAGS: (flags: number) => ['int', c.RD_KAFKA_VTYPE_MSGFLAGS, 'int', flags],
    RD_KAFKA_V_TIMESTAMP: (ts: number | bigint) => ['int', c.RD_KAFKA_VTYPE_TIMESTAMP, 'int64_t', ts],
    RD_KAFKA_V_HEADER: (name: string, value: RdKafkaBytes | null, size?: number) => [
      'int',
      c.RD_KAFKA_VTYPE_HEADER,
      'const char *',
      name,
      'void *',
      buf(value),
      'int64_t',
      value === null ? -1 : len(value, size),
    ],
    RD_KAFKA_V_HEADERS: (hdrs: bigint) => ['int', c.RD_KAFKA_VTYPE_HEADERS, 'void *', hdrs],
  };
}

/** A zeroed buffer for `char *errstr, size_t errstr_size` parameters; its toString() is the C string. */
export function errbuf(size = 512): Buffer & RdKafkaErrBuf {
  const b = Buffer.alloc(size) as Buffer & { text: string };
  const text = () => {
    const nul = b.indexOf(0);
    return Buffer.prototype.toString.call(b, 'utf8', 0, nul < 0 ? b.length : nul);
  };
  Object.defineProperty(b, 'text', { get: text });
  Object.defineProperty(b, 'toString', { value: text });
  return b;
}

export function makeHelpers(d: HelperDeps): CellHelpers {
  const { koffi, reader: r, facts } = d;
  const o = r.m;
  const c = facts.c;
  const need = (m: unknown, what: string): bigint => {
    if (typeof m !== 'bigint' || !m)
      throw new TypeError(`rkmsg.${what}: expected an rd_kafka_message_t pointer, got ${String(m)}`);
    return m;
  };
  // The hot accessors: BigInt offsets computed once, koffi's decoders called directly, and the pointer
  // check inline (building the TypeError only on the failing path). ~20 ns a read instead of ~40.
  const dec = koffi.decode as unknown as Record<'int32' | 'int64' | 'uint64', (p: bigint) => number | bigint>;
  const i32 = dec.int32;
  const i64 = dec.int64;
  const u64 = dec.uint64;
  const ERR = BigInt(o.err!);
  const PARTITION = BigInt(o.partition!);
  const OFFSET = BigInt(o.offset!);
  const LEN = BigInt(o.len!);
  const KEY_LEN = BigInt(o.key_len!);
  const copy = d.copy;
  return {
    koffi,
    NULL: null,
    errbuf,
    cstr(p) {
      if (p === null || p === undefined) return null;
      if (typeof p === 'bigint') return p ? koffi.decode.string(p) : null;
      const b = Buffer.from(p.buffer, p.byteOffset, p.byteLength);
      const nul = b.indexOf(0);
      return b.toString('utf8', 0, nul < 0 ? b.length : nul);
    },
    cptrs(p, n) {
      const out: bigint[] = [];
      if (!p) return out;
      for (let i = 0; i < Number(n); i++) out.push(BigInt(koffi.decode.uint64(p + BigInt(i * 8))));
      return out;
    },
    cstruct(p: bigint, name: string, n?: number) {
      const types = d.bindings.types;
      const type =
        types[name] ??
        types[`${name}_t`] ??
        types[name.replace(/_t$/, '')] ??
        types[`struct ${name.replace(/_t$/, '')}`];
      if (!type) throw new TypeError(`cstruct: no struct named ${name} in the bindings`);
      return n === undefined ? koffi.decode(p, type as never) : koffi.decode(p, type as never, n);
    },
    out: {
      int: () => new Int32Array(1),
      int32: () => new Int32Array(1),
      int64: () => new BigInt64Array(1),
      size: () => new BigUint64Array(1),
      ptr: () => new BigUint64Array(1),
    },
    ...vtags(c),
    RD_KAFKA_OFFSET_TAIL: (n: number) => c.RD_KAFKA_OFFSET_TAIL_BASE - n,
    produceBatch: makeProduceBatch(
      koffi,
      () => d.fn('rd_kafka_produce_batch') as never,
      {
        size: facts.layout.rd_kafka_message_t.size,
        err: o.err!,
        partition: o.partition!,
        payload: o.payload!,
        len: o.len!,
        key: o.key!,
        key_len: o.key_len!,
        _private: o._private!,
      },
      {
        F_COPY: c.RD_KAFKA_MSG_F_COPY,
        F_FREE: c.RD_KAFKA_MSG_F_FREE,
        QUEUE_FULL: c.RD_KAFKA_RESP_ERR__QUEUE_FULL,
      },
    ),
    rkmsg: {
      // The message a hot path just handed out (rd_kafka_consumer_poll, a dr_msg_cb) is read from the
      // helper's copy of its fields, without crossing into C (hotpath.ts).
      err: (m: bigint) =>
        (m === copy.cur && m !== null
          ? copy.i32[0]!
          : typeof m === 'bigint' && m
            ? i32(m + ERR)
            : i32(need(m, 'err'))) as number,
      partition: (m: bigint) =>
        (m === copy.cur && m !== null
          ? copy.i32[1]!
          : typeof m === 'bigint' && m
            ? i32(m + PARTITION)
            : i32(need(m, 'partition'))) as number,
      offset: (m: bigint) =>
        m === copy.cur && m !== null
          ? copy.f64[0]!
          : Number(typeof m === 'bigint' && m ? i64(m + OFFSET) : need(m, 'offset')),
      len: (m: bigint) =>
        m === copy.cur && m !== null
          ? copy.f64[1]!
          : Number(typeof m === 'bigint' && m ? u64(m + LEN) : need(m, 'len')),
      keyLen: (m: bigint) =>
        m === copy.cur && m !== null
          ? copy.f64[2]!
          : Number(typeof m === 'bigint' && m ? u64(m + KEY_LEN) : need(m, 'keyLen')),
      topic: (m: bigint) => d.topicName(r.ptr(need(m, 'topic'), o.rkt!)),
      payload: (m: bigint) => r.bytes(r.ptr(need(m, 'payload'), o.payload!), r.size(m, o.len!)),
      key: (m: bigint) => r.bytes(r.ptr(need(m, 'key'), o.key!), r.size(m, o.key_len!)),
      value: (m: bigint) => {
        const p = r.ptr(need(m, 'value'), o.payload!);
        return p ? koffi.decode.string(p, r.size(m, o.len!)) : null;
      },
      keyString: (m: bigint) => {
        const p = r.ptr(need(m, 'keyString'), o.key!);
        return p ? koffi.decode.string(p, r.size(m, o.key_len!)) : null;
      },
      timestamp: (m: bigint) => Number(d.fn('rd_kafka_message_timestamp')(need(m, 'timestamp'), null)),
      batch: makeBulkReader(
        koffi,
        d.bindings.library,
        { err: o.err!, partition: o.partition!, offset: o.offset!, len: o.len!, key_len: o.key_len! },
        {
          destroy: () => d.fn('rd_kafka_message_destroy'),
          destroyed: () => {
            copy.cur = null;
          },
        },
      ),
      get hotPath() {
        return d.hotPath();
      },
      toObject: (m: bigint) => {
        need(m, 'toObject');
        const p = r.ptr(m, o.payload!);
        const k = r.ptr(m, o.key!);
        return {
          topic: d.topicName(r.ptr(m, o.rkt!)),
          partition: r.int(m, o.partition!),
          offset: r.i64(m, o.offset!),
          err: r.int(m, o.err!),
          key: k ? koffi.decode.string(k, r.size(m, o.key_len!)) : null,
          value: p ? koffi.decode.string(p, r.size(m, o.len!)) : null,
        };
      },
    },
  };
}
