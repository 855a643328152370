// The kernel's control thread (bundled as dist/control-thread.mjs, started by control-room.ts): serves
// the client's control pipe (fd 6, JSON lines both ways) on an event loop of its own, so a panel action
// takes effect at once even while the JS thread is stuck in a cell's synchronous loop or blocked in a
// native call. It calls rdkafka_mock.h functions on the embedded cluster directly (the mock API locks the
// cluster itself) and, on 2.3+, polls the cluster's request tracking every POLL_MS. What happened goes to
// the main thread, which publishes it as events; a fault made while the main thread has no events waiting
// (it is blocked in a native call, or idle) is sent to the client from here at once, numbered in the
// stream's order (the EventHandoff of events.ts), and handed to the main thread only to be counted.
import net from 'node:net';
import { createRequire } from 'node:module';
import { isMainThread, workerData, type MessagePort } from 'node:worker_threads';
import type { FaultArg, KernelEvent } from '../../protocol/index.ts';
import { channelLine, writeAll } from './channel.ts';
import { callArgs, callText, checkArgs, type ActionImpl, type CallNames } from './mock-actions.ts';

/** What the main thread tells the control thread (the cluster itself is in shared memory, see SLOT). */
export type ToControl = { k: 'secrets'; id: string; values: string[] } | { k: 'stop' };

export type FaultData = Extract<KernelEvent, { type: 'fault' }>['data'];

/** What the control thread tells the main thread. */
export type FromControl =
  /** A fault for the main thread to publish. */
  | { k: 'fault'; time: number; cell: number | null; data: FaultData }
  /** An event this thread sent the client itself: to be counted, not sent again. */
  | { k: 'sent'; event: KernelEvent }
  /**
   * Requests as flat triples [apiKey, brokerId, epoch ms, …]; `cleared` when the list was cleared after
   * this read (`at`: epoch ms).
   */
  | {
      k: 'requests';
      list: number[];
      cleared?: { held: number; windowUs: number; quiet: boolean; at: number };
    }
  | { k: 'secrets'; id: string }
  | { k: 'error'; message: string };

export interface ControlThreadData {
  fd: number;
  koffiPath: string;
  library: string;
  sab: SharedArrayBuffer;
  port: MessagePort;
  actions: ActionImpl[];
  /** rd_kafka_resp_err_t code → enumerator name. */
  errorNames: [number, string][];
  /** Kafka API key → name. */
  apiNames: [number, string][];
  /** The library has the request-tracking functions (2.3+). */
  tracking: boolean;
  /** The kernel runs against a real cluster (its bootstrap servers): faults have nothing to act on. */
  realCluster: string | null;
  /** The kernel → client channel's fd (5) when this thread may send events itself, else null. */
  channel: number | null;
}

/**
 * Shared memory (SAB_BYTES): Int32 slots LOCK (1 while a thread uses the cluster), CELL (running cell or
 * -1), PENDING (messages posted, not yet taken), TRACKING (1: poll requests), FLUSH (set every
 * FLUSH_MS: the main thread's busy loop sends its pending events when it sees it); BigInt64 slot MC (the
 * cluster pointer, 0 when there is none), read and written only under the lock, so the cluster is never
 * used after the main thread has cleared it to destroy it.
 * The event handoff (events.ts), under its own lock ELOCK: PARKED (1: the main thread has no events
 * waiting, this thread may send), FPEND (faults posted to the main thread, not yet published by it: while
 * one is on its way, later ones follow it there, keeping their order), Float64 slot SEQ (the last event
 * number used while parked). Under LOCK: RESET (a cell cleared the request list itself, so all of it is
 * new), SEEN (how many of the list's requests are published).
 */
export const SLOT = {
  LOCK: 0,
  CELL: 1,
  PENDING: 2,
  TRACKING: 3,
  MC: 2,
  FLUSH: 6,
  PARKED: 8,
  FPEND: 9,
  ELOCK: 10,
  RESET: 11,
  SEEN: 14,
  SEQ: 6,
} as const;
export const SAB_BYTES = 64;

