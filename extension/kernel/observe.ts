// Callback observation: a cell's JS function passed where librdkafka stores a callback is koffi.register()ed
// behind a trampoline that publishes the event (decode-events.ts) and then calls the cell's function with
// the same arguments, returning what it returns. The registration is kept alive with its owner (registry.ts).
import type { Callback, Param } from '../../gen/model.ts';
import { carriesHandle, classify, type CallbackKind } from './callback-kinds.ts';
import type { EventDecoder } from './decode-events.ts';
import type { EventStream } from './events.ts';
import type { Bindings, Fn, Koffi } from './load.ts';
import type { HandleRegistry } from './registry.ts';
import type { HotPath } from './hotpath.ts';

export interface ObserverDeps {
  koffi: Koffi;
  bindings: Bindings;
  events: EventStream;
  decoder: EventDecoder;
  registry: HandleRegistry;
  /** A callback from the cells threw: report it in the running cell's output. */
  onCallbackError: (callback: string, error: unknown) => void;
  /** The per-message C paths (hotpath.ts), when they can run. */
  hot?: () => HotPath | null;
}

export interface Prototype {
  /** The prototype's declaration in the model (absent in models of older generators). */
  decl: Callback | undefined;
  kind: CallbackKind;
  /** Whether its first argument is the rd_kafka_t * it was called for. */
  withHandle: boolean;
  returnsValue: boolean;
}

/** What is wrong with a callback's return value for C (a number, bigint, boolean or NULL), or null. */
function badReturn(r: unknown): string | null {
  if (r === null || typeof r === 'number' || typeof r === 'bigint' || typeof r === 'boolean') return null;
  if (typeof (r as { then?: unknown } | undefined)?.then === 'function')
    return 'a Promise (an async function?)';
  return `a ${typeof r}`;
}

const BAD_RETURN_FIX =
  'librdkafka calls it synchronously and uses its return value at once, so write it as a plain function ' +
  'that returns a number (0 was returned to librdkafka)';

export class Observer {
  private protos = new Map<string, Prototype>();

  constructor(private d: ObserverDeps) {}

  /** What the model says of a callback prototype (by its name in the model, e.g. `param.callback`). */
  prototype(name: string): Prototype {
    let p = this.protos.get(name);
    if (!p) {
      const decl = this.d.bindings.model.callbacks?.find((c) => c.name === name);
      p = {
        decl,
        kind: decl ? classify(decl) : 'callback',
        withHandle: decl ? carriesHandle(decl) : false,
        returnsValue: !/^void$/.test(decl?.returns.trim() ?? 'void'),
      };
      this.protos.set(name, p);
    }
    return p;
  }

  /** Registers `fn` as a native callback of prototype `name` (for the kernel's own callbacks). */
  register(name: string, fn: Fn): bigint {
    const koffi = this.d.koffi;
    const proto = this.d.bindings.callbacks[name] ?? this.d.bindings.types[name];
    if (!proto) throw new Error(`no prototype for callback ${name} in the bindings`);
    return koffi.register(fn, koffi.pointer(proto as never)) as unknown as bigint;
  }

  /**
   * Registers the cell's `user` function for callback parameter `param` of `fnName` behind an observing
   * trampoline; the registration lives as long as `owner` (the conf or handle it was set on).
   */
  observe(fnName: string, param: Param, user: Fn, owner: unknown): bigint {
    const protoName = param.callback!;
    if (!(this.d.bindings.callbacks[protoName] ?? this.d.bindings.types[protoName]))
      throw new Error(`${fnName}: no prototype for callback ${protoName} in the bindings`);
    const { decl, kind, withHandle, returnsValue } = this.prototype(protoName);
    const returns = decl?.returns.trim() || 'a value';
    const cbName = param.name;
    const ev = this.d.events;
    const decoder = this.d.decoder;
    const onError = this.d.onCallbackError;
    // dr_msg_cb runs once per message: a fixed-arity trampoline (no rest/spread) that asks the stream
    // before naming the handle or decoding anything.
    const drTramp = (rk: unknown, m: unknown, opaque: unknown) => {
      if (ev.enabled)
        try {
          if (ev.want('dr')) decoder.delivered(decoder.handleName(rk), m as bigint, true);
          else ev.count('dr');
        } catch {
          // Observation must never disturb the callback itself.
        }
      try {
        return user(rk, m, opaque);
      } catch (e) {
        onError(cbName, e);
        return undefined;
      }
    };
    const tramp = (...args: unknown[]) => {
      try {
        decoder.callback(kind, cbName, args, withHandle);
      } catch {
        // Observation must never disturb the callback itself.
      }
      try {
        const r = user(...args);
        if (!returnsValue) return r;
        if (r === undefined) return 0;
        const bad = badReturn(r);
        if (!bad) return r;
        // koffi would throw converting it, out of the librdkafka call that ran the callback (the cell's
        // rd_kafka_poll failed with "Unexpected Object value, expected number"): say what to change.
        onError(
          cbName,
          new TypeError(`${cbName} returned ${bad} where librdkafka expects ${returns}: ${BAD_RETURN_FIX}`),
        );
        return 0;
      } catch (e) {
        onError(cbName, e);
        return returnsValue ? 0 : undefined;
      }
    };
    const ptr = this.register(protoName, kind === 'dr_msg' ? drTramp : tramp);
    this.d.registry.keepAlive(owner, ptr);
    // dr_msg_cb through the helper: JS entered with nothing to convert, the message's fields copied for
    // rkmsg (hotpath.ts). Only for a conf the registry knows, which gives the slot back with its handle.
    if (kind === 'dr_msg' && !returnsValue && this.d.registry.conf(owner)) {
      const served = this.d.hot?.()?.drCallback(drTramp, ptr);
      if (served && this.d.registry.onRelease(owner, served.release)) return served.pointer;
      served?.release();
    }
    return ptr;
  }
}
