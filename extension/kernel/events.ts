// The kernel's event stream: bounded whatever the load. Within each window every event type may send at
// most `detailPerWindow` events individually; beyond that they are only counted, and the exact counts
// go out as one `dropped` event. The pending buffer never holds more than `maxPending` events.
// Pure logic plus a flush callback; runs only on the kernel's JS thread, so librdkafka's threads never wait on it.
import type { KernelEvent, KernelEventType } from '../../protocol/index.ts';

export interface EventStreamOptions {
  enabled: boolean;
  /** Called with a batch to send. */
  send: (events: KernelEvent[]) => void;
  /** Called with events another thread sent itself (see EventHandoff), once they are counted here. */
  adopted?: (events: KernelEvent[]) => void;
  flushMs?: number;
  windowMs?: number;
  detailPerWindow?: number;
  maxPending?: number;
  now?: () => number;
}

/**
 * Another thread that sends some events itself while this one has none waiting (the control thread's
 * faults, control-room.ts), so that they reach the client while this thread is blocked in a native call.
 * Parked, the stream's numbering is the other thread's: it numbers what it sends from `seq` + 1, and
 * unpark() returns the last number it used. Being parked only while nothing waits here keeps the order
 * of numbers the order of sending; the events come back through adopt() to be counted once.
 */
export interface EventHandoff {
  park(seq: number): void;
  unpark(): number;
  /** After unpark(), once the numbering is this stream's again: may publish (what the thread left). */
  resumed?(): void;
}

type Data<T extends KernelEventType> = Extract<KernelEvent, { type: T }>['data'];

interface Counter {
  /** Observed since the kernel started, sent or not. */
  total: number;
  /** Counted but not sent, since the last flush. */
  dropped: number;
  /** Sent in detail in the current window. */
  sent: number;
}

/**
 * Always sent in detail, beyond any budget: as few as the handles, and without them a view cannot tell a
 * destroyed handle from a live one.
 */
const LIFECYCLE: ReadonlySet<KernelEventType> = new Set([
  'handle_created',
  'handle_destroyed',
  // The control room's: a handle's configuration, what the mock cluster offers, the faults (few, and an
  // export or a panel opened late needs every one).
  'handle_config',
  'mock_cluster',
  'fault',
  'requests_cleared',
]);

/** How many want() calls may pass between two reads of the clock once a type's budget is spent. */
const CLOCK_EVERY = 64;

