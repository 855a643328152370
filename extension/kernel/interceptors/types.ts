// What an interceptor is, and what it may use. See docs/kernel.md, "Adding an interceptor".
import type { FunctionDecl } from '../../../gen/model.ts';
import type { EventDecoder } from '../decode-events.ts';
import type { StructReader } from '../decode.ts';
import type { EventStream } from '../events.ts';
import type { Facts } from '../facts.ts';
import type { Bindings, Fn, Koffi } from '../load.ts';
import type { LogRelayHub } from '../log-relay.ts';
import type { MockCluster } from '../mock-cluster.ts';
import type { Observer } from '../observe.ts';
import type { HandleRegistry } from '../registry.ts';
import type { HotPath } from '../hotpath.ts';
import type { ControlRoomHooks } from '../control-hooks.ts';

/** The kernel's parts, as interceptors see them. */
export interface KernelContext {
  readonly koffi: Koffi;
  readonly bindings: Bindings;
  /** Constants and struct layouts of the header in use (facts.ts). */
  readonly facts: Facts;
  /** Single-field reads of librdkafka's structs. */
  readonly reader: StructReader;
  readonly events: EventStream;
  readonly registry: HandleRegistry;
  readonly decoder: EventDecoder;
  readonly observer: Observer;
  readonly logs: LogRelayHub;
  readonly mock: MockCluster;
  readonly options: {
    /** Properties applied to every conf the cells create (never logged). */
    readonly clusterConfig?: Record<string, string>;
    /** The brokers clusterConfig is for: handles carrying it connect to no others (credentials.ts). */
    readonly clusterBrokers?: string;
    /** Called synchronously right before a native call that can block. */
    readonly beforeBlockingCall?: () => void;
  };
  /** The control room, once the kernel has one (`room` is null before, and without a control pipe). */
  readonly control: { room: ControlRoomHooks | null };
  /** The C function itself, unwrapped (for the kernel's own calls). */
  native(name: string): Fn;
  /** The function as cells call it, with its interceptors. */
  fn(name: string): Fn;
  /** A function's declaration (model.json, or fallbacks.ts). */
  decl(name: string): FunctionDecl | undefined;
  /** The per-message C paths (hotpath.ts), loaded on first use; null where they cannot run. */
  hot(): HotPath | null;
}

/**
 * One entry of the interceptor table (interceptors/index.ts): which C functions it applies to, and how it
 * wraps them. Every applicable interceptor wraps the function once, on first use, in table order (the
 * first is outermost); a function none applies to is the koffi function itself, with no wrapper.
 */
export interface Interceptor {
  /** What it does, in a few words. */
  readonly name: string;
  /** The C functions it applies to, by name… */
  readonly functions?: readonly string[];
  /** …and/or a rule over declarations in the model (every function taking a callback, …). */
  readonly applies?: (f: FunctionDecl, ctx: KernelContext) => boolean;
  /** The function cells call instead of `next` (the C function or the next interceptor), or `next` itself. */
  wrap(next: Fn, f: FunctionDecl, ctx: KernelContext): Fn;
}