/** Runs `f` holding the Int32 lock at `slot` of `i32` (a few plain stores: nobody holds it for long). */
export function locked<T>(i32: Int32Array, slot: number, f: () => T): T {
  while (Atomics.compareExchange(i32, slot, 0, 1) !== 0) Atomics.wait(i32, slot, 1, 5);
  try {
    return f();
  } finally {
    Atomics.store(i32, slot, 0);
    Atomics.notify(i32, slot);
  }
}

export const POLL_MS = 100;
export const FLUSH_MS = 50;
/**
 * The mock offers only get-all and clear-all (rd_kafka_mock_get_requests, rd_kafka_mock_clear_requests), so a
 * request it receives between a read and a clear is never seen. The list is therefore cleared once it holds
 * CLEAR_AT requests only in a lull (a poll that found nothing new), when no request is likely to be on its
 * way, and regardless once it holds CLEAR_ALWAYS_AT (copying it whole at every poll would grow with the
 * run). Each clear is published (`requests_cleared`) with the window in which requests can go unseen.
 */
export const CLEAR_AT = 2000;
export const CLEAR_ALWAYS_AT = 10_000;

/** What one read of the mock's request list gave: the new requests, the count now published, the clear. */
export interface RequestRead {
  /** Flat triples [apiKey, brokerId, epoch ms, …] of the requests after the first `seen`. */
  list: number[];
  /** How many of the list's requests are published now (0 after a clear). */
  seen: number;
  cleared: { held: number; windowUs: number; quiet: boolean; at: number } | null;
}

/**
 * A reader of the mock cluster's tracked requests on `lib` (2.3+), for the thread and for the main thread's
 * last read before the cluster is destroyed. `clearIf(n)` decides, right after the copy of `n` requests and
 * before anything else, whether to clear the list (nothing runs in between: see CLEAR_AT).
 */
export function requestReader(koffi: typeof import('koffi'), lib: ReturnType<typeof import('koffi').load>) {
  const get = lib.func('void **rd_kafka_mock_get_requests(void *mcluster, size_t *cntp)');
  const clear = lib.func('void rd_kafka_mock_clear_requests(void *mcluster)');
  const destroy = lib.func('void rd_kafka_mock_request_destroy_array(void **mreqs, size_t cnt)');
  const apiKey = lib.func('int16_t rd_kafka_mock_request_api_key(void *mreq)');
  const brokerId = lib.func('int32_t rd_kafka_mock_request_id(void *mreq)');
  const stamp = lib.func('int64_t rd_kafka_mock_request_timestamp(void *mreq)');
  return (mc: bigint, seen: number, clearIf: (n: number) => boolean): RequestRead => {
    const cnt = new BigUint64Array(1);
    const readAt = process.hrtime.bigint();
    const arr = get(mc, cnt) as bigint | null;
    const n = Number(cnt[0]);
    if (!arr || n === 0) return { list: [], seen: 0, cleared: null };
    // Cleared right after the copy, nothing in between. A request that reached the mock from the copy's
    // start to the clear's end may be lost: that is the window published.
    const cleared = clearIf(n);
    if (cleared) clear(mc);
    const windowUs = cleared ? Number(process.hrtime.bigint() - readAt) / 1000 : 0;
    // The first `seen` were published by the last read; a shorter list was cleared in between: all of it is new.
    const from = n < seen ? 0 : seen;
    // rd_clock() is CLOCK_MONOTONIC in µs, as Node's hrtime: map it onto the wall clock.
    const offsetMs = Date.now() - Number(process.hrtime.bigint() / 1000n) / 1000;
    const ptrs = koffi.decode(arr, 'void *', n) as unknown as bigint[];
    const list: number[] = [];
    for (let i = from; i < n; i++) {
      const r = ptrs[i]!;
      list.push(Number(apiKey(r)), Number(brokerId(r)), Number(stamp(r)) / 1000 + offsetMs);
    }
    destroy(arr, n);
    return {
      list,
      seen: cleared ? 0 : n,
      cleared: cleared
        ? { held: n, windowUs: Math.round(windowUs * 10) / 10, quiet: n === seen, at: Date.now() }
        : null,
    };
  };
}

