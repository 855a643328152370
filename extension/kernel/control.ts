// The client's end of the kernel's control pipe (fd 6): JSON lines each way, requests matched to replies
// by id. The kernel serves it on a thread of its own, so an answer comes while a cell is busy, too.
import type { Duplex } from 'node:stream';
import type { ControlReply, ControlRequest, FaultArg } from '../../protocol/index.ts';

/** Longest wait for an answer: the control thread answers faults at once; secrets wait for an idle kernel. */
const TIMEOUT_MS = 10_000;

type Pending = {
  resolve: (r: ControlReply) => void;
  reject: (e: Error) => void;
  timer: ReturnType<typeof setTimeout>;
};

export class ControlChannel {
  private seq = 0;
  private buf = '';
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly socket: Duplex | null) {
    if (!socket) return;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => this.read(d));
    socket.on('error', () => {});
    socket.on('close', () => this.fail('the kernel closed its control pipe (it exited)'));
  }

  get available(): boolean {
    return this.socket !== null && !this.socket.destroyed;
  }

  private read(d: string): void {
    this.buf += d;
    let nl;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl);
      this.buf = this.buf.slice(nl + 1);
      let r: ControlReply;
      try {
        r = JSON.parse(line) as ControlReply;
      } catch {
        continue;
      }
      const p = this.pending.get(r.id);
      if (!p) continue;
      this.pending.delete(r.id);
      clearTimeout(p.timer);
      p.resolve(r);
    }
  }

  private fail(message: string): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(message));
    }
    this.pending.clear();
  }

  private request<T extends ControlReply['type']>(
    req: Omit<Extract<ControlRequest, { type: T }>, 'id'>,
    what: string,
  ): Promise<Extract<ControlReply, { type: T }>> {
    if (!this.socket || this.socket.destroyed)
      return Promise.reject(new Error('the kernel is not running: start it by running a cell'));
    const id = `c${++this.seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the kernel did not answer ${what} within ${TIMEOUT_MS / 1000} s`));
      }, TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (r: ControlReply) => void, reject, timer });
      this.socket!.write(JSON.stringify({ ...req, id }) + '\n');
    });
  }

  /** Calls a mock-cluster action (an rdkafka_mock.h function, arguments after the cluster). */
  fault(fn: string, args: FaultArg[]): Promise<Extract<ControlReply, { type: 'fault' }>> {
    return this.request<'fault'>({ type: 'fault', fn, args }, `the fault ${fn}`);
  }

  /** Values of secret properties the cells' handles were configured with (for scrubbing an export). */
  secrets(): Promise<string[]> {
    return this.request<'secrets'>({ type: 'secrets' }, 'the export (a cell may be busy)').then(
      (r) => r.values,
    );
  }
}
