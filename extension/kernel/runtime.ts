// The runtime: the kernel's librdkafka side, assembled from its parts. What cells see are the bindings'
// functions and constants under their C names, wrapped by the interceptor table (interceptors/) where a
// call must be observed (published as a KernelEvent) without changing C semantics, plus BOOTSTRAP and the
// helpers. One Runtime per kernel process. The parts, one concept each: load.ts (koffi, bindings,
// librdkafka), c-functions.ts (the C functions), facts.ts + fallbacks.ts (librdkafka facts), globals.ts,
// registry.ts (confs, handles, queues), interceptors/, callback-kinds.ts + observe.ts (callbacks),
// decode.ts + decode-events.ts (event decoding), mock-cluster.ts, log-relay.ts, helpers.ts.
import type { FunctionDecl } from '../../gen/model.ts';
import type { EventStream } from './events.ts';
import { EventDecoder } from './decode-events.ts';
import { StructReader } from './decode.ts';
import { factsOf, type Facts } from './facts.ts';
import { installGlobals } from './globals.ts';
import { makeHelpers } from './helpers.ts';
import { INTERCEPTORS, type Interceptor, type KernelContext } from './interceptors/index.ts';
import type { ControlRoomHooks } from './control-hooks.ts';
import { loadBindings, type Bindings, type Fn, type Loaded } from './load.ts';
import { LogRelayHub, relayPrototypes } from './log-relay.ts';
import { MockCluster } from './mock-cluster.ts';
import { cFunctions, type CFunctions } from './c-functions.ts';
import { Observer } from './observe.ts';
import { HandleRegistry } from './registry.ts';
import { loadHotPath, newMessageCopy, type HotPath } from './hotpath.ts';

export { FatalError, type Bindings } from './load.ts';

export interface RuntimeOptions {
  bindingsDir: string;
  library?: string;
  bootstrap: string;
  clusterConfig?: Record<string, string>;
  events: EventStream;
  /** A callback from the cells threw: report it in the running cell's output. */
  onCallbackError: (callback: string, error: unknown) => void;
  /**
   * Called synchronously right before any native call that can block (a `timeout_ms` that is not 0,
   * rd_kafka_consumer_close, rd_kafka_destroy, a synchronous commit…: interceptors/blocking.ts), so that
   * what the cell printed can reach the client first. Absent: no wrapper at all.
   */
  beforeBlockingCall?: () => void;
  /** The interceptor table (default: interceptors/index.ts); for tests. */
  interceptors?: readonly Interceptor[];
}

export class Runtime {
  /** The kernel's parts, as the interceptors see them (interceptors/types.ts). */
  readonly ctx: KernelContext;
  private readonly c: CFunctions;
  private readonly logs: LogRelayHub;
  private readonly interceptors: readonly Interceptor[];
  private readonly beforeBlockingCall: (() => void) | undefined;
  private wrapped = new Map<string, Fn>();
  /** The control room (control-room.ts), set by the kernel once it exists. */
  private readonly control: { room: ControlRoomHooks | null } = { room: null };
  /** The fields of the last message a hot path saw, read by rkmsg (helpers.ts). */
  private readonly messageCopy = newMessageCopy();
  private hotPath: HotPath | null | undefined; // undefined: not loaded yet; null: plain koffi paths
  private hotWhy = '';

  private constructor(opts: RuntimeOptions, loaded: Loaded) {
    const { koffi, bindings } = loaded;
    const events = opts.events;
    this.interceptors = opts.interceptors ?? INTERCEPTORS;
    this.beforeBlockingCall = opts.beforeBlockingCall;
    const c = (this.c = cFunctions(koffi, bindings));
    const native = (name: string) => c.get(name);
    const facts = factsOf(bindings.constants, bindings.model.structs ?? []);
    const registry = new HandleRegistry((p) => koffi.unregister(p as never));
    const reader = new StructReader(koffi, facts.layout);
    const decoder = new EventDecoder({ events, reader, facts, registry, native, has: (n) => c.decls.has(n) });
    const observer = new Observer({
      koffi,
      bindings,
      events,
      decoder,
      registry,
      onCallbackError: opts.onCallbackError,
      hot: () => this.hot(),
    });
    this.logs = new LogRelayHub({
      koffiPath: loaded.koffiPath,
      library: bindings.library,
      prototypes: relayPrototypes(bindings.model.callbacks ?? [], c.decls),
      events,
      registry,
      onCallbackError: opts.onCallbackError,
    });
    const mock = new MockCluster({
      bootstrap: opts.bootstrap,
      native,
      producerType: facts.c.RD_KAFKA_PRODUCER,
      control: this.control,
    });
    this.ctx = {
      koffi,
      bindings,
      facts,
      reader,
      events,
      registry,
      decoder,
      observer,
      logs: this.logs,
      mock,
      options: {
        ...(opts.clusterConfig ? { clusterConfig: opts.clusterConfig, clusterBrokers: opts.bootstrap } : {}),
        ...(opts.beforeBlockingCall ? { beforeBlockingCall: opts.beforeBlockingCall } : {}),
      },
      control: this.control,
      native,
      fn: (name) => this.fn(name),
      decl: (name) => c.decls.get(name),
      hot: () => this.hot(),
    };
  }

