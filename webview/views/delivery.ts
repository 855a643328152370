// Delivery reports: totals, rate over time, latency percentiles and histogram, by partition, by error, failures.
import { Chart } from '../charts.ts';
import { h, setChildren, setText } from '../dom.ts';
import { formatBytes, formatTime, formatUs } from '../format.ts';
import type { Store } from '../store.ts';
import { table } from './table.ts';

export class DeliveryView {
  readonly el: HTMLElement;
  private readonly cards: Record<string, HTMLElement> = {};
  private readonly rate = new Chart({ title: 'Delivery reports per second', unit: 'msgs/s' });
  private readonly hist = new Chart({
    title: 'Latency histogram (produce → delivery report)',
    unit: 'reports',
    time: false,
    bars: true,
    logX: true,
  });
  private readonly byPartition = h('div', { class: 'table-box' });
  private readonly byError = h('div', { class: 'table-box' });
  private readonly failures = h('div', { class: 'table-box' });
  private seen = -1;

  constructor(private readonly store: Store) {
    const card = (key: string, label: string) => {
      const v = h('span', { class: 'card-value', 'data-testid': `dr-${key}` }, '–');
      this.cards[key] = v;
      return h('div', { class: 'card' }, h('span', { class: 'card-label' }, label), v);
    };
    this.el = h(
      'div',
      { class: 'view delivery' },
      h(
        'div',
        { class: 'cards' },
        card('total', 'reports'),
        card('failed', 'failed'),
        card('bytes', 'payload'),
        card('p50', 'p50'),
        card('p95', 'p95'),
        card('p99', 'p99'),
        card('notsent', 'not sent individually'),
      ),
      h('div', { class: 'charts' }, this.rate.el, this.hist.el),
      h(
        'div',
        { class: 'tables' },
        h('section', {}, h('h3', {}, 'By topic and partition'), this.byPartition),
        h('section', {}, h('h3', {}, 'By error code'), this.byError),
      ),
      h('section', {}, h('h3', {}, 'Most recent failures'), this.failures),
    );
  }

  render(): void {
    const d = this.store.delivery;
    if (this.seen === d.count + this.store.version && this.seen !== -1) return;
    this.seen = d.count + this.store.version;
    const pct = (q: number) => {
      const v = d.percentile(q);
      return v === null ? '–' : formatUs(v);
    };
    setText(this.cards.total!, String(this.store.observed('dr')));
    setText(this.cards.failed!, String(d.errors));
    setText(this.cards.bytes!, formatBytes(d.bytes));
    setText(this.cards.p50!, pct(0.5));
    setText(this.cards.p95!, pct(0.95));
    setText(this.cards.p99!, pct(0.99));
    setText(this.cards.notsent!, String(this.store.notSent.get('dr') ?? 0));

    const [xs, ok, bad, counted] = d.rateSeries();
    this.rate.update(xs, [
      ['delivered', ok],
      ['failed', bad],
      ...(counted.some((n) => n > 0) ? [['only counted (under load)', counted] as [string, number[]]] : []),
    ]);
    const [hx, hy] = d.histogramSeries();
    this.hist.update(hx, [['reports', hy]]);

    const parts = d
      .partitions()
      .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    setChildren(this.byPartition, [
      table(
        ['topic', 'partition', 'reports', 'failed', 'bytes', 'last offset'],
        parts
          .slice(0, 500)
          .map((p) => [
            p.topic,
            p.partition,
            p.count,
            p.errors,
            formatBytes(p.bytes),
            p.lastOffset < 0 ? '–' : p.lastOffset,
          ]),
        { testid: 'dr-by-partition', numeric: [false, true, true, true, true, true] },
      ),
    ]);
    const errs = [...d.errorCodes.values()].sort((a, b) => b.count - a.count);
    setChildren(this.byError, [
      table(
        ['error', 'code', 'reports'],
        errs.map((e) => [e.errName, e.err, e.count]),
        { testid: 'dr-by-error', numeric: [false, true, true] },
      ),
    ]);
    const fails = d.failures.last(50).reverse();
    setChildren(this.failures, [
      table(
        ['time', 'handle', 'topic', 'partition', 'error'],
        fails.map((f) => [
          formatTime(f.time),
          f.handle ?? '',
          f.topic,
          f.partition,
          `${f.errName} (${f.err})`,
        ]),
        {
          testid: 'dr-failures',
          empty: 'no failed deliveries',
        },
      ),
    ]);
  }
}
