// Statistics: charts over time for one handle, its latest stats JSON with what changed, and what each
// field means (librdkafka's STATISTICS.md, from the host). A handle that produced no statistics says why.
import { Chart } from '../charts.ts';
import { h, setChildren, setText } from '../dom.ts';
import { formatTime } from '../format.ts';
import { jsonTree } from '../jsontree.ts';
import { changedLeaves, type HandleStats, type SeriesGroup } from '../stats.ts';
import { docFor, docLine, sentinelMeaning, type FieldDoc } from '../statsdocs.ts';
import type { Store } from '../store.ts';

interface ChartDef {
  chart: Chart;
  pick: (s: HandleStats) => SeriesGroup;
  /** Doc paths of the charted fields ('*' = any broker, topic or partition). */
  fields: string[][];
  /** Said under the caption whether or not docs are loaded. */
  note?: string;
  /** The doc path of the field a series charts ('x' stands for a broker, topic or partition key). */
  field: (series: string) => string[] | null;
}

/** "broker 1 p99" → "p99": the window statistic a latency series shows. */
const windowStat = (series: string) => / (avg|p99)$/.exec(series)?.[1] ?? null;
const Bx = ['brokers', 'x'];
const Px = ['topics', 'x', 'partitions', 'x'];

const B = ['brokers', '*'];
const P = ['topics', '*', 'partitions', '*'];

export class StatsView {
  readonly el: HTMLElement;
  private readonly select: HTMLSelectElement;
  private readonly defs: ChartDef[] = [
    {
      chart: new Chart({ title: 'Messages per second (txmsgs, rxmsgs)', unit: 'msgs/s' }),
      pick: (s) => s.rates,
      fields: [['txmsgs'], ['rxmsgs']],
      field: (n) => [n.replace(/\/s$/, '')],
    },
    {
      chart: new Chart({
        title: 'Producer queue (msg_cnt, msg_size)',
        unit: 'messages',
        right: (n) => n === 'msg_size',
        rightUnit: 'bytes',
      }),
      pick: (s) => s.queue,
      fields: [['msg_cnt'], ['msg_size']],
      field: (n) => [n],
    },
    {
      chart: new Chart({ title: 'Broker round-trip time (rtt avg, p99)', unit: 'ms' }),
      pick: (s) => s.rtt,
      fields: [
        [...B, 'rtt', 'avg'],
        [...B, 'rtt', 'p99'],
      ],
      field: (n) => (windowStat(n) ? [...Bx, 'rtt', windowStat(n)!] : null),
    },
    {
      chart: new Chart({ title: 'Internal producer queue latency (int_latency avg, p99)', unit: 'ms' }),
      pick: (s) => s.intLatency,
      fields: [[...B, 'int_latency']],
      field: (n) => (windowStat(n) ? [...Bx, 'int_latency', windowStat(n)!] : null),
    },
    {
      chart: new Chart({ title: 'Requests waiting to be sent (outbuf_cnt)', unit: 'requests' }),
      pick: (s) => s.outbuf,
      fields: [[...B, 'outbuf_cnt']],
      field: () => [...Bx, 'outbuf_cnt'],
    },
    {
      chart: new Chart({
        title: 'Consumer lag behind the committed offset (consumer_lag)',
        unit: 'messages',
      }),
      pick: (s) => s.lag,
      fields: [[...P, 'consumer_lag']],
      field: () => [...Px, 'consumer_lag'],
      note: "Messages between the partition end and the group's committed offset. -1 (unknown) is not drawn.",
    },
    {
      chart: new Chart({
        title: 'Consumer lag behind the stored offset (consumer_lag_stored)',
        unit: 'messages',
      }),
      pick: (s) => s.lagStored,
      fields: [[...P, 'consumer_lag_stored']],
      field: () => [...Px, 'consumer_lag_stored'],
      note: 'Messages between the partition end and the offset the application stored (processed, maybe not yet committed). Smaller than consumer_lag while commits lag behind processing.',
    },
    {
      chart: new Chart({ title: 'Rebalances (cgrp.rebalance_cnt)', unit: 'count' }),
      pick: (s) => s.rebalance,
      fields: [['cgrp', 'rebalance_cnt']],
      field: () => ['cgrp', 'rebalance_cnt'],
    },
  ];
  private readonly info = h('p', { class: 'muted' });
  private readonly hint = h('div', { class: 'empty-hint', 'data-testid': 'stats-empty' });
  private readonly chartsBox: HTMLElement;
  private readonly treeBox: HTMLElement;
  private readonly tree = h('div', { class: 'json-tree', 'data-testid': 'stats-tree' });
  private readonly fieldDoc = h(
    'div',
    { class: 'field-doc', 'data-testid': 'stats-field-doc', 'aria-live': 'polite' },
    h('span', { class: 'muted' }, 'Select a value in the tree to see what it means.'),
  );
  private readonly docsSource = h('p', { class: 'muted docs-source', 'data-testid': 'stats-docs-source' });
  private readonly open = new Set<string>();
  private known = '';
  private seen = '';
  private docsSeen: unknown = undefined;

