// Event decoding: what librdkafka handed the cells (a callback's arguments, a delivered or consumed message,
// an event taken from the event API) read into the typed KernelEvents of protocol/index.ts and published.
// Decoding is skipped for events the stream will only count.
import type { EventStream } from './events.ts';
import type { CallbackKind } from './callback-kinds.ts';
import type { StructReader } from './decode.ts';
import type { Facts } from './facts.ts';
import type { Fn } from './load.ts';
import type { HandleRegistry } from './registry.ts';

export interface DecoderDeps {
  events: EventStream;
  reader: StructReader;
  facts: Facts;
  registry: HandleRegistry;
  /** The unwrapped C function. */
  native: (name: string) => Fn;
  /** Whether the loaded bindings declare a function. */
  has: (name: string) => boolean;
}

export class EventDecoder {
  private errNames = new Map<number, string>();
  private readonly events: EventStream;
  private readonly r: StructReader;

  constructor(private d: DecoderDeps) {
    this.events = d.events;
    this.r = d.reader;
  }

  handleName(rk: unknown): string | null {
    if (typeof rk !== 'bigint' || !rk) return null;
    const known = this.d.registry.names.get(rk);
    if (known) return known;
    try {
      return this.d.native('rd_kafka_name')(rk) as string;
    } catch {
      return null;
    }
  }

  errName(err: number): string {
    let n = this.errNames.get(err);
    if (n === undefined) {
      n = String(this.d.native('rd_kafka_err2name')(err));
      this.errNames.set(err, n);
    }
    return n;
  }

  /** Not cached: librdkafka may free a topic object and reuse its address for another topic. */
  topicName(rkt: bigint | null): string {
    return rkt ? String(this.d.native('rd_kafka_topic_name')(rkt)) : '';
  }

  /** A topic's name through a cache that lives as long as the caller knows the topic objects do. */
  private topicOf(rkt: bigint | null, cache: Map<bigint, string> | undefined): string {
    if (!cache || !rkt) return this.topicName(rkt);
    let name = cache.get(rkt);
    if (name === undefined) cache.set(rkt, (name = this.topicName(rkt)));
    return name;
  }

