// The log relay thread of the kernel, written as a self-contained source for `new Worker(src, {eval})`
// so it needs no bundle of its own (the interrupt and client-gone watcher is watchdog.ts).
//
// Log relay: librdkafka calls log_cb on its own threads. A JS callback registered on the main thread
// makes such a thread wait for the main event loop, and a synchronous rd_kafka_flush()/rd_kafka_destroy()
// then deadlocks (FACTS.md). The native log_cb is therefore registered inside this worker, whose event
// loop is always free: each line is copied and posted to the main thread, in order, losing nothing.
import { Worker } from 'node:worker_threads';

const LOG_RELAY = `
const { workerData, parentPort } = require('node:worker_threads');
const koffi = require(workerData.koffiPath);
const lib = koffi.load(workerData.library);
// Prototypes from the model (log-relay.ts): rd_kafka_name, and the log_cb as void wb_log_cb(rk, level, fac, buf).
const rd_kafka_name = lib.func(workerData.prototypes.name);
const proto = koffi.proto(workerData.prototypes.logCb);
const ptr = koffi.register((rk, level, fac, buf) => {
  parentPort.postMessage([rk, rk ? rd_kafka_name(rk) : null, level, fac, buf]);
}, koffi.pointer(proto));
// For a handle that had librdkafka's default logger: print the line as rd_kafka_log_print does, on the
// process's stderr, when librdkafka logs it (interceptors/default-log.ts), then relay it as above.
const { writeSync } = require('node:fs');
const printing = koffi.register((rk, level, fac, buf) => {
  const name = rk ? rd_kafka_name(rk) : null;
  const now = Date.now();
  const ms = String(now % 1000).padStart(3, '0');
  try {
    writeSync(2, '%' + level + '|' + Math.floor(now / 1000) + '.' + ms + '|' + fac + '|' + (name ?? '') + '| ' + buf + '\\n');
  } catch {}
  parentPort.postMessage([rk, name, level, fac, buf]);
}, koffi.pointer(proto));
const i32 = new Int32Array(workerData.sab);
const i64 = new BigInt64Array(workerData.sab);
Atomics.store(i64, 1, BigInt(ptr));
Atomics.store(i64, 2, BigInt(printing));
Atomics.store(i32, 0, 1);
Atomics.notify(i32, 0);
// A round trip (LogRelay.settle): the answer follows every line posted before the question arrived.
parentPort.on('message', (n) => parentPort.postMessage(n));
`;

export type LogLine = [rk: bigint | null, name: string | null, level: number, fac: string, buf: string];

export interface LogRelay {
  /** Address of the native log_cb to hand to rd_kafka_conf_set_log_cb. */
  pointer: bigint;
  /** The same, printing each line as librdkafka's default logger first (interceptors/default-log.ts). */
  printingPointer: bigint;
  worker: Worker;
  /**
   * Resolves once every line of a log_cb call that has returned is with `onLine`. librdkafka's thread waits
   * in log_cb until this worker has posted the line, so after a synchronous rd_kafka_destroy() this is all
   * its lines: one message to the worker and back, behind them in the worker's one ordered port.
   */
  settle(): Promise<void>;
}

/** Starts the relay and waits (synchronously, about 25 ms) for its callback address. */
export function startLogRelay(
  koffiPath: string,
  library: string,
  prototypes: { logCb: string; name: string },
  onLine: (line: LogLine) => void,
): LogRelay {
  const sab = new SharedArrayBuffer(24);
  const worker = new Worker(LOG_RELAY, { eval: true, workerData: { koffiPath, library, prototypes, sab } });
  const i32 = new Int32Array(sab);
  if (Atomics.wait(i32, 0, 0, 10000) === 'timed-out')
    throw new Error('the log relay thread did not start within 10 s');
  const pointer = new BigInt64Array(sab)[1]!;
  const printingPointer = new BigInt64Array(sab)[2]!;
  const waiting = new Map<number, () => void>();
  let asked = 0;
  worker.on('message', (m: LogLine | number) => {
    if (typeof m !== 'number') return onLine(m);
    waiting.get(m)?.();
    waiting.delete(m);
    if (!waiting.size) worker.unref();
  });
  // After on('message'): adding a message listener refs the worker's port again, and a process whose
  // handles logged through the relay would never exit by itself. Ref'd only while a round trip waits.
  worker.unref();
  // A relay thread that ended answers no round trip: nothing may wait for it (a cell would never end).
  let ended = false;
  worker.on('exit', () => {
    ended = true;
    for (const resolve of waiting.values()) resolve();
    waiting.clear();
  });
  const settle = () =>
    new Promise<void>((resolve) => {
      if (ended) return resolve();
      const n = ++asked;
      waiting.set(n, resolve);
      worker.ref();
      worker.postMessage(n);
    });
  return { pointer, printingPointer, worker, settle };
}
