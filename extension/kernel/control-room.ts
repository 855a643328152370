// The kernel side of the control room, on the JS thread: starts the control thread (control-thread.ts),
// tells it about the embedded mock cluster when that starts (turning on request tracking on 2.3+ and
// publishing what the cluster offers as a `mock_cluster` event), publishes what the thread did as `fault`
// and `request` events (a fault the thread sent the client itself, while this thread had no events waiting,
// is only counted: the EventHandoff of events.ts), publishes the cells' own rd_kafka_mock_* calls as `fault` events, and captures each
// handle's configuration (rd_kafka_conf_dump just before rd_kafka_new, secrets redacted) as a
// `handle_config` event. The values of secret properties stay in this process; only an export asks for
// them (over the control pipe), to scrub them from what it writes.
import { existsSync, fstatSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { Model } from '../../gen/model.ts';
import type { FaultArg } from '../../protocol/index.ts';
import { isSensitiveProperty, REDACTED } from '../redact.ts';
import { apiKeysFor } from './api-keys.ts';
import type { FromControl, ToControl, ControlThreadData } from './control-thread.ts';
import { locked, requestReader, SAB_BYTES, SLOT } from './control-thread.ts';
import type { EventHandoff, EventStream } from './events.ts';
import { CHANNEL_FD, guardWrites, synchronous } from './channel.ts';
import type { ControlRoomHooks } from './control-hooks.ts';
import type { Runtime } from './runtime.ts';
import { callText, mockActions, type ActionImpl, type CallNames } from './mock-actions.ts';

type Koffi = typeof import('koffi');
type Fn = (...a: unknown[]) => unknown;

export interface ControlRoomOptions {
  /** The control pipe's fd in this process (6), or null when the kernel was started without it. */
  fd: number | null;
  /** The bindings' model (model.json). */
  model: Pick<Model, 'functions' | 'enums' | 'headers' | 'librdkafka'>;
  library: string;
  koffi: Koffi;
  /** A C function by name, unwrapped. */
  native: (name: string) => Fn;
  /** Functions the header declares that the library lacks. */
  missing: readonly string[];
  events: EventStream;
  /** The real cluster's bootstrap servers, or null on the embedded mock cluster. */
  realCluster?: string | null;
}

/** Mock functions that only read (getters, request accessors): not worth an event when a cell calls them. */
const QUIET =
  /^rd_kafka_mock_(cluster_(bootstraps|handle)|request_\w+|get_requests|broker_error_stack_cnt|sharegroup_get_member_ids)$/;

/** Where the control thread's bundle is: beside this bundle, else in the nearest dist/ above it. */
function threadScript(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    for (const c of [join(dir, 'control-thread.mjs'), join(dir, 'dist', 'control-thread.mjs')])
      if (existsSync(c)) return c;
    if (dirname(dir) === dir) return null;
  }
}

/** fd 6, the client's control pipe (panel actions), when the client opened one. */
export function controlFd(): number | null {
  try {
    return fstatSync(6).isSocket() ? 6 : null;
  } catch {
    return null;
  }
}

export class ControlRoom implements ControlRoomHooks, EventHandoff {
  /** The control room of a loaded runtime, connected to it (the kernel's one call). */
  static forRuntime(runtime: Runtime, events: EventStream, fd: number | null): ControlRoom {
    const room = new ControlRoom({
      fd,
      model: runtime.bindings.model as unknown as ControlRoomOptions['model'],
      library: runtime.library,
      koffi: runtime.ctx.koffi,
      native: (name) => runtime.native(name),
      missing: runtime.bindings.missing(),
      events,
      realCluster: runtime.mock.enabled ? null : runtime.mock.bootstrap(),
    });
    runtime.setControlRoom(room);
    return room;
  }

  private readonly impls: ActionImpl[];
  private readonly byFn: Map<string, ActionImpl>;
  private readonly errorNames: [number, string][];
  private readonly apiKeys: [string, number][];
  private readonly names: CallNames;
  private readonly tracking: boolean;
  private worker: Worker | null = null;
  private port: MessagePort | null = null;
  private readonly sab = new SharedArrayBuffer(SAB_BYTES);
  private readonly i32 = new Int32Array(this.sab);
  private readonly i64 = new BigInt64Array(this.sab);
  private readonly f64 = new Float64Array(this.sab);
  /** Inside handle(): messages after the one being handled are taken by the loop that took it. */
  private handling = false;
  /** Values of secret properties the cells' confs held (for an export's scrubbing only). */
  private readonly secrets = new Set<string>();
  /** Set when the thread could not start: said in the mock_cluster event. */
  private startError: string | null = null;

