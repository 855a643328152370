// What cells see: the bindings' functions and constants under their C names, wrapped where needed so
// that every callback and handle is observed (published as a KernelEvent) without changing C semantics,
// plus BOOTSTRAP and the helpers. One Runtime per kernel process.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StructReader, type StructModel } from './decode.ts';
import type { EventStream } from './events.ts';
import type { KernelEventType } from '../../protocol/index.ts';
import { startLogRelay, type LogLine, type LogRelay } from './workers.ts';
import { makeHelpers } from './helpers.ts';

type Koffi = typeof import('koffi');
type Fn = (...args: any[]) => any;

interface ModelParam {
  name: string;
  type: string;
  callback?: string;
}
interface ModelFunction {
  name: string;
  returns: string;
  params: ModelParam[];
  variadic?: boolean;
}
export interface Model {
  librdkafka: { version: string; versionInt: number };
  functions: ModelFunction[];
  structs?: StructModel[];
  callbacks?: Array<{ name: string; returns: string; params: Array<{ name: string; type: string }> }>;
}
export interface Bindings {
  library: string;
  lib: { func: (...a: unknown[]) => Fn };
  functions: Record<string, Fn>;
  constants: Record<string, number | bigint | string>;
  types: Record<string, unknown>;
  callbacks: Record<string, unknown>;
  /** Function-like macros of the header (RD_KAFKA_V_*, RD_KAFKA_OFFSET_TAIL, …) when the generator emits them. */
  macros?: Record<string, unknown>;
  missing(): string[];
  model: Model;
}

export interface RuntimeOptions {
  bindingsDir: string;
  library?: string;
  bootstrap: string;
  clusterConfig?: Record<string, string>;
  events: EventStream;
  /** A callback from the cells threw: report it in the running cell's output. */
  onCallbackError: (callback: string, error: unknown) => void;
}

/** A failure to start whose message tells the user what to do. */
export class FatalError extends Error {}

/** What the control room (control-room.ts) hears from the runtime. */
export interface RuntimeObserver {
  mockStarted(mc: bigint, bootstraps: string, brokers: number): void;
  mockStopping(): void;
  /** Just before rd_kafka_new(conf): what to hand to handleCreated. */
  dumpConf(conf: bigint): Record<string, string> | null;
  handleCreated(name: string, kind: 'producer' | 'consumer', dump: Record<string, string> | null): void;
  /** A cell called an rd_kafka_mock_* function. */
  cellCall(fn: string, args: readonly unknown[], result: unknown): void;
}

interface ConfState {
  regs: bigint[];
  shared: boolean;
  statsInterval: number;
  hasStatsCb: boolean;
  logFn: Fn | null;
}
interface HandleState {
  name: string;
  kind: 'producer' | 'consumer';
  regs: bigint[];
  shared: boolean;
}

/** Event type for a callback, from its parameter name in the header. */
const CALLBACK_EVENTS: Record<string, KernelEventType> = {
  dr_msg_cb: 'dr',
  dr_cb: 'dr',
  stats_cb: 'stats',
  error_cb: 'error',
  log_cb: 'log',
  rebalance_cb: 'rebalance',
  offset_commit_cb: 'offset_commit',
  throttle_cb: 'throttle',
  consume_cb: 'consume',
  oauthbearer_token_refresh_cb: 'oauthbearer_token_refresh',
  background_event_cb: 'background_event',
};

const MOCK_FALLBACKS: Record<string, string> = {
  rd_kafka_mock_topic_create:
    'int rd_kafka_mock_topic_create(void *mcluster, const char *topic, int partition_cnt, int replication_factor)',
  rd_kafka_mock_broker_set_down: 'int rd_kafka_mock_broker_set_down(void *mcluster, int32_t broker_id)',
  rd_kafka_mock_broker_set_up: 'int rd_kafka_mock_broker_set_up(void *mcluster, int32_t broker_id)',
  rd_kafka_mock_partition_set_leader:
    'int rd_kafka_mock_partition_set_leader(void *mcluster, const char *topic, int32_t partition, int32_t broker_id)',
};

