// Wires the views to the store: tabs, the always-visible counters, and one requestAnimationFrame-throttled
// redraw (the timeline every frame, the heavier views at most a few times a second, hidden views never).
import { themeChanged } from './charts.ts';
import { h, icon, setText } from './dom.ts';
import { Store } from './store.ts';
import type { PanelEvent, PanelKernelInfo, PanelToHost, StatsDocs } from './types.ts';
import { DeliveryView } from './views/delivery.ts';
import { FaultsBar } from './views/faults.ts';
import { HandlesView } from './views/handles.ts';
import { RequestsView } from './views/requests.ts';
import { StatsView } from './views/stats.ts';
import { TimelineView } from './views/timeline.ts';

/** Minimum milliseconds between redraws of the aggregate views (tables and charts). */
const SLOW_VIEW_MS = 250;
/** New events between two frames above which the timeline redraws at most every FAST_STREAM_MS. */
const FAST_STREAM_EVENTS = 200;
const FAST_STREAM_MS = 50;

interface Tab {
  id: string;
  label: string;
  icon: string;
  view: { el: HTMLElement; render(): void };
  slow: boolean;
}

export class App {
  readonly store = new Store();
  private readonly tabs: Tab[];
  private active: Tab;
  private readonly counters: Record<string, HTMLElement> = {};
  private readonly notice = h('span', { class: 'notice', 'aria-live': 'polite' });
  private frame = 0;
  private lastSlow = 0;
  private lastFast = 0;
  private lastFastTotal = 0;
  private readonly tabButtons = new Map<string, HTMLButtonElement>();
  private readonly timeline: TimelineView;
  private readonly faults: FaultsBar;
  private readonly exportBtn: HTMLButtonElement;
  /** Posts to the host (VS Code); a no-op in a standalone report. */
  private post: (m: PanelToHost) => void = () => {};

