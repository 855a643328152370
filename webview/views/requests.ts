// Requests: what the mock brokers received (librdkafka 2.3+ request tracking), per API and broker over
// time, with the requests answered by a pushed error and the retries after them. Says why it is empty.
import { Chart } from '../charts.ts';
import { h, setChildren, setText } from '../dom.ts';
import { formatDuration } from '../format.ts';
import type { Store } from '../store.ts';
import { table } from './table.ts';

export class RequestsView {
  readonly el: HTMLElement;
  private readonly why = h('p', { class: 'empty-hint', 'data-testid': 'requests-empty' });
  private readonly chart = new Chart({ title: 'Requests received by the mock brokers', unit: 'requests' });
  private readonly box = h('div', { class: 'table-box' });
  private readonly totals = h('p', { class: 'muted', 'data-testid': 'requests-total' });
  private readonly unseen = h('p', { class: 'muted', 'data-testid': 'requests-unseen' });
  private seen = -1;

  constructor(private readonly store: Store) {
    this.el = h(
      'div',
      { class: 'view requests' },
      this.why,
      this.totals,
      this.unseen,
      h('div', { class: 'charts' }, this.chart.el),
      h('section', {}, h('h3', {}, 'By API and broker'), this.box),
    );
  }

  /** Why there are no requests, or '' when there are. */
  emptyReason(): string {
    const s = this.store;
    if (s.requests.total > 0) return '';
    const k = s.kernel;
    if (k?.bootstrap && k.bootstrap !== 'mock')
      return `No requests: request tracking is a feature of librdkafka's embedded mock cluster, and this kernel uses the cluster at ${k.bootstrap}.`;
    if (s.mock && !s.mock.requestTracking.on) return `No requests: ${s.mock.requestTracking.reason}.`;
    if (!s.mock)
      return "No requests yet: the embedded mock cluster starts when a cell first uses BOOTSTRAP (or MOCK_CLUSTER), and its brokers' requests are listed here (librdkafka 2.3 or newer).";
    return 'No requests received yet.';
  }

  render(): void {
    if (this.seen === this.store.version) return;
    this.seen = this.store.version;
    const r = this.store.requests;
    const reason = this.emptyReason();
    setText(this.why, reason);
    this.why.hidden = reason === '';
    const note = r.clearsNote();
    setText(this.unseen, note);
    this.unseen.hidden = note === '';
    this.chart.el.hidden = r.total === 0;
    if (r.total === 0) {
      setChildren(this.box, []);
      setText(this.totals, '');
      return;
    }
    const { width, xs, series } = r.series();
    this.chart.setNote(`Requests per ${formatDuration(width)}, the busiest APIs.`);
    this.chart.update(xs, series);
    setText(
      this.totals,
      `${r.total} requests to ${r.brokers.size} broker(s) over ${formatDuration(Math.max(0, r.last - r.first))}`,
    );
    const brokers = [...r.brokers].sort((a, b) => a - b);
    const apis = [...r.apis.values()].sort((a, b) => b.total - a.total);
    setChildren(this.box, [
      table(
        ['API', 'total', ...brokers.map((b) => `broker ${b}`), 'pushed errors', 'retries', 'median gap'],
        apis.map((a) => {
          const gap = r.medianGap(a);
          const errs = [...a.errors.entries()].map(([n, c]) => `${c}× ${n}`).join(', ');
          return [
            a.api,
            a.total,
            ...brokers.map((b) => a.byBroker.get(b) ?? 0),
            a.errored ? `${a.errored} (${errs})` : 0,
            a.retries,
            gap === null ? '–' : formatDuration(gap),
          ];
        }),
        {
          testid: 'requests-table',
          numeric: [false, true, ...brokers.map(() => true), false, true, true],
        },
      ),
    ]);
  }
}
