// The log relay, main-thread side: librdkafka calls log_cb on its own threads, so the native log_cb is the
// relay thread's (workers.ts) and each line arrives here in order, where it is published as a `log` event
// and handed to the cell's own log_cb (rk, level, fac, buf) once the cell yields.
import type { Callback, FunctionDecl } from '../../gen/model.ts';
import { classify } from './callback-kinds.ts';
import type { EventStream } from './events.ts';
import { CALLBACKS, RELAY_FUNCTIONS, type FallbackFunction } from './fallbacks.ts';
import type { HandleRegistry } from './registry.ts';
import { startLogRelay, type LogLine, type LogRelay } from './workers.ts';

/**
 * A prototype koffi can parse without the bindings' types (the relay thread has none): pointers to anything
 * but the C basics become `void *`.
 */
export function plainPrototype(name: string, f: FallbackFunction): string {
  const plain = (t: string) =>
    /\*\s*$/.test(t) && !/^(const\s+)?(char|void)\s*\*$/.test(t.trim())
      ? `${/^const\s/.test(t.trim()) ? 'const ' : ''}void *`
      : t;
  return `${plain(f.returns)} ${name}(${f.params.map((p) => `${plain(p.type)} ${p.name}`).join(', ')})`;
}

/** The log_cb and rd_kafka_name prototypes for the relay thread, from the model (else fallbacks.ts). */
export function relayPrototypes(
  callbacks: readonly Callback[],
  functions: ReadonlyMap<string, FunctionDecl>,
): { logCb: string; name: string } {
  const log = callbacks.find((c) => classify(c) === 'log') ?? CALLBACKS.rd_kafka_conf_set_log_cb__log_cb!;
  const name = functions.get('rd_kafka_name') ?? RELAY_FUNCTIONS.rd_kafka_name!;
  return { logCb: plainPrototype('wb_log_cb', log), name: plainPrototype('rd_kafka_name', name) };
}

export interface LogRelayDeps {
  koffiPath: string;
  library: string;
  /** Prototypes for the relay thread (relayPrototypes()). */
  prototypes: { logCb: string; name: string };
  events: EventStream;
  registry: HandleRegistry;
  onCallbackError: (callback: string, error: unknown) => void;
}

export class LogRelayHub {
  private relay: LogRelay | null = null;

  constructor(private d: LogRelayDeps) {}

  /** The native log_cb to hand librdkafka (the relay thread starts on first use, about 25 ms). */
  pointer(): bigint {
    this.relay ??= startLogRelay(this.d.koffiPath, this.d.library, this.d.prototypes, (line) =>
      this.line(line),
    );
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

  /** Resolves once the lines of every log_cb call that has returned have reached this thread. */
  async settle(): Promise<void> {
    if (this.relay) await this.relay.settle();
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
