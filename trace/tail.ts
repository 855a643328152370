// Following a file another process appends to (the tracer's output, or a trace's --events file): what
// was added is handed over every `intervalMs`, and once more, to the end, when the follower stops. Reads
// are synchronous and small; a file that does not exist yet is waited for.
import { closeSync, openSync, readSync } from 'node:fs';

export interface Tail {
  /** Reads to the current end now. */
  drain(): void;
  /** Reads to the end one last time and stops following. */
  stop(): void;
}

export function tailFile(path: string, onData: (chunk: Buffer) => void, intervalMs = 50): Tail {
  let fd: number | null = null;
  let position = 0;
  const buf = Buffer.alloc(1 << 20);
  const drain = () => {
    if (fd === null) {
      try {
        fd = openSync(path, 'r');
      } catch {
        return; // not there yet
      }
    }
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, position);
      if (n <= 0) return;
      position += n;
      onData(Buffer.from(buf.subarray(0, n)));
    }
  };
  const timer = setInterval(drain, intervalMs);
  timer.unref();
  return {
    drain,
    stop() {
      clearInterval(timer);
      drain();
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
