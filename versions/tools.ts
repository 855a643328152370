// Small process helpers of the library manager: finding programs on PATH and running one with its output
// in a log, cancellable, never left running.
import { spawn } from 'node:child_process';
import { accessSync, constants, createWriteStream, type WriteStream } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first executable `name` on PATH (or `name` itself when it is a path that is executable). */
export function which(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = name.includes('/')
    ? [name]
    : (env.PATH ?? '').split(delimiter).map((d) => join(d, name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      /* next */
    }
  }
  return null;
}

export interface RunResult {
  code: number | null;
  signal: string | null;
}

/**
 * Runs `cmd`, appending stdout and stderr to `log` and handing each output line to `onLine`. The child
 * gets its own process group so that a cancel ends it and everything it started (make's compilers).
 */
export function runLogged(
  cmd: string,
  args: string[],
  o: {
    cwd: string;
    env?: NodeJS.ProcessEnv;
    log: WriteStream;
    onLine?: (line: string) => void;
    signal?: AbortSignal;
  },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    o.log.write(`$ ${[cmd, ...args].join(' ')}   (in ${o.cwd})\n`);
    const child = spawn(cmd, args, {
      cwd: o.cwd,
      env: o.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    };
    o.signal?.addEventListener('abort', kill, { once: true });
    // A manager that exits (Ctrl-C on `lib add`) takes its build with it.
    process.once('exit', kill);
    let buf = '';
    const feed = (d: Buffer) => {
      o.log.write(d);
      if (!o.onLine) return;
      buf += d.toString('utf8');
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        o.onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.on('error', (e) => {
      process.removeListener('exit', kill);
      reject(e);
    });
    child.on('close', (code, signal) => {
      process.removeListener('exit', kill);
      o.signal?.removeEventListener('abort', kill);
      if (buf && o.onLine) o.onLine(buf);
      resolve({ code, signal });
    });
  });
}

export function openLog(path: string): WriteStream {
  return createWriteStream(path, { flags: 'a' });
}

export function closeLog(log: WriteStream): Promise<void> {
  return new Promise((r) => log.end(r));
}
