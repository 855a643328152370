// Handles: each rd_kafka_t seen, with its kind, state and how many events of each type it produced.
import { h, setChildren } from '../dom.ts';
import { formatTime } from '../format.ts';
import type { Store } from '../store.ts';
import { table } from './table.ts';

export class HandlesView {
  readonly el: HTMLElement;
  private readonly box = h('div', { class: 'table-box' });
  private seen = -1;

  constructor(
    private readonly store: Store,
    /** Show the timeline filtered to one handle. */
    private readonly showHandle: (name: string) => void,
  ) {
    this.el = h('div', { class: 'view handles' }, this.box);
  }

  render(): void {
    if (this.seen === this.store.version) return;
    this.seen = this.store.version;
    const rows = [...this.store.handles.values()].map((hd) => [
      h(
        'button',
        {
          class: 'link',
          title: `Show ${hd.name}'s events in the timeline`,
          onclick: () => this.showHandle(hd.name),
        },
        hd.name,
      ),
      hd.kind || '?',
      hd.state === 'seen' ? 'active (created before the panel opened)' : hd.state,
      hd.created === null ? '–' : formatTime(hd.created),
      formatTime(hd.lastSeen),
      hd.total,
      [...hd.counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([t, n]) => `${t} ${n}`)
        .join(', '),
    ]);
    setChildren(this.box, [
      table(['handle', 'type', 'state', 'created', 'last event', 'events', 'by type'], rows, {
        testid: 'handles-table',
        empty: 'No handles yet: create one with rd_kafka_new() in a cell.',
        numeric: [false, false, false, false, false, true, false],
      }),
    ]);
  }
}
