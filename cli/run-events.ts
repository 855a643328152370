// The events of a headless run: exact counts and a bounded sample for the report (event-sample.ts), and the
// `--events` file, written synchronously batch by batch so that what arrived is on disk even if the run is
// then killed.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KernelEvent } from '../protocol/index.ts';
import { EventSample, type SampleLimit } from './event-sample.ts';

export class RunEvents {
  readonly sample: EventSample;
  private fd: number | null = null;
  /** Why the events file stopped being written, if it did. */
  error: string | null = null;

  constructor(
    private readonly file: string | null,
    limit?: SampleLimit,
  ) {
    this.sample = new EventSample(limit);
    if (file)
      try {
        // A folder of its own for the run's files is made, as --report and --bundle make theirs.
        mkdirSync(dirname(file), { recursive: true });
        this.fd = openSync(file, 'w');
      } catch (e) {
        throw new Error(
          `cannot write the events file ${file}: ${(e as Error).message}: give --events a path in a folder you can write to`,
          { cause: e },
        );
      }
  }

  add(batch: readonly KernelEvent[]): void {
    for (const e of batch) this.sample.add(e);
    if (this.fd === null || !batch.length) return;
    let lines = '';
    for (const e of batch) lines += JSON.stringify(e) + '\n';
    try {
      writeSync(this.fd, lines);
    } catch (e) {
      this.error = `writing ${this.file} failed (${(e as Error).message}); the events after that are missing from it`;
      this.close();
    }
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    closeSync(fd);
  }
}
