// Atomic output: everything is written into a temporary folder beside the target, then swapped in
// with renames. On any failure the temporary folder is removed and the previous output is untouched.
// A run killed midway cannot remove its folder: the next run does (removeStale), by the pid in its name.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { GenError } from './errors.ts';

/** Whether process `pid` is running on this machine (a staging folder's tag names the run's pid). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the staging folders (and their `.old` twins) that runs killed midway left beside `target`: those
 * whose run's process is gone. A concurrent run's folder (its process alive) is left alone.
 */
export function removeStale(target: string): string[] {
  const parent = dirname(target);
  const prefix = `.${basename(target)}.tmp-`;
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || running(pid)) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

export class Staging {
  readonly dir: string;
  private readonly target: string;

  constructor(target: string) {
    this.target = resolve(target);
    const parent = dirname(this.target);
    removeStale(this.target);
    const tag = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    this.dir = join(parent, `.${basename(this.target)}.tmp-${tag}`);
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      throw new GenError(
        `Cannot create the output folder beside ${this.target} (${(e as Error).message}): pass --out with a writable folder.`,
        'write',
      );
    }
  }

  write(name: string, content: string): void {
    writeFileSync(join(this.dir, name), content);
  }

  /** Swaps the staged folder in place of the target. */
  commit(): void {
    const old = `${this.dir}.old`;
    let moved = false;
    try {
      try {
        renameSync(this.target, old);
        moved = true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      renameSync(this.dir, this.target);
    } catch (e) {
      if (moved) renameSync(old, this.target);
      this.discard();
      throw new GenError(
        `Cannot replace ${this.target} (${(e as Error).message}): check that the folder is writable.`,
        'write',
      );
    }
    if (moved) rmSync(old, { recursive: true, force: true });
  }

  discard(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
