// What cells can ask about the events this kernel published: `cellEvents(cells)` (the events observed
// while those cells ran, a C cell's program included) and `compareEvents(a, b, …)` (the comparison
// `rdkafka-workbench compare` prints and the version matrix makes, shown as a table). The history keeps
// the last HISTORY events the kernel sent, `dropped` counts included, so counts stay exact.
import type { KernelEvent } from '../../protocol/index.ts';
import type { CellDisplay } from './cell-api.ts';
import type { Comparison } from './compare.ts';
import { compareTraces, comparisonMarkdown } from '../../trace/compare.ts';

const HISTORY = 200_000;

export class EventHistory {
  private events: KernelEvent[] = [];
  /** Events that fell out of the history (the oldest). */
  forgotten = 0;

  add(batch: readonly KernelEvent[]): void {
    this.events.push(...batch);
    const over = this.events.length - HISTORY;
    if (over > 0) {
      this.events.splice(0, over);
      this.forgotten += over;
    }
  }

  /** The events of `cells` (positions from 1), in order; all of them without an argument. */
  of(cells?: number | readonly number[]): KernelEvent[] {
    if (cells === undefined) return this.events.slice();
    const want = new Set(typeof cells === 'number' ? [cells] : cells);
    return this.events.filter((e) => e.cell !== null && want.has(e.cell));
  }
}

type RunArg = readonly KernelEvent[] | { label: string; events: readonly KernelEvent[] };

export function historyGlobals(history: EventHistory, display: () => CellDisplay) {
  return {
    cellEvents(cells?: number | readonly number[]): KernelEvent[] {
      const bad = (typeof cells === 'number' ? [cells] : (cells ?? [])).find(
        (c) => !Number.isInteger(c) || c < 1,
      );
      if (bad !== undefined)
        throw new TypeError(
          `cellEvents: cells are counted from 1 (got ${String(bad)}): pass a cell's number or a list`,
        );
      return history.of(cells);
    },
    compareEvents(...runs: RunArg[]): Comparison {
      if (runs.length < 2)
        throw new TypeError(
          'compareEvents: give two runs (event arrays, or {label, events}), e.g. cellEvents(2), cellEvents(3)',
        );
      const named = runs.map((r, i) =>
        Array.isArray(r)
          ? { label: `run ${i + 1}`, events: r as readonly KernelEvent[] }
          : (r as { label: string; events: readonly KernelEvent[] }),
      );
      const c = compareTraces(named);
      display().markdown(comparisonMarkdown(c));
      return c;
    },
  };
}
