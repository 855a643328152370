// The kernel's watchdog thread, on the interrupt pipe (fd 4, client → kernel). It runs on its own event
// loop, so it works while the main thread is stuck in a synchronous loop or blocked inside koffi:
// - each interrupt is a line holding the execution id it is meant for (`interruptLine`): the thread stores
//   that id in the INTERRUPT flag, which the loops of cell code check (rewrite.ts). Only the execution with
//   that id stops (execution.ts): a line that arrives after its cell ended (that cell was already stopped
//   through IPC, or finished) is ignored by every later cell instead of interrupting it;
// - the end of the pipe means the client is gone (it exited, crashed or was killed: the system closes its
//   end). The flag tells the main thread, which leaves through its IPC `disconnect` handler once it is free;
//   if it is still here CLIENT_GONE_GRACE_MS later (a cell in `while (true)` without checks, a native call
//   that does not return), this thread kills the process. No kernel outlives its client.
// Written as a source for `new Worker(src, { eval: true })`, so it needs no bundle of its own.
import { Worker } from 'node:worker_threads';

/** How long a kernel whose client is gone may take to destroy its handles and exit by itself. */
export const CLIENT_GONE_GRACE_MS = 2000;

/** Indexes in the shared flags: INTERRUPT holds the id of the execution to stop (0: none; GONE). */
export const INTERRUPT = 0;
export const CLIENT_GONE = 1;
/** INTERRUPT once the client is gone: every loop stops (one read tells a loop check all it needs). */
export const GONE = -1;

/** Largest execution id the pipe carries (an Int32Array slot); larger ids are stopped through IPC only. */
const MAX_ID = 0x7fffffff;
/** An execution id the pipe carries: a decimal counter, as client.ts numbers its executions. */
const ID = /^[1-9][0-9]{0,9}$/;

/** The number an execution id stands for on the pipe; 0 when it has none (not a decimal counter). */
export function interruptId(id: string): number {
  if (!ID.test(id)) return 0;
  const n = Number(id);
  return n <= MAX_ID ? n : 0;
}

/** What the client writes on the interrupt pipe to stop execution `id` (client.ts' decimal ids). */
export function interruptLine(id: string): string {
  return `${id}\n`;
}

const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const net = require('node:net');
const flags = new Int32Array(workerData.sab);
// A socket on this thread's own event loop: data arrives even while the main thread is busy, and (unlike
// a blocking read) it never keeps the process from exiting.
const s = new net.Socket({ fd: workerData.fd, readable: true, writable: false });
let line = '';
s.setEncoding('latin1');
s.on('data', (chunk) => {
  const lines = (line + chunk).split('\\n');
  line = lines.pop().slice(-16); // a partial line waits for its end; garbage stays bounded
  for (const l of lines) {
    const id = ${ID}.test(l) ? Number(l) : 0;
    if (id > 0 && id <= ${MAX_ID}) Atomics.store(flags, ${INTERRUPT}, id);
  }
});
s.on('error', () => {});
s.on('end', () => {
  Atomics.store(flags, ${CLIENT_GONE}, 1);
  Atomics.store(flags, ${INTERRUPT}, ${GONE});
  // The whole group (the kernel leads it, client.ts): the programs its cells started go with it.
  setTimeout(() => {
    try { process.kill(-process.pid, 'SIGKILL'); } catch {}
    process.kill(process.pid, 'SIGKILL');
  }, workerData.graceMs);
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
