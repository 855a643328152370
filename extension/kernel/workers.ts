// Two tiny helper threads of the kernel, written as self-contained sources for `new Worker(src, {eval})`
// so they need no bundle of their own.
//
// Log relay: librdkafka calls log_cb on its own threads. A JS callback registered on the main thread
// makes such a thread wait for the main event loop, and a synchronous rd_kafka_flush()/rd_kafka_destroy()
// then deadlocks (FACTS.md). The native log_cb is therefore registered inside this worker, whose event
// loop is always free: each line is copied and posted to the main thread, in order, losing nothing.
//
// Interrupt watcher: reads a pipe from the client on its own event loop; each byte sets a shared flag that the loops
// of cell code check (rewrite.ts), so an interrupt stops a synchronous loop even while the main thread is busy.
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
const i32 = new Int32Array(workerData.sab);
const i64 = new BigInt64Array(workerData.sab);
Atomics.store(i64, 1, BigInt(ptr));
Atomics.store(i32, 0, 1);
Atomics.notify(i32, 0);
parentPort.on('message', () => {});
`;

export type LogLine = [rk: bigint | null, name: string | null, level: number, fac: string, buf: string];

export interface LogRelay {
  /** Address of the native log_cb to hand to rd_kafka_conf_set_log_cb. */
  pointer: bigint;
  worker: Worker;
}

/** Starts the relay and waits (synchronously, about 25 ms) for its callback address. */
export function startLogRelay(
  koffiPath: string,
  library: string,
  prototypes: { logCb: string; name: string },
  onLine: (line: LogLine) => void,
): LogRelay {
  const sab = new SharedArrayBuffer(16);
  const worker = new Worker(LOG_RELAY, { eval: true, workerData: { koffiPath, library, prototypes, sab } });
  worker.unref();
  const i32 = new Int32Array(sab);
  if (Atomics.wait(i32, 0, 0, 10000) === 'timed-out')
    throw new Error('the log relay thread did not start within 10 s');
  const pointer = new BigInt64Array(sab)[1]!;
  worker.on('message', onLine);
  return { pointer, worker };
}

const INTERRUPT_WATCHER = `
const { workerData } = require('node:worker_threads');
const net = require('node:net');
const flag = new Int32Array(workerData.sab);
// A socket on this thread's own event loop: data arrives even while the main thread is busy, and
// (unlike a blocking read) it never keeps the process from exiting.
const s = new net.Socket({ fd: workerData.fd, readable: true, writable: false });
s.on('data', () => Atomics.store(flag, 0, 1));
s.on('error', () => {});
`;

/** Watches `fd` for interrupt bytes; returns the shared flag (index 0 is 1 while an interrupt is pending). */
export function startInterruptWatcher(fd: number): Int32Array {
  const sab = new SharedArrayBuffer(8);
  const worker = new Worker(INTERRUPT_WATCHER, { eval: true, workerData: { fd, sab } });
  worker.unref();
  worker.on('error', () => {});
  return new Int32Array(sab);
}
