// The handle registry: what the kernel knows about the confs, handles and queues the cells created, and the
// callback registrations each keeps alive. A registered callback is released only once librdkafka can no
// longer call it: when its conf is destroyed unused, or after its handle's rd_kafka_destroy() returned.
import type { Fn } from './load.ts';

export interface ConfState {
  /** koffi registrations of the callbacks set on this conf. */
  regs: bigint[];
  /** Other things to give back with them (a hot path's callback slot, hotpath.ts). */
  releases: Array<() => void>;
  /** rd_kafka_conf_dup() copied the callbacks: two confs reference them, keep them for the kernel's life. */
  shared: boolean;
  statsInterval: number;
  hasStatsCb: boolean;
  /** The cell's log_cb (the native one is the log relay's). */
  logFn: Fn | null;
}

export type HandleKind = 'producer' | 'consumer';

export interface HandleState {
  name: string;
  kind: HandleKind;
  regs: bigint[];
  releases: Array<() => void>;
  shared: boolean;
}

export class HandleRegistry {
  readonly confs = new Map<bigint, ConfState>();
  readonly handles = new Map<bigint, HandleState>();
  /** rd_kafka_name() of handles seen (also those only known from the log relay's lines). */
  readonly names = new Map<bigint, string>();
  /** The cells' log callbacks, by handle. */
  readonly logFns = new Map<bigint, Fn>();
  /** Queue → the handle it belongs to. */
  readonly queues = new Map<bigint, bigint>();

  constructor(private unregister: (registration: bigint) => void) {}

  conf(conf: unknown): ConfState | undefined {
    return typeof conf === 'bigint' ? this.confs.get(conf) : undefined;
  }

  addConf(conf: bigint): ConfState {
    const s: ConfState = {
      regs: [],
      releases: [],
      shared: false,
      statsInterval: 0,
      hasStatsCb: false,
      logFn: null,
    };
    this.confs.set(conf, s);
    return s;
  }

  dupConf(from: unknown, to: unknown): void {
    const s = this.conf(from);
    if (!s || typeof to !== 'bigint' || !to) return;
    s.shared = true; // callbacks now referenced by two confs: keep them alive
    this.confs.set(to, { ...s, regs: [...s.regs], releases: [...s.releases], shared: true });
  }

  /** After rd_kafka_conf_destroy(): its callbacks can no longer be called. */
  destroyConf(conf: unknown): void {
    const s = this.conf(conf);
    if (!s) return;
    if (!s.shared) this.release(s);
    this.confs.delete(conf as bigint);
  }

  /** After a successful rd_kafka_new(): the handle owns what its conf had (rd_kafka_new consumed the conf). */
  addHandle(rk: bigint, conf: unknown, kind: HandleKind, name: string): HandleState {
    const s = this.conf(conf);
    const h: HandleState = {
      name,
      kind,
      regs: s?.regs ?? [],
      releases: s?.releases ?? [],
      shared: s?.shared ?? false,
    };
    this.handles.set(rk, h);
    this.names.set(rk, name);
    // An address can be reused after a destroy: never keep another handle's log_cb.
    if (s?.logFn) this.logFns.set(rk, s.logFn);
    else this.logFns.delete(rk);
    if (s) this.confs.delete(conf as bigint);
    return h;
  }

  /** After rd_kafka_destroy() returned: releases the handle's callbacks; returns what was known of it. */
  forget(rk: bigint): HandleState | undefined {
    const h = this.handles.get(rk);
    if (!h) return undefined;
    this.handles.delete(rk);
    if (!h.shared) this.release(h);
    return h;
  }

  /** Keeps `registration` until `owner` (a conf or handle the registry knows) is gone; else for good. */
  keepAlive(owner: unknown, registration: bigint): void {
    const o = typeof owner === 'bigint' ? (this.confs.get(owner) ?? this.handles.get(owner)) : undefined;
    // Otherwise (topic confs, queues, interceptors…) it stays registered for the kernel's lifetime.
    o?.regs.push(registration);
  }

  /** Runs `release` when `owner` (a conf or handle the registry knows) is gone; false if it knows no such owner. */
  onRelease(owner: unknown, release: () => void): boolean {
    const o = typeof owner === 'bigint' ? (this.confs.get(owner) ?? this.handles.get(owner)) : undefined;
    o?.releases.push(release);
    return o !== undefined;
  }

  /** The handle a queue belongs to, when the cell got it from a function taking the handle. */
  queueOwner(q: unknown): bigint | null {
    return typeof q === 'bigint' ? (this.queues.get(q) ?? null) : null;
  }

  private release(o: { regs: bigint[]; releases: Array<() => void> }): void {
    // The slots first: they point at registrations released next.
    for (const r of o.releases) r();
    o.releases.length = 0;
    for (const p of o.regs) this.unregister(p);
    o.regs.length = 0;
  }
}
