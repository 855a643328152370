// Fast reads of librdkafka's public structs, one field at a time (koffi.decode of a whole
// rd_kafka_message_t costs 2.5 µs; a single int field about 30 ns). Layouts come from facts.ts: the
// model, which the generator checked against the C compiler.
import type { TopicPartition } from '../../protocol/index.ts';
import type { Layout } from './facts.ts';
import type { Koffi } from './load.ts';

export class StructReader {
  readonly m: Record<string, number>;
  readonly tp: Record<string, number>;
  readonly tpl: Record<string, number>;
  readonly tpSize: number;
  constructor(
    private koffi: Koffi,
    layout: {
      rd_kafka_message_t: Layout;
      rd_kafka_topic_partition_t: Layout;
      rd_kafka_topic_partition_list_t: Layout;
    },
  ) {
    this.m = layout.rd_kafka_message_t.offsets;
    this.tp = layout.rd_kafka_topic_partition_t.offsets;
    this.tpl = layout.rd_kafka_topic_partition_list_t.offsets;
    this.tpSize = layout.rd_kafka_topic_partition_t.size;
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
  /** Bytes at p (copied, NULs included), or null for a NULL pointer. */
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