  constructor(private readonly store: Store) {
    this.select = h('select', {
      'aria-label': 'Handle whose statistics are shown',
      'data-testid': 'stats-handle',
      onchange: () => this.render(true),
    });
    this.chartsBox = h('div', { class: 'charts' }, ...this.defs.map((d) => d.chart.el));
    this.treeBox = h(
      'section',
      { class: 'stats-latest' },
      h('h3', {}, 'Latest statistics'),
      this.docsSource,
      h('div', { class: 'tree-and-doc' }, this.tree, this.fieldDoc),
    );
    this.el = h(
      'div',
      { class: 'view stats' },
      h('div', { class: 'toolbar' }, h('label', {}, 'Handle ', this.select), this.info),
      this.hint,
      this.chartsBox,
      this.treeBox,
    );
  }

  /** Handles with statistics first, then every other handle seen (to say why it has none). */
  private handleNames(): string[] {
    const withStats = [...this.store.stats.keys()];
    const others = [...this.store.handles.keys()].filter((n) => !this.store.stats.has(n));
    return [...withStats, ...others];
  }

  render(force = false): void {
    const names = this.handleNames();
    const key = names.join('\u0000');
    if (key !== this.known) {
      this.known = key;
      const cur = this.select.value;
      setChildren(
        this.select,
        names.map((n) => h('option', { value: n }, this.store.stats.has(n) ? n : `${n} (no statistics)`)),
      );
      this.select.value = names.includes(cur) ? cur : (names[0] ?? '');
    }
    const name = this.select.value;
    const s = this.store.stats.get(name);
    const docsChanged = this.docsSeen !== this.store.docs;
    const seen = `${name}:${s?.count ?? 0}:${this.store.version}`;
    if (!force && !docsChanged && seen === this.seen) return;
    const statsChanged = !this.seen.startsWith(`${name}:${s?.count ?? 0}:`);
    this.seen = seen;
    if (docsChanged) {
      this.docsSeen = this.store.docs;
      this.describeCharts();
    }
    this.showHint(name, s);
    this.chartsBox.hidden = !s;
    this.treeBox.hidden = !s;
    if (!s) {
      for (const d of this.defs) d.chart.update([], []);
      this.tree.replaceChildren();
      this.info.textContent = '';
      return;
    }
    for (const d of this.defs) {
      const g = d.pick(s);
      d.chart.update(s.times, [...g.series.entries()]);
      d.chart.el.hidden = g.series.size === 0;
    }
    if (statsChanged || force || docsChanged) {
      const span = s.times.length > 1 ? s.times.at(-1)! - s.times[0]! : 0;
      this.info.textContent = `${s.type} · ${s.count} stats${span > 0 ? ` over ${span.toFixed(1)} s` : ''} · last at ${formatTime(s.times.at(-1)! * 1000)}`;
      const changed = s.previous ? changedLeaves(s.previous, s.latest) : undefined;
      const docs = this.store.docs;
      this.tree.replaceChildren(
        jsonTree(s.latest, {
          open: this.open,
          ...(changed ? { changed } : {}),
          describe: (keys, value) => {
            const d = docFor(docs, keys);
            if (!d) return null;
            const sentinel = sentinelMeaning(d, value);
            return { title: docLine(d), ...(sentinel ? { sentinel: `(${sentinel})` } : {}) };
          },
          onSelect: (keys, value) => this.showField(keys, value),
        }),
      );
    }
  }

