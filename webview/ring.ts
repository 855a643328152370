// Fixed-capacity buffers addressed by an absolute, ever-growing index: memory stays bounded however long a
// run lasts, and views can hold on to an index without caring whether older entries were evicted.

export class Ring<T> {
  private readonly items: (T | undefined)[];
  /** Absolute index one past the newest item (= how many were ever pushed). */
  end = 0;

  constructor(readonly capacity: number) {
    this.items = new Array<T | undefined>(capacity);
  }

  /** Absolute index of the oldest item still held. */
  get start(): number {
    return Math.max(0, this.end - this.capacity);
  }

  get size(): number {
    return this.end - this.start;
  }

  push(item: T): number {
    this.items[this.end % this.capacity] = item;
    return this.end++;
  }

  /** The item at absolute index `i`, or undefined once evicted (or not yet pushed). */
  at(i: number): T | undefined {
    return i >= this.start && i < this.end ? this.items[i % this.capacity] : undefined;
  }

  /** The newest `n` items, oldest first. */
  last(n: number): T[] {
    const out: T[] = [];
    for (let i = Math.max(this.start, this.end - n); i < this.end; i++)
      out.push(this.items[i % this.capacity] as T);
    return out;
  }

  clear(): void {
    this.items.fill(undefined);
    this.end = 0;
  }
}

/**
 * A growable list of absolute indices (numbers), dropping those below a moving floor in amortised O(1).
 * Used for the timeline's filtered view: which events of the ring match the current filter.
 */
export class IndexList {
  private buf = new Float64Array(1024);
  private head = 0;
  private tail = 0;
  /** How many indices were ever dropped from the front: the absolute position of the first one held. */
  offset = 0;

  get length(): number {
    return this.tail - this.head;
  }

  push(i: number): void {
    if (this.tail === this.buf.length) {
      // Compact first; grow only if still full.
      const live = this.buf.subarray(this.head, this.tail);
      const next = live.length * 2 > this.buf.length ? new Float64Array(this.buf.length * 2) : this.buf;
      next.set(live);
      this.buf = next;
      this.tail -= this.head;
      this.head = 0;
    }
    this.buf[this.tail++] = i;
  }

  get(k: number): number {
    return this.buf[this.head + k] as number;
  }

  /** Forget indices below `floor` (evicted from the ring). Indices are pushed in increasing order. */
  dropBelow(floor: number): void {
    while (this.head < this.tail && (this.buf[this.head] as number) < floor) {
      this.head++;
      this.offset++;
    }
  }

  clear(): void {
    this.head = this.tail = 0;
    this.offset = 0;
  }
}
