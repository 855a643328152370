// The kernel → client channel (fd 5, the contract in TEAM.md): one JSON object per line, each written whole
// with a synchronous writeSync. When send() returns, the message is in the client's pipe, so it reaches the
// client even if this thread then blocks in a native call for a minute, or the process dies there.
// Every kernel → client message goes through send(), in order (outputs, `done`, events, and other rooms'
// own kinds): one channel, one order. Without fd 5 (a kernel started by another client) send() falls back
// to the IPC channel, which is asynchronous.
import { writeSync } from 'node:fs';
import type { KernelMessage } from '../../protocol/index.ts';

/** File descriptor of the channel in the kernel process. */
export const CHANNEL_FD = 5;

/** A message on the channel: protocol/index.ts types, or another room's kind (add its type there). */
export type ChannelMessage = KernelMessage | { type: string; [field: string]: unknown };

let fd: number | null = null;
let gone = false;
/** Held around each write when another thread writes fd 5 too (see guardWrites). */
let guard: (<T>(write: () => T) => T) | null = null;
let onGone: () => void = () => {};

/** Starts writing to `channelFd` (the client said it reads it); `clientGone` runs once if a write fails. */
export function openChannel(channelFd: number, clientGone: () => void): void {
  fd = channelFd;
  onGone = clientGone;
}

/** BigInt is not JSON: a decimal string (outputs are plain data, protocol/index.ts). */
const replacer = (_key: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);

/** One line of the channel for `message` (exported for threads that write fd 5 themselves). */
export function channelLine(message: ChannelMessage): Buffer {
  let json: string;
  try {
    json = JSON.stringify(message, replacer);
  } catch (e) {
    // A cyclic or hostile value in a display bundle: say so instead of losing the message silently.
    json = JSON.stringify({
      type: 'output',
      id: (message as { id?: unknown }).id,
      output: {
        kind: 'error',
        name: 'OutputError',
        message: `an output could not be sent (${String((e as Error)?.message ?? e)})`,
        stack: '',
      },
    });
  }
  return Buffer.from(json + '\n', 'utf8');
}

/**
 * Runs each of this thread's writes to the channel inside `g`, a lock another thread that writes fd 5 itself
 * takes around its own lines (the control thread's faults, control-room.ts): a socket write longer than
 * about 100 KiB goes out in pieces another writer's line could land between.
 */
export function guardWrites(g: <T>(write: () => T) => T): void {
  guard = g;
}

/** Writes all of `buf` to `target` (a blocking socket: a short write only when a signal interrupts it). */
export function writeAll(target: number, buf: Buffer): void {
  for (let off = 0; off < buf.length;) {
    try {
      off += writeSync(target, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      throw e;
    }
  }
}

/**
 * Sends one message to the client now; `delivered` runs once it is out (at once on fd 5). Returns false
 * when the client is gone (nothing more can reach it).
 * This is the function other rooms use for their own message kinds; the client hands kinds it does not
 * know to `KernelClient.onMessage(type, listener)`.
 */
export function send(message: ChannelMessage, delivered?: () => void): boolean {
  if (gone || (fd === null && !process.connected)) {
    delivered?.();
    return false;
  }
  if (fd === null) {
    process.send!(message, undefined, undefined, () => delivered?.());
    return true;
  }
  try {
    const line = channelLine(message);
    const target = fd;
    if (guard) guard(() => writeAll(target, line));
    else writeAll(target, line);
    return true;
  } catch {
    gone = true;
    onGone();
    return false;
  } finally {
    delivered?.();
  }
}

/** Whether messages are written synchronously (fd 5) rather than queued on IPC. */
export function synchronous(): boolean {
  return fd !== null && !gone;
}