  constructor(root: HTMLElement, title: string) {
    this.timeline = new TimelineView(
      this.store,
      () => this.reset(),
      () => this.invalidate(),
      (cell) => this.post({ type: 'revealCell', cell }),
    );
    this.faults = new FaultsBar(this.store, (m) => this.post(m));
    this.exportBtn = h(
      'button',
      {
        class: 'tool export',
        'data-testid': 'export',
        title:
          "Export for a librdkafka Issue: version, build features, OS, the notebook, each handle's configuration (secrets redacted), outputs, logs, statistics and a markdown summary, in one folder",
        onclick: () => this.post({ type: 'export' }),
      },
      icon('export'),
      ' Export for a librdkafka Issue…',
    );
    this.exportBtn.hidden = true;
    this.tabs = [
      { id: 'timeline', label: 'Timeline', icon: 'list-flat', view: this.timeline, slow: false },
      {
        id: 'delivery',
        label: 'Delivery reports',
        icon: 'mail',
        view: new DeliveryView(this.store),
        slow: true,
      },
      { id: 'stats', label: 'Statistics', icon: 'graph-line', view: new StatsView(this.store), slow: true },
      {
        id: 'requests',
        label: 'Requests',
        icon: 'arrow-swap',
        view: new RequestsView(this.store),
        slow: true,
      },
      {
        id: 'handles',
        label: 'Handles',
        icon: 'plug',
        view: new HandlesView(this.store, (name) => {
          this.timeline.showHandle(name);
          this.show('timeline');
        }),
        slow: true,
      },
    ];
    this.active = this.tabs[0]!;

    const counter = (id: string, label: string, tab?: string, type?: string) => {
      const v = h('span', { class: 'count', 'data-testid': id }, '0');
      this.counters[id] = v;
      return h(
        'button',
        {
          class: 'counter',
          title: tab ? `Show ${label}` : label,
          onclick: tab
            ? () => {
                if (type) this.timeline.showType(type);
                this.show(tab);
              }
            : null,
          tabindex: tab ? 0 : -1,
        },
        h('span', { class: 'counter-label' }, label),
        ' ',
        v,
      );
    };
    const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' });
    tablist.addEventListener('keydown', (e) => {
      const i = this.tabs.indexOf(this.active);
      const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : null;
      if (next === null) return;
      const t = this.tabs[(next + this.tabs.length) % this.tabs.length]!;
      this.show(t.id);
      this.tabButtons.get(t.id)!.focus();
    });
    for (const t of this.tabs) {
      const b = h(
        'button',
        {
          role: 'tab',
          id: `tab-${t.id}`,
          'aria-controls': `panel-${t.id}`,
          'data-testid': `tab-${t.id}`,
          onclick: () => this.show(t.id),
        },
        icon(t.icon),
        ` ${t.label}`,
      );
      this.tabButtons.set(t.id, b);
      tablist.append(b);
      t.view.el.id = `panel-${t.id}`;
      t.view.el.setAttribute('role', 'tabpanel');
      t.view.el.setAttribute('aria-labelledby', `tab-${t.id}`);
    }
    root.append(
      h(
        'header',
        { class: 'top' },
        h('h1', { class: 'title' }, title),
        h(
          'div',
          { class: 'counters', role: 'group', 'aria-label': 'Event totals' },
          counter('event-count', 'events', 'timeline'),
          counter('dr-count', 'delivery reports', 'delivery'),
          counter('dr-error-count', 'failed', 'delivery'),
          counter('stats-count', 'stats', 'stats'),
          counter('log-count', 'logs', 'timeline', 'log'),
          counter('error-count', 'errors', 'timeline', 'error'),
          counter('request-count', 'requests', 'requests'),
          counter('fault-count', 'faults', 'timeline', 'fault'),
        ),
        this.notice,
        this.exportBtn,
      ),
      this.faults.el,
      tablist,
      ...this.tabs.map((t) => t.view.el),
    );
    this.show('timeline');

    // VS Code swaps body classes (vscode-light/dark/high-contrast) on theme change: recolour the charts.
    new MutationObserver(() => {
      themeChanged();
      this.invalidate();
    }).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      themeChanged();
      this.invalidate();
    });
  }

  /** Called when the user switches views (the VS Code glue saves it as webview state). */
  onShow: ((id: string) => void) | null = null;

  show(id: string): void {
    const t = this.tabs.find((x) => x.id === id);
    if (!t) return;
    this.active = t;
    this.onShow?.(id);
    for (const x of this.tabs) {
      const on = x === t;
      x.view.el.hidden = !on;
      const b = this.tabButtons.get(x.id)!;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
    }
    this.lastSlow = 0;
    this.invalidate();
  }

  /** Connects the panel to its host: its controls (faults, reveal cell, export) post there. */
  connect(post: (m: PanelToHost) => void): void {
    this.post = post;
  }

  kernel(info: PanelKernelInfo): void {
    this.store.setKernel(info);
    this.exportBtn.hidden = !info.interactive;
    this.invalidate();
  }

  statsDocs(docs: StatsDocs | null, missing?: string): void {
    this.store.setDocs(docs, missing);
    this.invalidate();
  }

  faultResult(id: string, ok: boolean, message: string): void {
    this.faults.result(id, ok, message);
  }

  ingest(events: readonly PanelEvent[]): void {
    this.store.ingest(events);
    this.invalidate();
  }

  reset(): void {
    this.store.clear();
    this.timeline.reset();
    this.invalidate();
  }

  rejected(n: number): void {
    this.store.rejected += n;
    setText(this.notice, `${this.store.rejected} malformed event(s) ignored`);
  }

  invalidate(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => this.render());
  }

  private render(): void {
    this.frame = 0;
    const s = this.store;
    // Totals are what the kernel observed; under load some events arrive only as counts (`dropped`).
    this.setCount('event-count', s.observedTotal(), s.total - s.count('dropped'));
    this.setCount('dr-count', s.observed('dr'), s.count('dr'));
    setText(this.counters['dr-error-count']!, String(s.delivery.errors));
    this.setCount('stats-count', s.observed('stats'), s.count('stats'));
    this.setCount('log-count', s.observed('log'), s.count('log'));
    this.setCount('error-count', s.observed('error'), s.count('error'));
    this.setCount('request-count', s.observed('request'), s.count('request'));
    this.setCount('fault-count', s.observed('fault'), s.count('fault'));
    // Requests and faults exist on the mock cluster only: their totals show once there is one.
    const mockish = s.mock !== null || s.observed('request') + s.observed('fault') > 0;
    this.counters['request-count']!.parentElement!.hidden = !mockish;
    this.counters['fault-count']!.parentElement!.hidden = !mockish;
    this.faults.render();
    const t = this.active;
    const now = performance.now();
    if (!t.slow) {
      // A stream too fast to read replaces every visible row each frame: 20 redraws a second are plenty then.
      // (Scrolling, clicks and keys redraw the timeline at once, outside this path.)
      const fast = s.total - this.lastFastTotal > FAST_STREAM_EVENTS;
      if (!fast || now - this.lastFast >= FAST_STREAM_MS) {
        this.lastFast = now;
        this.lastFastTotal = s.total;
        t.view.render();
      } else this.invalidateLater(FAST_STREAM_MS - (now - this.lastFast));
    } else {
      if (now - this.lastSlow >= SLOW_VIEW_MS) {
        this.lastSlow = now;
        t.view.render();
      } else this.invalidateLater(SLOW_VIEW_MS - (now - this.lastSlow));
    }
  }

  private setCount(id: string, observed: number, received: number): void {
    const el = this.counters[id]!;
    setText(el, String(observed));
    const title =
      observed === received
        ? ''
        : `${received} received individually, ${observed - received} only counted under load`;
    if (el.title !== title) el.title = title;
  }

  private laterTimer = 0;
  private invalidateLater(ms: number): void {
    if (this.laterTimer) return;
    this.laterTimer = window.setTimeout(() => {
      this.laterTimer = 0;
      this.invalidate();
    }, ms);
  }
}
