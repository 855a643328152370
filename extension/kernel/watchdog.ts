// The kernel's watchdog thread, on the interrupt pipe (fd 4, client → kernel). It runs on its own event
// loop, so it works while the main thread is stuck in a synchronous loop or blocked inside koffi:
// - each byte sets the interrupt flag, which the loops of cell code check (rewrite.ts);
// - the end of the pipe means the client is gone (it exited, crashed or was killed: the system closes its
//   end). The flag tells the main thread, which leaves through its IPC `disconnect` handler once it is free;
//   if it is still here CLIENT_GONE_GRACE_MS later (a cell in `while (true)` without checks, a native call
//   that does not return), this thread kills the process. No kernel outlives its client.
// Written as a source for `new Worker(src, { eval: true })`, so it needs no bundle of its own.
import { Worker } from 'node:worker_threads';

/** How long a kernel whose client is gone may take to destroy its handles and exit by itself. */
export const CLIENT_GONE_GRACE_MS = 2000;

/** Indexes in the shared flags. */
export const INTERRUPT = 0;
export const CLIENT_GONE = 1;

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const net = require('node:net');
const flags = new Int32Array(workerData.sab);
// A socket on this thread's own event loop: data arrives even while the main thread is busy, and (unlike
// a blocking read) it never keeps the process from exiting.
const s = new net.Socket({ fd: workerData.fd, readable: true, writable: false });
s.on('data', () => Atomics.store(flags, ${INTERRUPT}, 1));
s.on('error', () => {});
s.on('end', () => {
  Atomics.store(flags, ${CLIENT_GONE}, 1);
  Atomics.store(flags, ${INTERRUPT}, 1);
  setTimeout(() => process.kill(process.pid, 'SIGKILL'), workerData.graceMs);
});
`;

/** Starts the watchdog on `fd`; returns the flags it sets (see INTERRUPT, CLIENT_GONE). */
export function startWatchdog(fd: number, graceMs = CLIENT_GONE_GRACE_MS): Int32Array {
  const sab = new SharedArrayBuffer(8);
  const worker = new Worker(WATCHDOG, { eval: true, workerData: { fd, sab, graceMs } });
  worker.unref();
  worker.on('error', () => {});
  return new Int32Array(sab);
}
