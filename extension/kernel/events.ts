// The kernel's event stream: bounded whatever the load. Within each window every event type may send at
// most `detailPerWindow` events individually; beyond that they are only counted, and the exact counts
// go out as one `dropped` event. The pending buffer never holds more than `maxPending` events.
// Pure logic plus a flush callback; runs only on the kernel's JS thread, so librdkafka's threads never wait on it.
import type { KernelEvent, KernelEventType } from './protocol.ts';

export interface EventStreamOptions {
  enabled: boolean;
  /** Called with a batch to send. */
  send: (events: KernelEvent[]) => void;
  flushMs?: number;
  windowMs?: number;
  detailPerWindow?: number;
  maxPending?: number;
  now?: () => number;
}

type Data<T extends KernelEventType> = Extract<KernelEvent, { type: T }>['data'];

export class EventStream {
  private seq = 0;
  private pending: KernelEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private windowStart = 0;
  private sentInWindow = new Map<string, number>();
  private droppedCounts = new Map<string, number>();
  /** Exact number of events observed per type since the kernel started (sent or not). */
  readonly totals = new Map<string, number>();
  cell: number | null = null;
  private readonly flushMs: number;
  private readonly windowMs: number;
  private readonly detail: number;
  private readonly maxPending: number;
  private readonly now: () => number;

  constructor(private opts: EventStreamOptions) {
    this.flushMs = opts.flushMs ?? 50;
    this.windowMs = opts.windowMs ?? 1000;
    this.detail = opts.detailPerWindow ?? 5000;
    this.maxPending = opts.maxPending ?? 20000;
    this.now = opts.now ?? Date.now;
  }

  get enabled(): boolean {
    return this.opts.enabled;
  }

  /**
   * Whether an event of this type would be sent in detail now. When false the caller skips decoding
   * and calls count() instead: this is what keeps a million delivery reports cheap.
   */
  want(type: KernelEventType): boolean {
    if (!this.opts.enabled) return false;
    const t = this.now();
    if (t - this.windowStart >= this.windowMs) {
      this.windowStart = t;
      this.sentInWindow.clear();
    }
    return (this.sentInWindow.get(type) ?? 0) < this.detail && this.pending.length < this.maxPending;
  }

  /** Counts an event that is not sent in detail. */
  count(type: KernelEventType): void {
    if (!this.opts.enabled) return;
    this.totals.set(type, (this.totals.get(type) ?? 0) + 1);
    this.droppedCounts.set(type, (this.droppedCounts.get(type) ?? 0) + 1);
    this.schedule();
  }

  /** Publishes an event (call want() first for high-volume types). */
  publish<T extends KernelEventType>(type: T, handle: string | null, data: Data<T>): void {
    if (!this.opts.enabled) return;
    if (!this.want(type)) return this.count(type);
    this.totals.set(type, (this.totals.get(type) ?? 0) + 1);
    this.sentInWindow.set(type, (this.sentInWindow.get(type) ?? 0) + 1);
    this.pending.push({
      seq: ++this.seq,
      time: Date.now(),
      handle,
      cell: this.cell,
      type,
      data,
    } as KernelEvent);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.flushMs);
    this.timer.unref?.();
  }

  /** Sends everything pending now (end of a cell, shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.droppedCounts.size) {
      const counts = Object.fromEntries(this.droppedCounts);
      this.droppedCounts.clear();
      this.pending.push({
        seq: ++this.seq,
        time: Date.now(),
        handle: null,
        cell: this.cell,
        type: 'dropped',
        data: { counts },
      });
    }
    if (!this.pending.length) return;
    const batch = this.pending;
    this.pending = [];
    this.opts.send(batch);
  }
}
