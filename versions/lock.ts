// One `lib add`/`lib remove` of a version at a time, across processes: an flock(2) on a file in the cache.
// The kernel drops it when the holder exits, however it exits, so a killed build never leaves a stale lock.
// flock is called through koffi (Node has no binding for it), without blocking: the event loop keeps
// running (progress, cancellation) while we wait.
import { closeSync, mkdirSync, openSync, readFileSync, writeSync, ftruncateSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { LibraryError } from './errors.ts';

const LOCK_EX = 2;
const LOCK_NB = 4;
const LOCK_UN = 8;

type Flock = (fd: number, op: number) => number;
let flock: Flock | null = null;
function flockFn(): Flock {
  if (flock) return flock;
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
  flock = koffi.load('libc.so.6').func('int flock(int fd, int operation)') as Flock;
  return flock;
}

export interface Lock {
  release(): void;
}

/**
 * Takes the lock in `path`, waiting for its holder; `onWait` is told once who holds it. The lock file says
 * which process holds it, for that message only: the lock itself is the flock.
 */
export async function acquire(
  path: string,
  onWait?: (holder: string) => void,
  signal?: AbortSignal,
): Promise<Lock> {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a+');
  const f = flockFn();
  let told = false;
  for (;;) {
    if (f(fd, LOCK_EX | LOCK_NB) === 0) break;
    if (signal?.aborted) {
      closeSync(fd);
      throw new LibraryError('cancelled while waiting for another lib add of the same version', 'lock');
    }
    if (!told) {
      told = true;
      let holder = 'another process';
      try {
        holder = readFileSync(path, 'utf8').trim() || holder;
      } catch {
        /* only for the message */
      }
      onWait?.(holder);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  ftruncateSync(fd, 0);
  writeSync(fd, `pid ${process.pid} (${process.argv.slice(1, 4).join(' ')})\n`);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        ftruncateSync(fd, 0);
        f(fd, LOCK_UN);
      } finally {
        closeSync(fd);
      }
    },
  };
}