  /** Publishes one call of a callback of `kind` (named `cbName` in its C function) with its arguments. */
  callback(kind: CallbackKind, cbName: string, a: unknown[], withHandle: boolean): void {
    const ev = this.events;
    if (!ev.enabled) return;
    const r = this.r;
    const c = this.d.facts.c;
    switch (kind) {
      case 'callback': {
        if (!ev.want('callback')) return ev.count('callback');
        const args = a.map((x) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x));
        return ev.publish('callback', withHandle ? this.handleName(a[0]) : null, { name: cbName, args });
      }
      case 'dr_msg':
        if (!ev.want('dr')) return ev.count('dr');
        return this.delivered(this.handleName(a[0]), a[1] as bigint, true);
      case 'dr':
        if (!ev.want('dr')) return ev.count('dr');
        return ev.publish('dr', this.handleName(a[0]), {
          topic: '',
          partition: -1,
          offset: -1,
          err: a[3] as number,
          errName: this.errName(a[3] as number),
          len: Number(a[2]),
        });
      case 'stats': {
        if (!ev.want('stats')) return ev.count('stats');
        const json = typeof a[1] === 'string' ? a[1] : r.str(a[1] as bigint);
        return ev.publish('stats', this.handleName(a[0]), JSON.parse(json ?? '{}'));
      }
      case 'error':
        if (!ev.want('error')) return ev.count('error');
        return ev.publish('error', this.handleName(a[0]), {
          err: a[1] as number,
          errName: this.errName(a[1] as number),
          reason: String(a[2] ?? ''),
          fatal: a[1] === c.RD_KAFKA_RESP_ERR__FATAL,
        });
      case 'log':
        if (!ev.want('log')) return ev.count('log');
        return ev.publish('log', this.handleName(a[0]), {
          level: a[1] as number,
          facility: String(a[2] ?? ''),
          message: String(a[3] ?? ''),
        });
      case 'rebalance': {
        if (!ev.want('rebalance')) return ev.count('rebalance');
        const err = a[1] as number;
        return ev.publish('rebalance', this.handleName(a[0]), {
          err,
          kind: this.rebalanceKind(err),
          protocol: this.rebalanceProtocol(a[0]),
          partitions: r.partitions(a[2] as bigint),
        });
      }
      case 'offset_commit':
        if (!ev.want('offset_commit')) return ev.count('offset_commit');
        return ev.publish('offset_commit', this.handleName(a[0]), {
          err: a[1] as number,
          errName: this.errName(a[1] as number),
          partitions: r.partitions(a[2] as bigint),
        });
      case 'throttle':
        if (!ev.want('throttle')) return ev.count('throttle');
        return ev.publish('throttle', this.handleName(a[0]), {
          broker: String(a[1]),
          brokerId: a[2] as number,
          throttleMs: a[3] as number,
        });
      case 'consume':
        return this.consumed(null, a[0] as bigint);
      case 'oauthbearer_token_refresh':
        if (!ev.want('oauthbearer_token_refresh')) return ev.count('oauthbearer_token_refresh');
        return ev.publish('oauthbearer_token_refresh', this.handleName(a[0]), {
          config: (a[1] as string | null) ?? null,
        });
      case 'background_event': {
        if (!ev.want('background_event')) return ev.count('background_event');
        const evp = a[1] as bigint;
        return ev.publish('background_event', this.handleName(a[0]), {
          eventType: this.d.native('rd_kafka_event_type')(evp) as number,
          eventName: String(this.d.native('rd_kafka_event_name')(evp)),
        });
      }
    }
  }

  private rebalanceKind(err: number): 'assign' | 'revoke' | 'error' {
    const c = this.d.facts.c;
    return err === c.RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS
      ? 'assign'
      : err === c.RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS
        ? 'revoke'
        : 'error';
  }

  private rebalanceProtocol(rk: unknown): string | undefined {
    if (typeof rk !== 'bigint' || !rk || !this.d.has('rd_kafka_rebalance_protocol')) return undefined;
    try {
      return (this.d.native('rd_kafka_rebalance_protocol')(rk) as string | null) ?? undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Publishes the `n` messages of an array the cell just received (delivery reports of a DR event, or a
   * batch consume): in detail while the stream wants them, the rest counted at once. One want() per
   * message only while details flow (at most the per-window budget); a million messages cost one
   * countN() per array.
   */
  messagesTaken(
    type: 'dr' | 'consume',
    rk: bigint | null,
    arr: BigUint64Array | BigInt64Array,
    n: number,
  ): void {
    const ev = this.events;
    let i = 0;
    if (n > 0 && ev.want(type)) {
      const handle = rk === null ? null : this.handleName(rk);
      // Within one array the topic objects stay alive: name each once (a string decode, ~0.5 µs).
      const topics = new Map<bigint, string>();
      for (; i < n && ev.want(type); i++) {
        const m = arr[i];
        if (!m) continue;
        if (type === 'dr') this.delivered(handle, BigInt(m), true, topics);
        else this.consumed(handle, BigInt(m), true, topics);
      }
    }
    // librdkafka fills the first n entries; reading them to skip NULLs would allocate a BigInt each.
    ev.countN(type, n - i);
  }

  /** Publishes a delivery report for message `m` (a dr_msg_cb argument or from a DR event). */
  delivered(handle: string | null, m: bigint, checked = false, topics?: Map<bigint, string>): void {
    const ev = this.events;
    if (!ev.enabled) return;
    if (!checked && !ev.want('dr')) return ev.count('dr');
    const r = this.r;
    const o = r.m;
    const err = r.int(m, o.err!);
    let latencyUs: number | undefined;
    try {
      const l = Number(this.d.native('rd_kafka_message_latency')(m));
      if (l >= 0) latencyUs = l;
    } catch {
      latencyUs = undefined;
    }
    ev.publish('dr', handle, {
      topic: this.topicOf(r.ptr(m, o.rkt!), topics),
      partition: r.int(m, o.partition!),
      offset: r.i64(m, o.offset!),
      err,
      ...(err ? { errName: this.errName(err) } : {}),
      ...(latencyUs !== undefined ? { latencyUs } : {}),
      keyLen: r.size(m, o.key_len!),
      len: r.size(m, o.len!),
    });
  }

  /** Publishes a consumed message (returned by a consume call, or given to a consume_cb). */
  consumed(handle: string | null, m: bigint, checked = false, topics?: Map<bigint, string>): void {
    const ev = this.events;
    if (!ev.enabled) return;
    if (!checked && !ev.want('consume')) return ev.count('consume');
    const r = this.r;
    const o = r.m;
    ev.publish('consume', handle, {
      topic: this.topicOf(r.ptr(m, o.rkt!), topics),
      partition: r.int(m, o.partition!),
      offset: r.i64(m, o.offset!),
      err: r.int(m, o.err!),
      len: r.size(m, o.len!),
    });
  }

  /** An event taken with rd_kafka_queue_poll: decoded without touching its message iterator. */
  polledEvent(rk: bigint | null, evp: bigint): void {
    const ev = this.events;
    if (!ev.enabled) return;
    const f = (n: string) => this.d.native(n);
    const t = f('rd_kafka_event_type')(evp) as number;
    const handle = this.handleName(rk);
    const c = this.d.facts.c;
    // DR and FETCH events are published per message when the cell takes them out (message_next/array).
    if (t === c.RD_KAFKA_EVENT_DR || t === c.RD_KAFKA_EVENT_FETCH) return;
    try {
      if (t === c.RD_KAFKA_EVENT_STATS) {
        if (!ev.want('stats')) return ev.count('stats');
        return ev.publish('stats', handle, JSON.parse(String(f('rd_kafka_event_stats')(evp))));
      }
      if (t === c.RD_KAFKA_EVENT_ERROR) {
        const err = f('rd_kafka_event_error')(evp) as number;
        return ev.publish('error', handle, {
          err,
          errName: this.errName(err),
          reason: String(f('rd_kafka_event_error_string')(evp) ?? ''),
          fatal: Boolean(
            this.d.has('rd_kafka_event_error_is_fatal') ? f('rd_kafka_event_error_is_fatal')(evp) : false,
          ),
        });
      }
      if (t === c.RD_KAFKA_EVENT_LOG) {
        if (!ev.want('log')) return ev.count('log');
        const fac = new BigUint64Array(1);
        const str = new BigUint64Array(1);
        const level = new Int32Array(1);
        f('rd_kafka_event_log')(evp, fac, str, level);
        return ev.publish('log', handle, {
          level: level[0]!,
          facility: this.r.str(fac[0] || null) ?? '',
          message: this.r.str(str[0] || null) ?? '',
        });
      }
      if (t === c.RD_KAFKA_EVENT_REBALANCE || t === c.RD_KAFKA_EVENT_OFFSET_COMMIT) {
        const err = f('rd_kafka_event_error')(evp) as number;
        const partitions = this.r.partitions(f('rd_kafka_event_topic_partition_list')(evp) as bigint);
        if (t === c.RD_KAFKA_EVENT_OFFSET_COMMIT)
          return ev.publish('offset_commit', handle, { err, errName: this.errName(err), partitions });
        return ev.publish('rebalance', handle, { err, kind: this.rebalanceKind(err), partitions });
      }
    } catch {
      // fall through to the generic event
    }
    if (!ev.want('event')) return ev.count('event');
    ev.publish('event', handle, { eventType: t, eventName: String(f('rd_kafka_event_name')(evp)) });
  }
}