export class EventStream {
  private seq = 0;
  private pending: KernelEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private scheduledAt = 0;
  private windowStart = 0;
  /** One record per event type: the hot paths do a single Map read, then plain field writes. */
  private counters = new Map<string, Counter>();
  private anyDropped = false;
  /** Calls of want() since the clock was last read (see want()). */
  private ticks = 0;
  /** Calls of flushBeforeBlocking() with only counts to send, and when the stream last sent. */
  private blockTicks = 0;
  private lastFlush = 0;
  cell: number | null = null;
  private handoff: EventHandoff | null = null;
  /** Whether the handoff's thread numbers events now (nothing waits in `pending`). */
  private parked = false;
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
    this.windowStart = this.now();
  }

  get enabled(): boolean {
    return this.opts.enabled;
  }

  /** Exact number of events observed per type since the kernel started (sent or not). */
  get totals(): Map<string, number> {
    return new Map([...this.counters].map(([t, c]) => [t, c.total]));
  }

  /** Lets `handoff`'s thread send events itself whenever nothing waits here. */
  setHandoff(handoff: EventHandoff): void {
    if (!this.opts.enabled) return;
    this.handoff = handoff;
    this.park();
  }

  private park(): void {
    if (this.handoff && !this.parked && this.pending.length === 0) {
      this.parked = true;
      this.handoff.park(this.seq);
    }
  }

  /** Takes the numbering back before numbering an event here. */
  private claim(): void {
    if (!this.parked) return;
    this.parked = false;
    this.seq = this.handoff!.unpark();
    this.handoff!.resumed?.();
  }

  /** Events the handoff's thread sent itself: counted (and recorded) once, never sent again. */
  adopt(events: KernelEvent[]): void {
    if (!this.opts.enabled || !events.length) return;
    for (const e of events) {
      const c = this.counters.get(e.type) ?? this.counter(e.type);
      c.total++;
      c.sent++;
    }
    this.opts.adopted?.(events);
  }

  private counter(type: string): Counter {
    let c = this.counters.get(type);
    if (!c) this.counters.set(type, (c = { total: 0, dropped: 0, sent: 0 }));
    return c;
  }

  /**
   * Whether an event of this type would be sent in detail now. When false the caller skips decoding
   * and calls count() instead: this is what keeps a million delivery reports cheap.
   * The clock is read only when the type's budget is spent (a new window may have begun), and then, while
   * events keep coming, once every CLOCK_EVERY calls: reading it per event cost as much as the rest of the
   * bookkeeping. A new window is therefore noticed within CLOCK_EVERY events of its start, at once after a
   * quiet spell.
   */
  want(type: KernelEventType): boolean {
    if (!this.opts.enabled) return false;
    const c = this.counters.get(type);
    if ((c === undefined || c.sent < this.detail) && this.pending.length < this.maxPending) return true;
    // Skip the clock only while events are pouring in (a flush is pending): after a quiet spell a rare
    // event must not be counted away against a window that ended long ago.
    if (this.timer !== null && this.ticks++ % CLOCK_EVERY !== 0) return false;
    const t = this.now();
    if (t - this.windowStart < this.windowMs) return false;
    this.windowStart = t;
    for (const x of this.counters.values()) x.sent = 0;
    return this.pending.length < this.maxPending;
  }

  /** Counts an event that is not sent in detail. */
  count(type: KernelEventType): void {
    if (!this.opts.enabled) return;
    const c = this.counters.get(type) ?? this.counter(type);
    c.total++;
    c.dropped++;
    if (!this.anyDropped) {
      this.anyDropped = true;
      this.schedule();
    }
  }

  /** Counts `n` events of one type that are not sent in detail (a whole batch of delivery reports). */
  countN(type: KernelEventType, n: number): void {
    if (!this.opts.enabled || n <= 0) return;
    const c = this.counters.get(type) ?? this.counter(type);
    c.total += n;
    c.dropped += n;
    if (!this.anyDropped) {
      this.anyDropped = true;
      this.schedule();
    }
  }

  /**
   * Publishes an event (call want() first for high-volume types). `time`: when it happened, if not now (a
   * request the mock cluster received earlier, a fault the control thread made while the cell was busy).
   */
  publish<T extends KernelEventType>(type: T, handle: string | null, data: Data<T>, time?: number): void {
    if (!this.opts.enabled) return;
    if (!LIFECYCLE.has(type) && !this.want(type)) return this.count(type);
    if (this.parked) this.claim();
    const c = this.counters.get(type) ?? this.counter(type);
    c.total++;
    c.sent++;
    this.pending.push({
      seq: ++this.seq,
      time: time ?? Date.now(),
      handle,
      cell: this.cell,
      type,
      data,
    } as KernelEvent);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.scheduledAt = this.now();
    this.timer = setTimeout(() => this.flush(), this.flushMs);
    this.timer.unref?.();
  }

  /**
   * Flushes if a flush is overdue: a cell's synchronous loop keeps the timer from firing, so the kernel
   * calls this from the loop's ticks (now and then) and the panel sees events while the cell runs.
   */
  flushIfDue(): void {
    if (this.timer !== null && this.now() - this.scheduledAt >= this.flushMs) this.flush();
  }

  /**
   * Before a native call that can block (beforeBlockingCall): events waiting in detail go out, every time —
   * the call may be the one that hangs, and the client must have what happened before it ("which call
   * hangs?"; test/unit/kernel-blocking.test.ts). Details are at most detailPerWindow a second per type, so
   * this is bounded; counts alone go at most every flushMs (a consumer loop calls this once per message, and
   * a `dropped` event each time cost ~6 µs a message). With only counts pending, the clock is read once
   * every CLOCK_EVERY calls.
   */
  flushBeforeBlocking(): void {
    if (this.pending.length) return this.flush();
    if (!this.anyDropped || this.blockTicks++ % CLOCK_EVERY !== 0) return;
    if (this.now() - this.lastFlush >= this.flushMs) this.flush();
  }

  /** Sends everything pending now (end of a cell, shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastFlush = this.now();
    if (this.anyDropped) {
      this.claim();
      this.anyDropped = false;
      const counts: Record<string, number> = {};
      for (const [t, c] of this.counters)
        if (c.dropped) {
          counts[t] = c.dropped;
          c.dropped = 0;
        }
      this.pending.push({
        seq: ++this.seq,
        time: Date.now(),
        handle: null,
        cell: this.cell,
        type: 'dropped',
        data: { counts },
      });
    }
    if (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      this.opts.send(batch);
    }
    this.park();
  }
}
