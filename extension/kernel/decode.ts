// Fast reads of librdkafka's public structs, one field at a time (koffi.decode of a whole
// rd_kafka_message_t costs 2.5 µs; a single int field about 30 ns). Offsets come from model.json,
// which the generator checked against the C compiler.
import type { TopicPartition } from '../../protocol/index.ts';

type Koffi = typeof import('koffi');

export interface StructModel {
  name: string;
  size: number;
  fields: Array<{ name: string; type: string; offset: number }>;
}

export type Offsets = Record<string, Record<string, number>>;

export function structOffsets(structs: StructModel[]): Offsets {
  const out: Offsets = {};
  for (const s of structs) out[s.name] = Object.fromEntries(s.fields.map((f) => [f.name, f.offset]));
  return out;
}

/** x86-64/arm64 defaults, used only when a model lacks a struct (layouts are identical in 2.0–2.15). */
const FALLBACK: Offsets = {
  rd_kafka_message_t: {
    err: 0,
    rkt: 8,
    partition: 16,
    payload: 24,
    len: 32,
    key: 40,
    key_len: 48,
    offset: 56,
  },
  rd_kafka_topic_partition_t: { topic: 0, partition: 8, offset: 16, err: 48 },
  rd_kafka_topic_partition_list_t: { cnt: 0, size: 4, elems: 8 },
  _sizes: { rd_kafka_topic_partition_t: 64 },
};

export class StructReader {
  readonly m: Record<string, number>;
  readonly tp: Record<string, number>;
  readonly tpl: Record<string, number>;
  readonly tpSize: number;
  constructor(
    private koffi: Koffi,
    structs: StructModel[],
  ) {
    const o = structOffsets(structs);
    this.m = { ...FALLBACK.rd_kafka_message_t, ...o.rd_kafka_message_t };
    this.tp = { ...FALLBACK.rd_kafka_topic_partition_t, ...o.rd_kafka_topic_partition_t };
    this.tpl = { ...FALLBACK.rd_kafka_topic_partition_list_t, ...o.rd_kafka_topic_partition_list_t };
    this.tpSize = structs.find((s) => s.name === 'rd_kafka_topic_partition_t')?.size ?? 64;
  }
  int(p: bigint, off: number): number {
    return this.koffi.decode.int32(p + BigInt(off));
  }
  i64(p: bigint, off: number): number {
    return Number(this.koffi.decode.int64(p + BigInt(off)));
  }
  size(p: bigint, off: number): number {
    return Number(this.koffi.decode.uint64(p + BigInt(off)));
  }
  ptr(p: bigint, off: number): bigint | null {
    const v = this.koffi.decode.uint64(p + BigInt(off));
    return v ? BigInt(v) : null;
  }
  str(p: bigint | null): string | null {
    return p ? this.koffi.decode.string(p) : null;
  }
  /** Bytes at p (copied), or null for a NULL pointer. */
  bytes(p: bigint | null, len: number): Buffer | null {
    if (!p) return null;
    if (len === 0) return Buffer.alloc(0);
    try {
      return Buffer.from(this.koffi.view(p, len).slice(0));
    } catch {
      // Runtimes that forbid external buffers (Electron): element-wise decode.
      return Buffer.from(this.koffi.decode(p, 'uint8_t', len) as number[]);
    }
  }
  /** The entries of an rd_kafka_topic_partition_list_t. */
  partitions(list: bigint | null, max = 10000): TopicPartition[] {
    if (!list) return [];
    const cnt = Math.min(this.int(list, this.tpl.cnt!), max);
    const elems = this.ptr(list, this.tpl.elems!);
    const out: TopicPartition[] = [];
    if (!elems) return out;
    for (let i = 0; i < cnt; i++) {
      const e = elems + BigInt(i * this.tpSize);
      out.push({
        topic: this.str(this.ptr(e, this.tp.topic!)) ?? '',
        partition: this.int(e, this.tp.partition!),
        offset: this.i64(e, this.tp.offset!),
        err: this.int(e, this.tp.err!),
      });
    }
    return out;
  }
}