export class Runtime {
  readonly koffi: Koffi;
  readonly bindings: Bindings;
  readonly raw: Record<string, Fn>;
  readonly reader: StructReader;
  readonly events: EventStream;
  private confs = new Map<bigint, ConfState>();
  readonly handles = new Map<bigint, HandleState>();
  private names = new Map<bigint, string>();
  private logFns = new Map<bigint, Fn>();
  private queues = new Map<bigint, bigint>();
  private errNames = new Map<number, string>();
  private logRelay: LogRelay | null = null;
  private autoStats: bigint | null = null;
  private mock: { rk: bigint; mc: bigint; bootstraps: string } | null = null;
  private wrapped = new Map<string, Fn>();
  private c: Record<string, number>;
  /** Set by the kernel once the control room exists. */
  observer: RuntimeObserver | null = null;

  private constructor(
    private opts: RuntimeOptions,
    koffi: Koffi,
    bindings: Bindings,
    private koffiPath: string,
  ) {
    this.koffi = koffi;
    this.bindings = bindings;
    this.raw = bindings.functions;
    this.events = opts.events;
    this.reader = new StructReader(koffi, bindings.model.structs ?? []);
    const k = bindings.constants;
    const num = (name: string, dflt: number) => (typeof k[name] === 'number' ? (k[name] as number) : dflt);
    this.c = {
      ASSIGN: num('RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS', -175),
      REVOKE: num('RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS', -174),
      FATAL: num('RD_KAFKA_RESP_ERR__FATAL', -150),
      EV_DR: num('RD_KAFKA_EVENT_DR', 1),
      EV_FETCH: num('RD_KAFKA_EVENT_FETCH', 2),
      EV_LOG: num('RD_KAFKA_EVENT_LOG', 4),
      EV_ERROR: num('RD_KAFKA_EVENT_ERROR', 8),
      EV_REBALANCE: num('RD_KAFKA_EVENT_REBALANCE', 0x10),
      EV_OFFSET_COMMIT: num('RD_KAFKA_EVENT_OFFSET_COMMIT', 0x20),
      EV_STATS: num('RD_KAFKA_EVENT_STATS', 0x40),
    };
  }

  /** Loads koffi and the bindings; throws FatalError with a sentence saying what to do. */
  static async load(opts: RuntimeOptions): Promise<Runtime> {
    const bindingsJs = join(opts.bindingsDir, 'bindings.js');
    if (!existsSync(bindingsJs))
      throw new FatalError(
        `no bindings in ${opts.bindingsDir} (bindings.js is missing): generate them with \`rdkafka-workbench gen --out ${opts.bindingsDir}\``,
      );
    const require = createRequire(import.meta.url);
    let koffiPath: string;
    let koffi: Koffi;
    try {
      koffiPath = require.resolve('koffi');
      koffi = require(koffiPath) as Koffi;
    } catch (e) {
      throw new FatalError(
        `koffi could not be loaded (${(e as Error).message}): reinstall rdkafka workbench's dependencies`,
      );
    }
    const mod = (await import(pathToFileURL(bindingsJs).href)) as {
      load: (k: Koffi, o: { library?: string }) => Bindings;
      meta?: { library?: string | null };
    };
    let bindings: Bindings;
    try {
      bindings = mod.load(koffi, opts.library ? { library: opts.library } : {});
    } catch (e) {
      const lib = opts.library || mod.meta?.library || 'librdkafka';
      const msg = (e as Error).message.split('\n')[0]!;
      // koffi's reason ("cannot open shared object file: …"), without the bindings' own advice around it.
      const reason = /\(([^()]+)\)/.exec(msg)?.[1] ?? msg;
      if (!/shared|\.so|librar/i.test(msg))
        throw new FatalError(
          `the bindings in ${opts.bindingsDir} could not be loaded (${msg}): regenerate them with \`rdkafka-workbench gen --out ${opts.bindingsDir}\``,
        );
      throw new FatalError(
        `cannot load librdkafka from ${lib} (${reason}): install librdkafka (Debian: apt-get install librdkafka1) or point the workbench at the library (setting rdkafka.libraryPath, or --library)`,
      );
    }
    return new Runtime(opts, koffi, bindings, koffiPath);
  }

  get library(): string {
    return this.bindings.library;
  }

  // ------------------------------------------------------------------------------------------------
  // Globals