function controlThread(data: ControlThreadData): void {
  const koffi = createRequire(import.meta.url)(data.koffiPath) as typeof import('koffi');
  const lib = koffi.load(data.library);
  const i32 = new Int32Array(data.sab);
  const i64 = new BigInt64Array(data.sab);
  const f64 = new Float64Array(data.sab);
  const port = data.port;
  const errName = new Map(data.errorNames);
  const apiName = new Map(data.apiNames);
  const names: CallNames = {
    error: (c) => (errName.has(c) ? `RD_KAFKA_RESP_ERR_${errName.get(c)}` : undefined),
    api: (k) => apiName.get(k),
  };
  const actions = new Map(data.actions.map((a) => [a.action.fn, a]));
  const fns = new Map<string, (...a: unknown[]) => unknown>();
  let seen = 0;
  let broken = false;

  const lock = () => {
    while (Atomics.compareExchange(i32, SLOT.LOCK, 0, 1) !== 0) Atomics.wait(i32, SLOT.LOCK, 1, 5);
  };
  const unlock = () => {
    Atomics.store(i32, SLOT.LOCK, 0);
    Atomics.notify(i32, SLOT.LOCK);
  };
  const post = (m: FromControl) => {
    Atomics.add(i32, SLOT.PENDING, 1);
    port.postMessage(m);
  };
  const fn = (proto: string) => {
    let f = fns.get(proto);
    if (!f) fns.set(proto, (f = lib.func(proto) as (...a: unknown[]) => unknown));
    return f;
  };

  const sock = new net.Socket({ fd: data.fd, readable: true, writable: true });
  sock.on('error', () => {});
  const reply = (r: unknown) => {
    if (!sock.destroyed) sock.write(JSON.stringify(r) + '\n');
  };
  const waiting = new Set<string>();

  /** A fault's event: sent from here when the main thread has none waiting, else posted to it. */
  const emit = (time: number, cell: number | null, ev: FaultData) =>
    locked(i32, SLOT.ELOCK, () => {
      if (data.channel !== null && i32[SLOT.PARKED] === 1 && i32[SLOT.FPEND] === 0) {
        const event = { seq: f64[SLOT.SEQ]! + 1, time, handle: null, cell, type: 'fault', data: ev } as const;
        try {
          writeAll(data.channel, channelLine({ type: 'events', events: [event] }));
          f64[SLOT.SEQ] = event.seq;
          post({ k: 'sent', event });
          return;
        } catch {
          // the client is gone: the main thread finds out on its next write
        }
      }
      Atomics.add(i32, SLOT.FPEND, 1);
      post({ k: 'fault', time, cell, data: ev });
    });
  const faultData = (
    fnName: string,
    args: FaultArg[],
    call: string,
    c: string,
    err?: number,
    refused?: string,
  ): FaultData => {
    const n = err === undefined ? undefined : errName.get(err);
    return {
      source: 'panel',
      fn: fnName,
      args,
      call,
      c,
      ...(err !== undefined ? { err, ...(n ? { errName: n } : {}) } : {}),
      ...(refused ? { refused } : {}),
    };
  };

  const fault = (id: string, fnName: string, raw: unknown[]) => {
    const time = Date.now();
    const cellNow = Atomics.load(i32, SLOT.CELL);
    const cell = cellNow >= 0 ? cellNow : null;
    const impl = actions.get(fnName);
    const args = raw as FaultArg[];
    const refuse = (why: string, call = '', c = '') => {
      reply({ type: 'fault', id, ok: false, cell, time, call, c, message: why });
      emit(time, cell, faultData(fnName, args, call, c, undefined, why));
    };
    if (!impl) return refuse(`${fnName} is not a mock-cluster action of this librdkafka`);
    let checked: FaultArg[];
    try {
      checked = checkArgs(impl.action, args);
    } catch (e) {
      return refuse((e as Error).message);
    }
    const text = callText(impl, checked, names);
    lock();
    try {
      const mc = i64[SLOT.MC]!;
      if (!mc)
        return refuse(
          data.realCluster
            ? `this kernel uses the cluster at ${data.realCluster}, not librdkafka's mock cluster: faults need the embedded mock cluster (bootstrap "mock")`
            : 'the mock cluster has not started yet: run a cell that uses BOOTSTRAP first',
          text.call,
          text.c,
        );
      const r = fn(impl.proto)(mc, ...callArgs(impl, checked));
      const err = impl.returnsErr ? Number(r) : undefined;
      const errText = err === undefined ? undefined : errName.get(err);
      reply({
        type: 'fault',
        id,
        ok: err === undefined || err === 0,
        cell,
        time,
        call: text.call,
        c: text.c,
        ...(err !== undefined ? { err, ...(errText ? { errName: errText } : {}) } : {}),
        message: err ? `returned ${errText ?? err}` : 'done',
      });
      emit(time, cell, faultData(fnName, checked, text.call, text.c, err));
    } catch (e) {
      refuse(`the call failed: ${(e as Error).message}`, text.call, text.c);
    } finally {
      unlock();
    }
  };

  let buf = '';
  sock.on('data', (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    if (buf.length > 1 << 20) buf = ''; // nobody sends a megabyte line: drop garbage
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (!line) continue;
      let req: { type?: unknown; id?: unknown; fn?: unknown; args?: unknown };
      try {
        req = JSON.parse(line) as typeof req;
      } catch {
        continue;
      }
      const id = typeof req.id === 'string' ? req.id : '';
      if (req.type === 'fault') fault(id, String(req.fn), Array.isArray(req.args) ? req.args : []);
      else if (req.type === 'secrets') {
        // Known to the main thread only: answered when its event loop runs (not while a cell is busy).
        waiting.add(id);
        post({ k: 'secrets', id });
      }
    }
  });

  // Request tracking: the cluster keeps every request since tracking started; read the new ones.
  const reader = data.tracking ? requestReader(koffi, lib) : null;
  const poll = () => {
    if (broken || !reader || Atomics.load(i32, SLOT.TRACKING) !== 1) return;
    lock();
    try {
      const mc = i64[SLOT.MC]!;
      if (!mc) {
        seen = i32[SLOT.SEEN] = 0;
        return;
      }
      if (i32[SLOT.RESET] === 1) {
        i32[SLOT.RESET] = 0;
        seen = 0;
      }
      const r = reader(mc, seen, (n) => n > CLEAR_ALWAYS_AT || (n === seen && n > CLEAR_AT));
      seen = i32[SLOT.SEEN] = r.seen;
      if (r.cleared) post({ k: 'requests', list: r.list, cleared: r.cleared });
      else if (r.list.length) post({ k: 'requests', list: r.list });
    } catch (e) {
      post({ k: 'error', message: `request tracking stopped: ${(e as Error).message}` });
      broken = true;
    } finally {
      unlock();
    }
  };
  const timer = setInterval(poll, POLL_MS);
  const flusher = setInterval(() => Atomics.store(i32, SLOT.FLUSH, 1), FLUSH_MS);

  port.on('message', (m: ToControl) => {
    if (m.k === 'secrets') {
      if (waiting.delete(m.id)) reply({ type: 'secrets', id: m.id, values: m.values });
    } else if (m.k === 'stop') {
      poll();
      clearInterval(timer);
      clearInterval(flusher);
      sock.destroy();
      port.close();
    }
  });
}

if (!isMainThread && (workerData as { controlThread?: unknown })?.controlThread)
  controlThread((workerData as { controlThread: ControlThreadData }).controlThread);