  constructor(private readonly opts: ControlRoomOptions) {
    this.impls = mockActions(opts.model);
    this.byFn = new Map(this.impls.map((i) => [i.action.fn, i]));
    const errEnum = opts.model.enums.find((e) => e.name === 'rd_kafka_resp_err_t');
    this.errorNames = (errEnum?.values ?? [])
      .filter((v) => typeof v.value === 'number' && !/__(BEGIN|END)$|END_ALL$/.test(v.name))
      .map((v) => [v.value as number, v.name.replace(/^RD_KAFKA_RESP_ERR_/, '')]);
    this.apiKeys = apiKeysFor(opts.model.headers ?? []).keys;
    const errs = new Map(this.errorNames);
    const apis = new Map(this.apiKeys.map(([n, k]) => [k, n]));
    this.names = {
      error: (c) => (errs.has(c) ? `RD_KAFKA_RESP_ERR_${errs.get(c)}` : undefined),
      api: (k) => apis.get(k),
    };
    const has = (f: string) => opts.model.functions.some((x) => x.name === f) && !opts.missing.includes(f);
    this.tracking = ['rd_kafka_mock_start_request_tracking', 'rd_kafka_mock_get_requests'].every(has);
    this.startThread();
  }

  private startThread(): void {
    if (this.opts.fd === null) return;
    const script = threadScript();
    if (!script) {
      this.startError =
        'the control thread bundle (control-thread.mjs) is missing: rebuild with node scripts/build.mjs';
      return;
    }
    this.i32[SLOT.CELL] = -1;
    // The thread sends faults to the client itself only on the synchronous channel (fd 5), and only when
    // the stream publishes at all.
    const channel = synchronous() && this.opts.events.enabled ? CHANNEL_FD : null;
    const { port1, port2 } = new MessageChannel();
    const data: ControlThreadData = {
      fd: this.opts.fd,
      koffiPath: createRequire(import.meta.url).resolve('koffi'),
      library: this.opts.library,
      sab: this.sab,
      port: port2,
      actions: this.impls,
      errorNames: this.errorNames,
      apiNames: this.apiKeys.map(([n, k]) => [k, n]),
      tracking: this.tracking,
      realCluster: this.opts.realCluster ?? null,
      channel,
    };
    try {
      this.worker = new Worker(script, { workerData: { controlThread: data }, transferList: [port2] });
    } catch (e) {
      this.startError = `the control thread did not start: ${(e as Error).message}`;
      return;
    }
    this.worker.unref();
    this.worker.on('error', (e) => (this.startError = `the control thread failed: ${e.message}`));
    this.port = port1;
    port1.on('message', (m: FromControl) => {
      Atomics.sub(this.i32, SLOT.PENDING, 1);
      this.handle(m);
    });
    port1.unref();
    if (channel !== null) {
      // The thread's lines and this thread's never interleave on fd 5, whatever their length.
      guardWrites((write) => locked(this.i32, SLOT.ELOCK, write));
      this.opts.events.setHandoff(this);
    }
  }

  /** EventHandoff: the stream has no events waiting; the thread may send its faults from `seq` + 1. */
  park(seq: number): void {
    locked(this.i32, SLOT.ELOCK, () => {
      this.f64[SLOT.SEQ] = seq;
      this.i32[SLOT.PARKED] = 1;
    });
  }

  /** EventHandoff: the stream numbers events again, after the last one the thread sent. */
  unpark(): number {
    return locked(this.i32, SLOT.ELOCK, () => {
      this.i32[SLOT.PARKED] = 0;
      return this.f64[SLOT.SEQ]!;
    });
  }

  /** EventHandoff: what the thread sent while parked is counted before the stream's next event. */
  resumed(): void {
    if (!this.handling) this.take();
  }