  /** Defines every C function, constant and helper on globalThis; functions are bound on first use. */
  install(target: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(this.bindings.constants)) target[name] = value;
    const define = (name: string, get: () => unknown) =>
      Object.defineProperty(target, name, {
        configurable: true,
        enumerable: false,
        get() {
          const value = get();
          Object.defineProperty(target, name, {
            value,
            writable: true,
            configurable: true,
            enumerable: false,
          });
          return value;
        },
        set(value) {
          Object.defineProperty(target, name, {
            value,
            writable: true,
            configurable: true,
            enumerable: false,
          });
        },
      });
    for (const f of this.bindings.model.functions) define(f.name, () => this.fn(f.name));
    Object.defineProperty(target, 'BOOTSTRAP', {
      configurable: true,
      enumerable: false,
      get: () => this.bootstrap(),
    });
    // The mock cluster itself, for rdkafka_mock.h's functions (null when a real cluster is configured).
    Object.defineProperty(target, 'MOCK_CLUSTER', {
      configurable: true,
      enumerable: false,
      get: () => (this.opts.bootstrap === 'mock' ? (this.bootstrap(), this.mock!.mc) : null),
    });
    // A few rdkafka_mock.h functions, declared here when the bindings were generated without that header.
    for (const [name, proto] of Object.entries(MOCK_FALLBACKS))
      if (!this.bindings.model.functions.some((f) => f.name === name))
        define(name, () => this.bindings.lib.func(proto));
    const helpers = makeHelpers(this);
    // The header's function-like macros as the generator translated them; the helpers' versions of the
    // RD_KAFKA_V_* tags win, since they also accept strings and infer lengths.
    for (const [name, value] of Object.entries(this.bindings.macros ?? {}))
      if (!(name in helpers)) target[name] = value;
    Object.assign(target, helpers);
  }

  /** The function cells call under `name`: observed where librdkafka can call back or hands out handles. */
  fn(name: string): Fn {
    let f = this.wrapped.get(name);
    if (f) return f;
    const model = this.bindings.model.functions.find((x) => x.name === name);
    f = this.wrap(name, model);
    this.wrapped.set(name, f);
    return f;
  }

  private rawFn(name: string): Fn {
    return this.raw[name]!;
  }

  private wrap(name: string, model: ModelFunction | undefined): Fn {
    const raw = () => this.rawFn(name);
    const special = this.special(name, raw);
    if (special) return special;
    if (name.startsWith('rd_kafka_mock_'))
      return (...args: unknown[]) => {
        const r = raw()(...args);
        this.observer?.cellCall(name, args, r);
        return r;
      };
    const cbParams = (model?.params ?? []).map((p, i) => ({ p, i })).filter(({ p }) => p.callback);
    if (cbParams.length) {
      return (...args: unknown[]) => {
        const owner = typeof args[0] === 'bigint' ? args[0] : null;
        for (const { p, i } of cbParams) {
          if (typeof args[i] === 'function') args[i] = this.observe(name, p, args[i] as Fn, owner);
        }
        return raw()(...args);
      };
    }
    if (
      model &&
      /^rd_kafka_queue_t\s*\*$/.test(model.returns.trim()) &&
      /rd_kafka_t\s*\*/.test(model.params[0]?.type ?? '')
    ) {
      return (...args: unknown[]) => {
        const q = raw()(...args);
        if (typeof q === 'bigint' && typeof args[0] === 'bigint') this.queues.set(q, args[0]);
        return q;
      };
    }
    // Everything else: the koffi function itself. A wrapper here cost ~40 ns a call (rest/spread of up to 8
    // arguments) on every C call a cell makes. Still bound lazily: install() calls fn() on first access, and
    // a symbol the library lacks is a function that throws its clear error when called.
    return raw();
  }

  // ------------------------------------------------------------------------------------------------
  // Handles and confs

  private confState(conf: unknown): ConfState | undefined {
    return typeof conf === 'bigint' ? this.confs.get(conf) : undefined;
  }

  private special(name: string, raw: () => Fn): Fn | null {
    switch (name) {
      case 'rd_kafka_conf_new':
        return () => {
          const conf = raw()();
          if (typeof conf === 'bigint') {
            this.confs.set(conf, {
              regs: [],
              shared: false,
              statsInterval: 0,
              hasStatsCb: false,
              logFn: null,
            });
            const err = Buffer.alloc(512);
            for (const [k, v] of Object.entries(this.opts.clusterConfig ?? {}))
              this.rawFn('rd_kafka_conf_set')(conf, k, v, err, err.length);
          }
          return conf;
        };
      case 'rd_kafka_conf_dup':
        return (conf: unknown) => {
          const dup = raw()(conf);
          const s = this.confState(conf);
          if (typeof dup === 'bigint' && s) {
            s.shared = true; // callbacks now referenced by two confs: keep them alive
            this.confs.set(dup, { ...s, regs: [...s.regs], shared: true });
          }
          return dup;
        };
      case 'rd_kafka_conf_set':
        return (conf: unknown, key: unknown, value: unknown, ...rest: unknown[]) => {
          const r = raw()(conf, key, value, ...rest);
          const s = this.confState(conf);
          if (s && r === 0 && key === 'statistics.interval.ms') s.statsInterval = Number(value) || 0;
          return r;
        };
      case 'rd_kafka_conf_destroy':
        return (conf: unknown) => {
          raw()(conf);
          const s = this.confState(conf);
          if (s) {
            if (!s.shared) this.unregister(s.regs);
            this.confs.delete(conf as bigint);
          }
        };
      case 'rd_kafka_conf_set_log_cb':
        return (conf: unknown, cb: unknown) => {
          const s = this.confState(conf);
          if (typeof cb !== 'function') {
            if (s) s.logFn = null;
            return raw()(conf, cb);
          }
          if (s) s.logFn = cb as Fn;
          return raw()(conf, this.logRelayPointer());
        };
      case 'rd_kafka_conf_set_stats_cb':
        return (conf: unknown, cb: unknown) => {
          const s = this.confState(conf);
          if (s) s.hasStatsCb = cb !== null && cb !== undefined;
          const p = this.bindings.model.functions.find((f) => f.name === name)?.params[1];
          const arg = typeof cb === 'function' && p ? this.observe(name, p, cb as Fn, conf as bigint) : cb;
          return raw()(conf, arg);
        };
      case 'rd_kafka_new':
        return (type: number, conf: unknown, errstr: unknown, size: unknown) => {
          const s = this.confState(conf);
          if (s && s.statsInterval > 0 && !s.hasStatsCb)
            this.rawFn('rd_kafka_conf_set_stats_cb')(conf, this.autoStatsPointer());
          const dump = typeof conf === 'bigint' ? (this.observer?.dumpConf(conf) ?? null) : null;
          const rk = raw()(type, conf, errstr, size);
          if (typeof rk === 'bigint' && rk) {
            const hname = this.rawFn('rd_kafka_name')(rk) as string;
            const kind = type === 1 ? 'consumer' : 'producer';
            this.handles.set(rk, { name: hname, kind, regs: s?.regs ?? [], shared: s?.shared ?? false });
            this.names.set(rk, hname);
            // An address can be reused after a destroy: never keep another handle's log_cb.
            if (s?.logFn) this.logFns.set(rk, s.logFn);
            else this.logFns.delete(rk);
            if (s) this.confs.delete(conf as bigint);
            this.events.publish('handle_created', hname, { kind, name: hname });
            this.observer?.handleCreated(hname, kind, dump);
          }
          return rk;
        };
      case 'rd_kafka_destroy':
      case 'rd_kafka_destroy_flags':
        return (rk: unknown, ...rest: unknown[]) => {
          const r = raw()(rk, ...rest);
          if (typeof rk === 'bigint') this.forget(rk);
          return r;
        };
      case 'rd_kafka_producev':
        return (rk: unknown, ...tags: unknown[]) => raw()(rk, ...tags.flat());
      case 'rd_kafka_consumer_poll':
        return (rk: unknown, timeout: unknown) => {
          const m = raw()(rk, timeout);
          if (m && this.events.enabled) {
            if (this.events.want('consume')) this.consumed(this.handleName(rk), m as bigint, true);
            else this.events.count('consume');
          }
          return m;
        };
      case 'rd_kafka_consume':
        return (rkt: unknown, partition: unknown, timeout: unknown) => {
          const m = raw()(rkt, partition, timeout);
          if (m) this.consumed(null, m as bigint);
          return m;
        };
      case 'rd_kafka_queue_poll':
        return (rkqu: unknown, timeout: unknown) => {
          const ev = raw()(rkqu, timeout);
          if (ev)
            this.polledEvent(typeof rkqu === 'bigint' ? (this.queues.get(rkqu) ?? null) : null, ev as bigint);
          return ev;
        };
      case 'rd_kafka_queue_destroy':
        return (rkqu: unknown) => {
          if (typeof rkqu === 'bigint') this.queues.delete(rkqu);
          return raw()(rkqu);
        };
      case 'rd_kafka_event_message_next':
        return (ev: unknown) => {
          const m = raw()(ev);
          if (m && this.rawFn('rd_kafka_event_type')(ev) === this.c.EV_DR) this.delivered(null, m as bigint);
          return m;
        };
      case 'rd_kafka_event_message_array':
        return (ev: unknown, arr: unknown, size: unknown) => {
          const n = raw()(ev, arr, size) as number | bigint;
          if (
            this.events.enabled &&
            (arr instanceof BigUint64Array || arr instanceof BigInt64Array) &&
            this.rawFn('rd_kafka_event_type')(ev) === this.c.EV_DR
          )
            this.messagesTaken('dr', null, arr, Number(n));
          return n;
        };
      // Messages a batch consume returns are published like rd_kafka_consumer_poll's: details while the
      // budget lasts, then one bulk count for the rest of the batch.
      case 'rd_kafka_consume_batch_queue':
        return (rkqu: unknown, timeout: unknown, arr: unknown, size: unknown) => {
          const n = raw()(rkqu, timeout, arr, size) as number | bigint;
          if (this.events.enabled && (arr instanceof BigUint64Array || arr instanceof BigInt64Array)) {
            const rk = typeof rkqu === 'bigint' ? (this.queues.get(rkqu) ?? null) : null;
            this.messagesTaken('consume', rk, arr, Number(n));
          }
          return n;
        };
      case 'rd_kafka_consume_batch':
        return (rkt: unknown, partition: unknown, timeout: unknown, arr: unknown, size: unknown) => {
          const n = raw()(rkt, partition, timeout, arr, size) as number | bigint;
          if (this.events.enabled && (arr instanceof BigUint64Array || arr instanceof BigInt64Array))
            this.messagesTaken('consume', null, arr, Number(n));
          return n;
        };
      default:
        return null;
    }
  }

  private forget(rk: bigint): void {
    const h = this.handles.get(rk);
    if (!h) return;
    this.handles.delete(rk);
    if (!h.shared) this.unregister(h.regs);
    this.events.publish('handle_destroyed', h.name, { name: h.name });
  }

  private unregister(regs: bigint[]): void {
    for (const p of regs) this.koffi.unregister(p);
    regs.length = 0;
  }

  handleName(rk: unknown): string | null {
    if (typeof rk !== 'bigint' || !rk) return null;
    const known = this.names.get(rk);
    if (known) return known;
    try {
      return this.rawFn('rd_kafka_name')(rk) as string;
    } catch {
      return null;
    }
  }

  errName(err: number): string {
    let n = this.errNames.get(err);
    if (n === undefined) {
      n = String(this.rawFn('rd_kafka_err2name')(err));
      this.errNames.set(err, n);
    }
    return n;
  }

  /** A topic's name through a cache that lives as long as the caller knows the topic objects do. */
  private topicOf(rkt: bigint | null, cache: Map<bigint, string> | undefined): string {
    if (!cache || !rkt) return this.topicName(rkt);
    let name = cache.get(rkt);
    if (name === undefined) cache.set(rkt, (name = this.topicName(rkt)));
    return name;
  }

  /** Not cached: librdkafka may free a topic object and reuse its address for another topic. */
  topicName(rkt: bigint | null): string {
    return rkt ? String(this.rawFn('rd_kafka_topic_name')(rkt)) : '';
  }

  // ------------------------------------------------------------------------------------------------
  // Observation

  /** Registers `user` (kept alive with its owner) behind a trampoline that publishes the event first. */
  private observe(fnName: string, param: ModelParam, user: Fn, owner: bigint | null): bigint {
    const proto = this.bindings.callbacks[param.callback!] ?? this.bindings.types[param.callback!];
    if (!proto) throw new Error(`${fnName}: no prototype for callback ${param.callback} in the bindings`);
    const type = CALLBACK_EVENTS[param.name];
    const cbName = param.name;
    const returnsValue = !/^void$/.test(
      (this.bindings.model.callbacks ?? []).find((c) => c.name === param.callback)?.returns.trim() ?? 'void',
    );
    const ev = this.events;
    // dr_msg_cb runs once per message: a fixed-arity trampoline (no rest/spread) that asks the stream
    // before naming the handle or decoding anything.
    const drTramp = (rk: unknown, m: unknown, opaque: unknown) => {
      if (ev.enabled)
        try {
          if (ev.want('dr')) this.delivered(this.handleName(rk), m as bigint, true);
          else ev.count('dr');
        } catch {
          // Observation must never disturb the callback itself.
        }
      try {
        return user(rk, m, opaque);
      } catch (e) {
        this.opts.onCallbackError(cbName, e);
        return undefined;
      }
    };
    const tramp = (...args: unknown[]) => {
      try {
        this.publishCallback(type, cbName, args);
      } catch {
        // Observation must never disturb the callback itself.
      }
      try {
        const r = user(...args);
        return r === undefined && returnsValue ? 0 : r;
      } catch (e) {
        this.opts.onCallbackError(cbName, e);
        return returnsValue ? 0 : undefined;
      }
    };
    const fast = cbName === 'dr_msg_cb' && !returnsValue;
    const ptr = this.koffi.register(fast ? drTramp : tramp, this.koffi.pointer(proto as never));
    const conf = owner !== null ? this.confs.get(owner) : undefined;
    const handle = owner !== null ? this.handles.get(owner) : undefined;
    if (conf) conf.regs.push(ptr);
    else if (handle) handle.regs.push(ptr);
    // Otherwise (topic confs, queues, interceptors…) it stays registered for the kernel's lifetime.
    return ptr;
  }

  private publishCallback(type: KernelEventType | undefined, cbName: string, a: unknown[]): void {
    const ev = this.events;
    if (!ev.enabled) return;
    if (!type) {
      if (!ev.want('callback')) return ev.count('callback');
      const args = a.map((x) => (typeof x === 'bigint' ? `0x${x.toString(16)}` : x));
      return ev.publish('callback', null, { name: cbName, args });
    }
    if (!ev.want(type)) return ev.count(type);
    const r = this.reader;
    switch (type) {
      case 'dr':
        if (cbName === 'dr_msg_cb') return this.delivered(this.handleName(a[0]), a[1] as bigint, true);
        return ev.publish('dr', this.handleName(a[0]), {
          topic: '',
          partition: -1,
          offset: -1,
          err: a[3] as number,
          errName: this.errName(a[3] as number),
          len: Number(a[2]),
        });
      case 'stats': {
        const json = typeof a[1] === 'string' ? a[1] : r.str(a[1] as bigint);
        return ev.publish('stats', this.handleName(a[0]), JSON.parse(json ?? '{}'));
      }
      case 'error':
        return ev.publish('error', this.handleName(a[0]), {
          err: a[1] as number,
          errName: this.errName(a[1] as number),
          reason: String(a[2] ?? ''),
          fatal: a[1] === this.c.FATAL,
        });
      case 'rebalance': {
        const err = a[1] as number;
        return ev.publish('rebalance', this.handleName(a[0]), {
          err,
          kind: err === this.c.ASSIGN ? 'assign' : err === this.c.REVOKE ? 'revoke' : 'error',
          protocol: this.rebalanceProtocol(a[0]),
          partitions: r.partitions(a[2] as bigint),
        });
      }
      case 'offset_commit':
        return ev.publish('offset_commit', this.handleName(a[0]), {
          err: a[1] as number,
          errName: this.errName(a[1] as number),
          partitions: r.partitions(a[2] as bigint),
        });
      case 'throttle':
        return ev.publish('throttle', this.handleName(a[0]), {
          broker: String(a[1]),
          brokerId: a[2] as number,
          throttleMs: a[3] as number,
        });
      case 'consume':
        return this.consumed(null, a[0] as bigint, true);
      case 'oauthbearer_token_refresh':
        return ev.publish('oauthbearer_token_refresh', this.handleName(a[0]), {
          config: (a[1] as string | null) ?? null,
        });
      case 'background_event': {
        const evp = a[1] as bigint;
        return ev.publish('background_event', this.handleName(a[0]), {
          eventType: this.rawFn('rd_kafka_event_type')(evp) as number,
          eventName: String(this.rawFn('rd_kafka_event_name')(evp)),
        });
      }
      default:
        return;
    }
  }

  private rebalanceProtocol(rk: unknown): string | undefined {
    try {
      return (this.rawFn('rd_kafka_rebalance_protocol')(rk) as string | null) ?? undefined;
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
  private messagesTaken(
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
    const r = this.reader;
    const o = r.m;
    const err = r.int(m, o.err!);
    let latencyUs: number | undefined;
    try {
      const l = Number(this.rawFn('rd_kafka_message_latency')(m));
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

  private consumed(handle: string | null, m: bigint, checked = false, topics?: Map<bigint, string>): void {
    const ev = this.events;
    if (!ev.enabled) return;
    if (!checked && !ev.want('consume')) return ev.count('consume');
    const r = this.reader;
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
  private polledEvent(rk: bigint | null, evp: bigint): void {
    const ev = this.events;
    if (!ev.enabled) return;
    const f = (n: string) => this.rawFn(n);
    const t = f('rd_kafka_event_type')(evp) as number;
    const handle = this.handleName(rk);
    const c = this.c;
    // DR and FETCH events are published per message when the cell takes them out (message_next/array).
    if (t === c.EV_DR || t === c.EV_FETCH) return;
    try {
      if (t === c.EV_STATS) {
        if (!ev.want('stats')) return ev.count('stats');
        return ev.publish('stats', handle, JSON.parse(String(f('rd_kafka_event_stats')(evp))));
      }
      if (t === c.EV_ERROR) {
        const err = f('rd_kafka_event_error')(evp) as number;
        return ev.publish('error', handle, {
          err,
          errName: this.errName(err),
          reason: String(f('rd_kafka_event_error_string')(evp) ?? ''),
          fatal: Boolean(
            this.raw.rd_kafka_event_error_is_fatal ? f('rd_kafka_event_error_is_fatal')(evp) : false,
          ),
        });
      }
      if (t === c.EV_LOG) {
        if (!ev.want('log')) return ev.count('log');
        const fac = new BigUint64Array(1);
        const str = new BigUint64Array(1);
        const level = new Int32Array(1);
        f('rd_kafka_event_log')(evp, fac, str, level);
        return ev.publish('log', handle, {
          level: level[0]!,
          facility: this.reader.str(fac[0] || null) ?? '',
          message: this.reader.str(str[0] || null) ?? '',
        });
      }
      if (t === c.EV_REBALANCE || t === c.EV_OFFSET_COMMIT) {
        const err = f('rd_kafka_event_error')(evp) as number;
        const partitions = this.reader.partitions(f('rd_kafka_event_topic_partition_list')(evp) as bigint);
        if (t === c.EV_OFFSET_COMMIT)
          return ev.publish('offset_commit', handle, { err, errName: this.errName(err), partitions });
        return ev.publish('rebalance', handle, {
          err,
          kind: err === c.ASSIGN ? 'assign' : err === c.REVOKE ? 'revoke' : 'error',
          partitions,
        });
      }
    } catch {
      // fall through to the generic event
    }
    if (!ev.want('event')) return ev.count('event');
    ev.publish('event', handle, { eventType: t, eventName: String(f('rd_kafka_event_name')(evp)) });
  }

  private logRelayPointer(): bigint {
    if (!this.logRelay)
      this.logRelay = startLogRelay(this.koffiPath, this.library, (line: LogLine) => this.relayedLog(line));
    return this.logRelay.pointer;
  }

  private relayedLog([rk, name, level, fac, buf]: LogLine): void {
    if (rk && name && !this.names.has(rk)) this.names.set(rk, name);
    if (this.events.want('log')) this.events.publish('log', name, { level, facility: fac, message: buf });
    else this.events.count('log');
    const user = rk ? this.logFns.get(rk) : undefined;
    if (user) {
      try {
        user(rk, level, fac, buf);
      } catch (e) {
        this.opts.onCallbackError('log_cb', e);
      }
    }
  }

  private autoStatsPointer(): bigint {
    if (this.autoStats === null) {
      const cb = this.bindings.model.functions.find((f) => f.name === 'rd_kafka_conf_set_stats_cb')
        ?.params[1];
      const proto = cb?.callback
        ? (this.bindings.callbacks[cb.callback] ?? this.bindings.types[cb.callback])
        : undefined;
      if (!proto) throw new Error('the bindings lack the stats_cb prototype');
      this.autoStats = this.koffi.register(
        (...a: unknown[]) => {
          try {
            this.publishCallback('stats', 'stats_cb', a);
          } catch {
            // never disturb librdkafka
          }
          return 0;
        },
        this.koffi.pointer(proto as never),
      );
    }
    return this.autoStats;
  }

  /** Drains relayed log lines: lets the worker's messages reach this thread. */
  async settle(): Promise<void> {
    if (!this.logRelay) return;
    await new Promise((r) => setTimeout(r, 5));
  }

  // ------------------------------------------------------------------------------------------------
  // Cluster

  /** BOOTSTRAP: the configured cluster, or the embedded mock cluster started on first use. */
  bootstrap(): string {
    if (this.opts.bootstrap !== 'mock') return this.opts.bootstrap;
    if (this.mock) return this.mock.bootstraps;
    const f = (n: string) => this.mockFn(n);
    const conf = this.rawFn('rd_kafka_conf_new')();
    const err = Buffer.alloc(512);
    this.rawFn('rd_kafka_conf_set')(conf, 'log_level', '3', err, err.length);
    this.rawFn('rd_kafka_conf_set')(conf, 'client.id', 'rdkafka-workbench-mock', err, err.length);
    const rk = this.rawFn('rd_kafka_new')(0, conf, err, err.length) as bigint;
    if (!rk)
      throw new Error(
        `could not create the mock cluster's handle: ${err.toString('utf8').replace(/\0.*$/s, '')}`,
      );
    const mc = f('rd_kafka_mock_cluster_new')(rk, 3) as bigint;
    if (!mc)
      throw new Error(
        'rd_kafka_mock_cluster_new failed: this librdkafka may be built without the mock cluster',
      );
    this.mock = { rk, mc, bootstraps: String(f('rd_kafka_mock_cluster_bootstraps')(mc)) };
    this.observer?.mockStarted(mc, this.mock.bootstraps, 3);
    return this.mock.bootstraps;
  }

  private mockFn(name: string): Fn {
    try {
      if (this.bindings.model.functions.some((f) => f.name === name)) return this.rawFn(name);
    } catch {
      // fall back to our own declaration below
    }
    const protos: Record<string, string> = {
      rd_kafka_mock_cluster_new: 'void *rd_kafka_mock_cluster_new(void *rk, int broker_cnt)',
      rd_kafka_mock_cluster_bootstraps: 'const char *rd_kafka_mock_cluster_bootstraps(void *mcluster)',
      rd_kafka_mock_cluster_destroy: 'void rd_kafka_mock_cluster_destroy(void *mcluster)',
    };
    return this.bindings.lib.func(protos[name]!);
  }

  get mockStarted(): boolean {
    return this.mock !== null;
  }

  /** Destroys every handle the cells created (newest first), then the mock cluster. */
  shutdown(): void {
    for (const rk of [...this.handles.keys()].reverse()) {
      try {
        this.rawFn('rd_kafka_destroy')(rk);
      } catch {
        // keep going: the process is about to exit anyway
      }
      this.forget(rk);
    }
    if (this.mock) {
      this.observer?.mockStopping();
      this.mockFn('rd_kafka_mock_cluster_destroy')(this.mock.mc);
      this.rawFn('rd_kafka_destroy')(this.mock.rk);
      this.mock = null;
    }
  }
}
