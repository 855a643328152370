// The log relay, main-thread side: librdkafka calls log_cb on its own threads, so the native log_cb is the
// relay thread's (workers.ts) and each line arrives here in order, where it is published as a `log` event
// and handed to the cell's own log_cb (rk, level, fac, buf) once the cell yields.
import type { EventStream } from './events.ts';
import type { HandleRegistry } from './registry.ts';
import { startLogRelay, type LogLine, type LogRelay } from './workers.ts';

export interface LogRelayDeps {
  koffiPath: string;
  library: string;
  events: EventStream;
  registry: HandleRegistry;
  onCallbackError: (callback: string, error: unknown) => void;
}

export class LogRelayHub {
  private relay: LogRelay | null = null;

  constructor(private d: LogRelayDeps) {}

  /** The native log_cb to hand librdkafka (the relay thread starts on first use, about 25 ms). */
  pointer(): bigint {
    this.relay ??= startLogRelay(this.d.koffiPath, this.d.library, (line) => this.line(line));
    return this.relay.pointer;
  }

  /** The log_cb that also prints each line as librdkafka's default logger does (interceptors/default-log.ts). */
  printingPointer(): bigint {
    this.pointer();
    return this.relay!.printingPointer;
  }

  get started(): boolean {
    return this.relay !== null;
  }

  /** Lets relayed lines still in flight reach this thread. */
  async settle(): Promise<void> {
    if (!this.relay) return;
    await new Promise((r) => setTimeout(r, 5));
  }

  private line([rk, name, level, fac, buf]: LogLine): void {
    const { events, registry } = this.d;
    if (rk && name && !registry.names.has(rk)) registry.names.set(rk, name);
    if (events.want('log')) events.publish('log', name, { level, facility: fac, message: buf });
    else events.count('log');
    const user = rk ? registry.logFns.get(rk) : undefined;
    if (user) {
      try {
        user(rk, level, fac, buf);
      } catch (e) {
        this.d.onCallbackError('log_cb', e);
      }
    }
  }
}