  /** Publishes (or counts) what the control thread posted. */
  private take(): void {
    const i32 = this.i32;
    if (i32[SLOT.PENDING] !== 0 && this.port)
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        Atomics.sub(i32, SLOT.PENDING, 1);
        this.handle(m.message as FromControl);
      }
  }

  /** The running cell (from 1), or null between cells: what the control thread's events say. */
  set cell(n: number | null) {
    Atomics.store(this.i32, SLOT.CELL, n ?? -1);
  }

  /**
   * Called from a busy cell's loop ticks (two plain reads when there is nothing to do): publishes what the
   * control thread did, and sends pending events when the thread flags that FLUSH_MS went by.
   */
  drain(): void {
    const i32 = this.i32;
    this.take();
    if (i32[SLOT.FLUSH] !== 0) {
      i32[SLOT.FLUSH] = 0;
      this.opts.events.flushIfDue();
    }
  }

  private send(m: ToControl): void {
    this.port?.postMessage(m);
  }

  private handle(m: FromControl): void {
    const outer = this.handling;
    this.handling = true;
    try {
      this.handleOne(m);
    } finally {
      this.handling = outer;
    }
  }

  private handleOne(m: FromControl): void {
    const ev = this.opts.events;
    switch (m.k) {
      case 'fault': {
        const saved = ev.cell;
        ev.cell = m.cell;
        ev.publish('fault', null, m.data, m.time);
        ev.cell = saved;
        // Published (numbered here): the thread may send later faults itself again once nothing waits.
        Atomics.sub(this.i32, SLOT.FPEND, 1);
        break;
      }
      case 'sent':
        ev.adopt([m.event]);
        break;
      case 'requests': {
        const apis = new Map(this.apiKeys.map(([n, k]) => [k, n]));
        for (let i = 0; i + 2 < m.list.length; i += 3) {
          const key = m.list[i]!;
          if (!ev.want('request')) {
            ev.countN('request', (m.list.length - i) / 3);
            break;
          }
          ev.publish(
            'request',
            null,
            { api: apis.get(key) ?? `ApiKey ${key}`, apiKey: key, broker: m.list[i + 1]! },
            m.list[i + 2]!,
          );
        }
        if (m.cleared) {
          const { at, ...data } = m.cleared;
          ev.publish('requests_cleared', null, data, at);
        }
        break;
      }
      case 'secrets':
        this.send({ k: 'secrets', id: m.id, values: [...this.secrets] });
        break;
      case 'error':
        ev.publish('log', null, { level: 3, facility: 'WORKBENCH', message: m.message });
        break;
    }
  }

  private errName(err: number): { errName?: string } {
    const n = this.errorNames.find(([c]) => c === err)?.[1];
    return n ? { errName: n } : {};
  }

  /** The embedded mock cluster started: track its requests (2.3+), tell the thread, say what it offers. */
  mockStarted(mc: bigint, bootstraps: string, brokers: number): void {
    let trackingOn = false;
    let reason = '';
    if (this.tracking) {
      try {
        this.opts.native('rd_kafka_mock_start_request_tracking')(mc);
        trackingOn = true;
      } catch (e) {
        reason = `rd_kafka_mock_start_request_tracking failed: ${(e as Error).message}`;
      }
    } else
      reason = `librdkafka ${this.opts.model.librdkafka.version} has no mock request tracking (rd_kafka_mock_start_request_tracking came with 2.3): run the notebook on 2.3 or newer to see requests`;
    if (trackingOn && !this.worker) {
      trackingOn = false;
      reason = this.startError ?? 'the kernel runs without its control thread';
    }
    this.exclusive(() => {
      this.i64[SLOT.MC] = mc;
      Atomics.store(this.i32, SLOT.TRACKING, trackingOn ? 1 : 0);
    });
    this.opts.events.publish('mock_cluster', null, {
      bootstraps,
      brokers: Array.from({ length: brokers }, (_, i) => i + 1),
      actions: this.worker ? this.impls.map((i) => i.action) : [],
      apiKeys: this.apiKeys,
      errors: this.errorNames.map(([c, n]) => [n, c]),
      requestTracking: trackingOn ? { on: true } : { on: false, reason },
    });
  }

  /**
   * The mock cluster is about to be destroyed: publish the requests the thread has not read yet (the last
   * ones of the run, up to 100 ms of them: the handles' final requests as they were destroyed), then keep
   * the thread off the cluster from now on.
   */
  mockStopping(): void {
    this.exclusive(() => {
      this.take(); // what the thread read before, first
      this.lastRead();
      this.i64[SLOT.MC] = 0n;
      Atomics.store(this.i32, SLOT.TRACKING, 0);
    });
  }

  private lastRead(): void {
    const mc = this.i64[SLOT.MC]!;
    if (!mc || this.i32[SLOT.TRACKING] !== 1) return;
    try {
      this.reader ??= requestReader(this.opts.koffi, this.opts.koffi.load(this.opts.library));
      const seen = this.i32[SLOT.RESET] === 1 ? 0 : this.i32[SLOT.SEEN]!;
      const r = this.reader(mc, seen, () => false);
      this.i32[SLOT.RESET] = 0;
      this.i32[SLOT.SEEN] = r.seen;
      if (r.list.length) this.handle({ k: 'requests', list: r.list });
    } catch (e) {
      this.opts.events.publish('log', null, {
        level: 3,
        facility: 'WORKBENCH',
        message: `the last tracked requests could not be read: ${(e as Error).message}`,
      });
    }
  }
  private reader: ReturnType<typeof requestReader> | undefined;

  /** Runs `f` while the control thread is kept off the cluster. */
  private exclusive<T>(f: () => T): T {
    const i32 = this.i32;
    while (Atomics.compareExchange(i32, SLOT.LOCK, 0, 1) !== 0) Atomics.wait(i32, SLOT.LOCK, 1, 5);
    try {
      return f();
    } finally {
      Atomics.store(i32, SLOT.LOCK, 0);
      Atomics.notify(i32, SLOT.LOCK);
    }
  }

  /**
   * Runs a cell's own rd_kafka_mock_* call. One that clears the request list runs while the control thread
   * is kept off the cluster, and tells it so: its next read takes the whole list as new (comparing lengths
   * could not tell a cleared list that grew past the old length).
   */
  cellMockCall<T>(fn: string, call: () => T): T {
    if (!/^rd_kafka_mock_(clear_requests|start_request_tracking|stop_request_tracking)$/.test(fn))
      return call();
    return this.exclusive(() => {
      try {
        return call();
      } finally {
        this.i32[SLOT.RESET] = 1;
      }
    });
  }

  /**
   * A cell called an rd_kafka_mock_* function itself: a `fault` event, so a report shows why errors
   * began. `args` are the call's arguments (the cluster first), `result` what it returned.
   */
  cellCall(fn: string, args: readonly unknown[], result: unknown): void {
    if (QUIET.test(fn)) return;
    const rest = args
      .slice(1)
      .map((a): FaultArg =>
        typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean'
          ? a
          : typeof a === 'bigint'
            ? `0x${a.toString(16)}`
            : String(a),
      );
    const impl = this.byFn.get(fn);
    const plain = `${fn}(mcluster${rest.map((a) => `, ${typeof a === 'string' && !a.startsWith('0x') ? JSON.stringify(a) : a}`).join('')});`;
    let text = { call: plain.replace('(mcluster', '(MOCK_CLUSTER'), c: plain };
    if (impl && !impl.tail && !impl.action.via && rest.length === impl.action.params.length)
      text = callText(impl, rest, this.names);
    const err = typeof result === 'number' && impl?.returnsErr ? result : undefined;
    this.opts.events.publish('fault', null, {
      source: 'cell',
      fn,
      args: rest,
      call: text.call,
      c: text.c,
      ...(err !== undefined ? { err, ...this.errName(err) } : {}),
    });
  }

  /**
   * Just before rd_kafka_new(): the conf's properties (rd_kafka_conf_dump), published with secrets
   * redacted once the handle's name is known. rd_kafka_new() overwrites sensitive values in the conf, so
   * this is the last moment they can be read. Returns the dump for `handleCreated`.
   */
  dumpConf(conf: bigint): Record<string, string> | null {
    if (!conf) return null;
    try {
      const native = this.opts.native;
      const cnt = new BigUint64Array(1);
      const arr = native('rd_kafka_conf_dump')(conf, cnt) as bigint | null;
      const n = Number(cnt[0]);
      if (!arr || n === 0) return {};
      const strs = this.opts.koffi.decode(arr, 'const char *', n) as unknown as (string | null)[];
      native('rd_kafka_conf_dump_free')(arr, n);
      const out: Record<string, string> = {};
      for (let i = 0; i + 1 < n; i += 2) out[strs[i] ?? ''] = strs[i + 1] ?? '';
      return out;
    } catch {
      return null;
    }
  }

  /** The properties of a new conf, to tell what the cells changed (read once). */
  private defaults(): Record<string, string> | null {
    if (this.defaultConf === undefined) {
      this.defaultConf = null;
      try {
        const conf = this.opts.native('rd_kafka_conf_new')() as bigint;
        this.defaultConf = this.dumpConf(conf);
        this.opts.native('rd_kafka_conf_destroy')(conf);
      } catch {
        // no defaults: every property counts as set
      }
    }
    return this.defaultConf;
  }
  private defaultConf: Record<string, string> | null | undefined;

  /** The handle made from a dumped conf exists: publish its configuration, secrets redacted. */
  handleCreated(name: string, kind: 'producer' | 'consumer', dump: Record<string, string> | null): void {
    if (!dump) return;
    const defaults = this.defaults();
    const config: Record<string, string> = {};
    const redacted: string[] = [];
    const modified: string[] = [];
    for (const [k, v] of Object.entries(dump)) {
      if (defaults && defaults[k] !== v) modified.push(k);
      if (isSensitiveProperty(k) && v !== '') {
        redacted.push(k);
        config[k] = REDACTED;
        if (v.length >= 3) this.secrets.add(v);
      } else config[k] = v;
    }
    this.opts.events.publish('handle_config', name, {
      name,
      kind,
      config,
      ...(defaults ? { modified } : {}),
      redacted,
    });
  }

  /** A secret the kernel was given (cluster credentials), to be scrubbed from exports too. */
  rememberSecret(value: string): void {
    if (value.length >= 3) this.secrets.add(value);
  }

  stop(): void {
    this.mockStopping();
    this.send({ k: 'stop' });
    this.port?.close();
    this.port = null;
  }
}