  /** The per-message C paths (hotpath.ts), loaded (compiled once per machine) on first use. */
  private hot(): HotPath | null {
    if (this.hotPath === undefined) {
      const o = this.ctx.reader.m;
      const h = loadHotPath(
        this.ctx.koffi,
        this.library,
        {
          err: o.err!,
          rkt: o.rkt!,
          partition: o.partition!,
          offset: o.offset!,
          len: o.len!,
          key_len: o.key_len!,
        },
        this.messageCopy,
      );
      this.hotPath = 'why' in h ? null : h;
      this.hotWhy = 'why' in h ? h.why : '';
    }
    return this.hotPath;
  }

  get bindings(): Bindings {
    return this.ctx.bindings;
  }

  get facts(): Facts {
    return this.ctx.facts;
  }

  get mock(): MockCluster {
    return this.ctx.mock;
  }

  /** Loads koffi, the bindings and librdkafka; throws FatalError with a sentence saying what to do. */
  static async load(opts: RuntimeOptions): Promise<Runtime> {
    return new Runtime(opts, await loadBindings(opts));
  }

  get library(): string {
    return this.bindings.library;
  }

  /** The C function itself, unwrapped. */
  native(name: string): Fn {
    return this.c.get(name);
  }

  /** Connects the control room: it hears of the mock cluster, new handles and the cells' mock calls. */
  setControlRoom(room: ControlRoomHooks): void {
    this.control.room = room;
  }

  /** Defines every C function, constant and helper on `target` (the cells' global scope). */
  install(target: Record<string, unknown>): void {
    installGlobals(target, {
      bindings: this.bindings,
      functionNames: this.c.decls.keys(),
      fn: (name) => this.fn(name),
      bootstrap: () => this.mock.bootstrap(),
      mockCluster: () => this.mock.cluster(),
      helpers: makeHelpers({
        ...this.ctx,
        topicName: (rkt) => this.ctx.decoder.topicName(rkt),
        copy: this.messageCopy,
        hotPath: () => ({ native: this.hot() !== null, why: this.hotWhy }),
      }),
    });
  }

  /** The function cells call under `name`: the C function wrapped by every interceptor that applies. */
  fn(name: string): Fn {
    let f = this.wrapped.get(name);
    if (f) return f;
    const decl = this.c.decls.get(name);
    f = this.c.get(name);
    if (decl)
      for (let i = this.interceptors.length - 1; i >= 0; i--) {
        const icp = this.interceptors[i]!;
        if (icp.functions?.includes(name) || icp.applies?.(decl, this.ctx)) f = icp.wrap(f, decl, this.ctx);
      }
    this.wrapped.set(name, f);
    return f;
  }

  /** The declaration of a function cells can call (model.json, or fallbacks.ts). */
  decl(name: string): FunctionDecl | undefined {
    return this.c.decls.get(name);
  }

  /** Drains relayed log lines: lets the relay thread's messages reach this thread. */
  settle(): Promise<void> {
    return this.logs.settle();
  }

  get mockStarted(): boolean {
    return this.mock.started;
  }

  /** Destroys every handle the cells created (newest first), then the mock cluster. */
  shutdown(): void {
    const handles = [...this.ctx.registry.handles.keys()].reverse();
    if (handles.length || this.mock.started) this.beforeBlockingCall?.();
    for (const rk of handles) {
      try {
        this.c.get('rd_kafka_destroy')(rk);
      } catch {
        // keep going: the process is about to exit anyway
      }
      const h = this.ctx.registry.forget(rk);
      if (h) this.ctx.events.publish('handle_destroyed', h.name, { name: h.name });
    }
    this.mock.destroy();
  }
}