  /** Says why the selected handle (or none) has no charts, and how to get statistics. */
  private showHint(name: string, s: HandleStats | undefined): void {
    this.hint.hidden = Boolean(s);
    if (s) return;
    const how =
      'Set statistics.interval.ms before rd_kafka_new(), e.g. rd_kafka_conf_set(conf, "statistics.interval.ms", "1000", errstr, errstr.length); the kernel registers a stats_cb when the cell sets none.';
    if (!name) {
      setText(this.hint, `No statistics yet. ${how}`);
      return;
    }
    const interval = this.store.configs.get(name)?.['statistics.interval.ms'];
    const why =
      interval === undefined || interval === '0'
        ? `${name} produced no statistics: statistics.interval.ms is ${interval ?? 'not set (0, off)'}. ${how}`
        : `${name} has statistics.interval.ms = ${interval} but produced none yet: statistics are served by rd_kafka_poll(), rd_kafka_flush() or rd_kafka_consumer_poll() on that handle, so a handle that is not polled delivers none.`;
    setText(this.hint, why);
  }

  /** Chart notes from the field docs (or the built-in note where the docs are missing). */
  private describeCharts(): void {
    const docs = this.store.docs;
    for (const d of this.defs) {
      const found = d.fields
        .map((f) =>
          docFor(
            docs,
            f.map((k) => (k === '*' ? 'x' : k)),
          ),
        )
        .filter((x): x is FieldDoc => x !== null);
      const full = found.map(docLine).join('\n');
      d.chart.setNote(d.note ?? found[0]?.description ?? '', full);
      d.chart.setDescriber((series) => {
        const path = d.field(series);
        const doc = path ? docFor(docs, path) : null;
        return doc ? docLine(doc) : null;
      });
    }
    if (docs)
      setText(
        this.docsSource,
        `Field meanings from ${docs.source}${docs.approximate ? ' (not the version in use: fields may differ)' : ''}. Hover a value or select it.`,
      );
    else
      setText(
        this.docsSource,
        this.store.docsMissing || 'No STATISTICS.md available: field meanings are not shown.',
      );
  }

  private showField(keys: readonly string[], value: unknown): void {
    const d = docFor(this.store.docs, keys);
    const path = keys.join(' › ');
    if (!d) {
      setChildren(this.fieldDoc, [
        h('strong', {}, path),
        h(
          'p',
          { class: 'muted' },
          this.store.docs ? `Not documented in ${this.store.docs.source}.` : 'No field docs loaded.',
        ),
      ]);
      return;
    }
    const sentinel = sentinelMeaning(d, value);
    setChildren(this.fieldDoc, [
      h('strong', { 'data-testid': 'field-doc-where' }, d.where),
      h(
        'p',
        { class: 'muted', 'data-testid': 'field-doc-meta' },
        [d.type, d.unit].filter(Boolean).join(' · '),
      ),
      h('p', { 'data-testid': 'field-doc-text' }, d.description),
      sentinel
        ? h(
            'p',
            { class: 'sentinel', 'data-testid': 'field-doc-sentinel' },
            `${JSON.stringify(value)} is a sentinel: ${sentinel}. It is not a quantity and is not charted.`,
          )
        : null,
      d.sentinels?.length && !sentinel
        ? h(
            'p',
            { class: 'muted' },
            `Special values: ${d.sentinels.map((x) => `${x.value} = ${x.meaning}`).join('; ')}.`,
          )
        : null,
    ]);
  }
}
