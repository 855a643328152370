// Cell outputs leaving the kernel: console and process.stdout/stderr text of cells, and every other output
// at once. The first WRITE_THROUGH writes of each FLUSH_MS go out as they are written (a cell that prints a
// few lines and then crashes in native code loses none); past that, a burst is batched, at most FLUSH_MS
// (checked on every write, so a busy loop that prints still sends) or FLUSH_CHARS. flush() sends what is
// pending now — the runtime calls it before a native call that can block (`beforeBlockingCall`), so what a
// cell printed before `rd_kafka_poll(rk, 60000)` is with the client before the call starts.
import { performance } from 'node:perf_hooks';
import { writeSync } from 'node:fs';
import { NATIVE_END_MARK, type CellOutput } from '../../protocol/index.ts';
import { send } from './channel.ts';

const FLUSH_MS = 10;
const FLUSH_CHARS = 65536;
const WRITE_THROUGH = 8;

type StreamName = 'stdout' | 'stderr';

export class Outputs {
  /** The execution outputs belong to: the running cell, else the last one (late timers and callbacks). */
  target: string | null = null;
  private name: StreamName = 'stdout';
  private text = '';
  private id = '';
  private lastFlush = 0;
  /** Writes since `windowStart` (each window is FLUSH_MS long). */
  private writes = 0;
  private windowStart = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** Sends pending text now. */
  flush(): void {
    // Nothing to send (a consumer loop's beforeBlockingCall, once per message): not even a clock read.
    if (!this.text && !this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastFlush = performance.now();
    if (!this.text) return;
    const text = this.text;
    this.text = '';
    send({ type: 'output', id: this.id, output: { kind: 'stream', name: this.name, text } });
  }

  /** An output other than stream text (display, result, error): after the text before it, at once. */
  emit(output: CellOutput, id = this.target): void {
    if (!id) return;
    this.flush();
    send({ type: 'output', id, output });
  }

  /** Text a cell wrote to stdout or stderr. */
  stream(name: StreamName, chunk: string): void {
    const id = this.target;
    if (!id || !chunk) return;
    if (this.text && (this.name !== name || this.id !== id)) this.flush();
    this.name = name;
    this.id = id;
    this.text += chunk;
    const now = performance.now();
    if (now - this.windowStart >= FLUSH_MS) {
      this.windowStart = now;
      this.writes = 0;
    }
    if (++this.writes <= WRITE_THROUGH || this.text.length >= FLUSH_CHARS || now - this.lastFlush >= FLUSH_MS)
      this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Routes process.stdout/stderr writes (console.* included) of cells into stream outputs. */
  captureProcessStreams(): void {
    for (const name of ['stdout', 'stderr'] as const) {
      const stream = process[name];
      stream.write = ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
        this.stream(
          name,
          typeof chunk === 'string'
            ? chunk
            : Buffer.from(chunk).toString(typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8'),
        );
        const done = typeof enc === 'function' ? enc : cb;
        if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
        return true;
      }) as typeof stream.write;
    }
  }

  /**
   * Marks where execution `id`'s text ends on this process's fd 1 and fd 2, which native code writes to
   * itself (protocol: NATIVE_END_MARK): written after every line native code printed during the cell. A pipe
   * that refuses the write only makes the client wait its bound for the mark.
   */
  markNativeEnd(id: string): void {
    const mark = `${NATIVE_END_MARK}${id}\u0000`;
    for (const fd of [1, 2])
      try {
        writeSync(fd, mark);
      } catch {
        // the client's bound covers it
      }
  }
}
