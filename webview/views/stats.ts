// Statistics: charts over time for one handle, and its latest stats JSON with what changed.
import { Chart } from '../charts.ts';
import { h, setChildren } from '../dom.ts';
import { formatTime } from '../format.ts';
import { jsonTree } from '../jsontree.ts';
import { changedLeaves, type HandleStats, type SeriesGroup } from '../stats.ts';
import type { Store } from '../store.ts';

export class StatsView {
  readonly el: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly charts: [Chart, (s: HandleStats) => SeriesGroup][] = [
    [new Chart({ title: 'Messages per second (txmsgs, rxmsgs)', unit: 'msgs/s' }), (s) => s.rates],
    [
      new Chart({
        title: 'Producer queue (msg_cnt, msg_size)',
        unit: 'messages',
        right: (n) => n === 'msg_size',
      }),
      (s) => s.queue,
    ],
    [new Chart({ title: 'Broker round-trip time (rtt avg, p99)', unit: 'ms' }), (s) => s.rtt],
    [
      new Chart({ title: 'Internal producer queue latency (int_latency avg, p99)', unit: 'ms' }),
      (s) => s.intLatency,
    ],
    [new Chart({ title: 'Requests waiting to be sent (outbuf_cnt)', unit: 'requests' }), (s) => s.outbuf],
    [new Chart({ title: 'Consumer lag per partition (consumer_lag)', unit: 'messages' }), (s) => s.lag],
    [new Chart({ title: 'Rebalances (cgrp.rebalance_cnt)', unit: 'count' }), (s) => s.rebalance],
  ];
  private readonly info = h('p', { class: 'muted' });
  private readonly tree = h('div', { class: 'json-tree', 'data-testid': 'stats-tree' });
  private readonly open = new Set<string>();
  private known = '';
  private seen = '';

  constructor(private readonly store: Store) {
    this.select = h('select', {
      'aria-label': 'Handle whose statistics are shown',
      'data-testid': 'stats-handle',
      onchange: () => this.render(true),
    });
    this.el = h(
      'div',
      { class: 'view stats' },
      h('div', { class: 'toolbar' }, h('label', {}, 'Handle ', this.select), this.info),
      h(
        'p',
        { class: 'empty-hint muted', 'data-testid': 'stats-empty' },
        'No statistics yet: set statistics.interval.ms (e.g. "1000") on a handle\'s configuration.',
      ),
      h('div', { class: 'charts' }, ...this.charts.map(([c]) => c.el)),
      h('section', {}, h('h3', {}, 'Latest statistics'), this.tree),
    );
  }

  render(force = false): void {
    const names = [...this.store.stats.keys()];
    const key = names.join('\u0000');
    if (key !== this.known) {
      this.known = key;
      const cur = this.select.value;
      setChildren(
        this.select,
        names.map((n) => h('option', { value: n }, n)),
      );
      this.select.value = names.includes(cur) ? cur : (names[0] ?? '');
    }
    (this.el.querySelector('.empty-hint') as HTMLElement).hidden = names.length > 0;
    const s = this.store.stats.get(this.select.value);
    const seen = `${this.select.value}:${s?.count ?? 0}:${this.store.version}`;
    if (!force && seen === this.seen) return;
    const statsChanged = !this.seen.startsWith(`${this.select.value}:${s?.count ?? 0}:`);
    this.seen = seen;
    if (!s) {
      for (const [c] of this.charts) c.update([], []);
      this.tree.replaceChildren();
      this.info.textContent = '';
      return;
    }
    for (const [chart, pick] of this.charts) {
      const g = pick(s);
      chart.update(s.times, [...g.series.entries()]);
      chart.el.hidden = g.series.size === 0;
    }
    if (statsChanged || force) {
      this.info.textContent = `${s.type} · ${s.count} stats · last at ${formatTime(s.times.at(-1)! * 1000)}`;
      const changed = s.previous ? changedLeaves(s.previous, s.latest) : undefined;
      this.tree.replaceChildren(jsonTree(s.latest, { open: this.open, ...(changed ? { changed } : {}) }));
    }
  }
}
