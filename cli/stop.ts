// Stopping a run early: `--timeout` ran out, or the user sent SIGINT/SIGTERM/SIGHUP. The running cell is
// interrupted (its loops check for that, and a pending await is abandoned); a cell that has not ended
// STOP_GRACE_MS later (blocked in native code, or in a loop without checks such as `eval("while(true){}")`)
// is killed with its kernel. A second request kills at once. The run then ends within the grace of the
// first request, plus the kernel's shutdown bounded by the same grace.
import type { KernelClient } from '../extension/kernel/client.ts';

/** How long a cell may take to stop after an interrupt, and the kernel to shut down after it. */
export const STOP_GRACE_MS = 2000;

export interface StopReason {
  /** What stopped the run, as a sentence ends: "--timeout 3 s", "SIGINT". */
  why: string;
  /** The run's exit code. */
  exitCode: number;
  /** The run's time limit ran out (rather than a signal or a caller asking). */
  timeout?: boolean;
}

/** Where stop requests come from (signal handlers, a caller of runNotebook). */
export class StopRequests {
  private listeners = new Set<(r: StopReason) => void>();
  /** The first request, also when nobody listened yet (a signal while bindings are generated). */
  first: StopReason | null = null;

  request(reason: StopReason): void {
    this.first ??= reason;
    for (const l of this.listeners) l(reason);
  }

  /** Listens; a request made before is delivered at once. */
  on(listener: (r: StopReason) => void): () => void {
    this.listeners.add(listener);
    if (this.first) listener(this.first);
    return () => this.listeners.delete(listener);
  }

  get listening(): boolean {
    return this.listeners.size > 0;
  }
}

/**
 * SIGINT/SIGTERM/SIGHUP become stop requests (exit codes 130/143/129); a second signal while nothing
 * listens (between runs) leaves at once. Returns the function that removes the handlers.
 */
export function stopOnSignals(
  stop: StopRequests,
  codes: Record<string, number>,
  say: (signal: string) => void,
): () => void {
  const offs = Object.entries(codes).map(([signal, exitCode]) => {
    const handler = () => {
      if (stop.first && !stop.listening) process.exit(exitCode);
      say(signal);
      stop.request({ why: signal, exitCode });
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return () => offs.forEach((off) => off());
}

export class Stopper {
  /** The first request: what the run reports. */
  reason: StopReason | null = null;
  private killTimer: ReturnType<typeof setTimeout> | null = null;
  /** Position of the cell running now, or null between cells. */
  running: number | null = null;

  constructor(
    private readonly kernel: KernelClient,
    private readonly graceMs = STOP_GRACE_MS,
  ) {}

  stop(reason: StopReason): void {
    const again = this.reason !== null;
    this.reason ??= reason;
    if (this.running === null) return;
    if (again) return void this.kill(`a second stop request (${reason.why})`);
    this.kernel.interrupt();
    this.killTimer ??= setTimeout(
      () => this.kill(`${this.graceMs / 1000} s after ${this.reason!.why}`),
      this.graceMs,
    );
  }

  private kill(when: string): void {
    if (this.running === null) return;
    void this.kernel.kill(`cell ${this.running} was still running ${when} and was killed with its kernel`);
  }

  /** The first stop request, or null (a method: its value changes while the run awaits). */
  stopped(): StopReason | null {
    return this.reason;
  }

  /** The running cell ended (or none runs). */
  cellEnded(): void {
    this.running = null;
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killTimer = null;
  }

  /** The sentence that replaces the kernel's "was interrupted" for a cell this stopper stopped. */
  stoppedMessage(cell: number): string {
    return `cell ${cell} was stopped by ${this.reason?.why ?? 'an interrupt'}`;
  }

  /** How long the kernel may take to shut down: the default, or the grace once the run was stopped. */
  shutdownGraceMs(normal: number): number {
    return this.reason ? this.graceMs : normal;
  }
}
