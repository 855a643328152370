// The timeline: every event in order, filtered, searchable, virtualised (only the rows on screen exist in
// the DOM), following the tail unless the user scrolls away or pauses.
import { h, icon, setChildren, setText } from '../dom.ts';
import { formatTime, levelName, severity, summary } from '../format.ts';
import { jsonTree } from '../jsontree.ts';
import { emptyFilter, isFiltering, type Filter, type Store } from '../store.ts';
import { EVENT_TYPES, LOG_LEVELS, type PanelEvent } from '../types.ts';
import { LaneStrip } from './lanes.ts';

const ROW = 22;

export class TimelineView {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly rowsBox: HTMLElement;
  private readonly detail: HTMLElement;
  private readonly status: HTMLElement;
  private readonly shown: HTMLElement;
  private readonly typeBox: HTMLElement;
  private readonly handleSelect: HTMLSelectElement;
  private readonly levelSelect: HTMLSelectElement;
  private readonly search: HTMLInputElement;
  private readonly pauseBtn: HTMLButtonElement;
  private readonly followBtn: HTMLButtonElement;
  private readonly rows: HTMLElement[] = [];
  private filter: Filter = emptyFilter();
  private follow = true;
  private paused = false;
  /** While paused: absolute position (in the filtered list) one past the last row shown. */
  private frozenEnd = 0;
  private selected: PanelEvent | null = null;
  /** Absolute filtered-list position of the keyboard cursor. */
  private cursor = -1;
  private programmaticScroll = false;
  private knownTypes = '';
  private knownHandles = '';
  private searchTimer = 0;
  /** The list's visible height, kept by a ResizeObserver so frames never force a layout to read it. */
  private viewport = 0;
  /** Scroll position as last set or read. */
  private scrollTop = 0;
  private readonly lanes: LaneStrip;

  constructor(
    private readonly store: Store,
    private readonly onClear: () => void,
    private readonly invalidate: () => void,
    /** Reveal the notebook cell at this position (from 1); absent where no notebook is around (a report). */
    private readonly revealCell?: (cell: number) => void,
  ) {
    this.lanes = new LaneStrip(store, (type) => this.showType(type));
    this.typeBox = h('div', { class: 'type-filter', role: 'group', 'aria-label': 'Filter by event type' });
    this.handleSelect = h('select', {
      'aria-label': 'Filter by handle',
      'data-testid': 'filter-handle',
      onchange: () => this.applyFilter(),
    });
    this.levelSelect = h('select', {
      'aria-label': 'Most verbose log level shown',
      'data-testid': 'filter-level',
      onchange: () => this.applyFilter(),
    });
    LOG_LEVELS.forEach((name, i) => this.levelSelect.append(h('option', { value: i }, `logs ≤ ${name}`)));
    this.levelSelect.value = '7';
    this.search = h('input', {
      type: 'search',
      placeholder: 'Search events',
      'aria-label': 'Search events',
      'data-testid': 'filter-text',
      oninput: () => {
        clearTimeout(this.searchTimer);
        this.searchTimer = window.setTimeout(() => this.applyFilter(), 120);
      },
    });
    this.pauseBtn = h('button', {
      class: 'tool',
      'data-testid': 'pause',
      'aria-pressed': 'false',
      onclick: () => this.setPaused(!this.paused),
    });
    this.followBtn = h('button', {
      class: 'tool',
      'data-testid': 'follow',
      'aria-pressed': 'true',
      onclick: () => this.setFollow(!this.follow),
    });
    const clearBtn = h(
      'button',
      {
        class: 'tool',
        'data-testid': 'clear',
        title: 'Clear all events and totals',
        onclick: () => this.onClear(),
      },
      icon('clear-all'),
      ' Clear',
    );
    this.shown = h('span', { 'data-testid': 'timeline-shown' }, '0');
    this.status = h('span', { class: 'timeline-status-text' });
    const status = h('span', { class: 'timeline-status' }, this.shown, ' ', this.status);

    this.spacer = h('div', { class: 'tl-spacer' });
    this.rowsBox = h('div', { class: 'tl-rows' });
    this.list = h(
      'div',
      { class: 'tl-list', tabindex: 0, role: 'listbox', 'aria-label': 'Events', 'data-testid': 'timeline' },
      this.spacer,
      this.rowsBox,
    );
    this.list.addEventListener('scroll', () => this.onScroll());
    new ResizeObserver(() => {
      this.viewport = this.list.clientHeight;
      this.invalidate();
    }).observe(this.list);
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.list.addEventListener('click', (e) => {
      const row = (e.target as HTMLElement).closest<HTMLElement>('.tl-row');
      if (row?.dataset.pos) this.select(Number(row.dataset.pos));
    });
    this.detail = h(
      'section',
      { class: 'tl-detail', 'aria-label': 'Event details', 'data-testid': 'event-detail' },
      h('p', { class: 'muted' }, 'Select an event to see its full content.'),
    );

    this.el = h(
      'div',
      { class: 'view timeline' },
      h(
        'div',
        { class: 'toolbar' },
        this.search,
        this.handleSelect,
        this.levelSelect,
        this.pauseBtn,
        this.followBtn,
        clearBtn,
        status,
      ),
      this.typeBox,
      this.lanes.el,
      h('div', { class: 'tl-split' }, this.list, this.detail),
    );
    this.setPaused(false);
    this.setFollow(true);
  }

  private setPaused(p: boolean): void {
    this.paused = p;
    this.frozenEnd = this.store.visible.offset + this.store.visible.length;
    this.pauseBtn.setAttribute('aria-pressed', String(p));
    setChildren(this.pauseBtn, p ? [icon('debug-continue'), ' Resume'] : [icon('debug-pause'), ' Pause']);
    this.pauseBtn.title = p
      ? 'Resume: show new events again'
      : 'Pause: freeze the list (events are still counted)';
    this.invalidate();
  }

  private setFollow(f: boolean): void {
    this.follow = f;
    this.followBtn.setAttribute('aria-pressed', String(f));
    setChildren(this.followBtn, [icon('fold-down'), ' Follow']);
    this.followBtn.title = f ? 'Following the newest event (click to stop)' : 'Follow the newest event';
    this.invalidate();
  }

  /** Show only events of one type (from the counters at the top). */
  showType(type: string): void {
    this.refreshChoices();
    for (const b of this.typeBox.querySelectorAll<HTMLButtonElement>('button[data-type]'))
      b.setAttribute('aria-pressed', String(b.dataset.type === type));
    this.applyFilter();
  }

  /** Filter to one handle (from the Handles view). */
  showHandle(name: string): void {
    this.refreshChoices();
    this.handleSelect.value = name;
    this.applyFilter();
  }

  private applyFilter(): void {
    const types = new Set<string>();
    for (const b of this.typeBox.querySelectorAll<HTMLButtonElement>('button[aria-pressed="true"]'))
      types.add(b.dataset.type!);
    this.filter = {
      types,
      handle: this.handleSelect.value,
      maxLevel: Number(this.levelSelect.value),
      text: this.search.value.trim(),
    };
    this.store.setFilter(this.filter);
    this.frozenEnd = this.store.visible.offset + this.store.visible.length;
    this.cursor = -1;
    this.invalidate();
  }

  /** Keep the type chips and handle list in step with what has been seen. */
  private refreshChoices(): void {
    const types = [
      ...EVENT_TYPES.filter((t) => this.store.byType.has(t)),
      ...[...this.store.byType.keys()].filter((t) => !(EVENT_TYPES as readonly string[]).includes(t)),
    ];
    const tkey = types.join(',');
    if (tkey !== this.knownTypes) {
      this.knownTypes = tkey;
      const pressed = new Set(this.filter.types);
      setChildren(
        this.typeBox,
        types.map((t) =>
          h(
            'button',
            {
              class: 'chip',
              'data-type': t,
              'data-testid': `filter-type-${t}`,
              'aria-pressed': String(pressed.has(t)),
              title: `Show only ${t} events (combine several)`,
              onclick: (e: Event) => {
                const b = e.currentTarget as HTMLButtonElement;
                b.setAttribute('aria-pressed', String(b.getAttribute('aria-pressed') !== 'true'));
                this.applyFilter();
              },
            },
            t,
            h('span', { class: 'chip-count' }, ''),
          ),
        ),
      );
    }
    for (const b of this.typeBox.children) {
      const c = b.querySelector('.chip-count');
      if (c) setText(c, ` ${this.store.count((b as HTMLElement).dataset.type!)}`);
    }
    const handles = [...this.store.handles.keys()].sort();
    const hkey = handles.join('\u0000');
    if (hkey !== this.knownHandles) {
      this.knownHandles = hkey;
      const cur = this.handleSelect.value;
      setChildren(this.handleSelect, [
        h('option', { value: '' }, 'all handles'),
        ...handles.map((n) => h('option', { value: n }, n)),
      ]);
      this.handleSelect.value = handles.includes(cur) ? cur : '';
    }
  }

  private range(): [number, number] {
    const v = this.store.visible;
    const end = this.paused ? Math.min(this.frozenEnd, v.offset + v.length) : v.offset + v.length;
    return [v.offset, end];
  }

  private onScroll(): void {
    if (this.programmaticScroll) {
      this.programmaticScroll = false;
    } else {
      const [lo, hi] = this.range();
      const atBottom = this.list.scrollTop + this.viewport >= (hi - lo) * ROW - ROW;
      if (this.follow !== atBottom) this.setFollow(atBottom);
    }
    this.render();
  }

  private onKey(e: KeyboardEvent): void {
    const [lo, hi] = this.range();
    if (hi === lo) return;
    const page = Math.max(1, Math.floor(this.list.clientHeight / ROW) - 1);
    const cur = this.cursor < lo ? hi - 1 : this.cursor;
    const next =
      e.key === 'ArrowDown'
        ? cur + 1
        : e.key === 'ArrowUp'
          ? cur - 1
          : e.key === 'PageDown'
            ? cur + page
            : e.key === 'PageUp'
              ? cur - page
              : e.key === 'Home'
                ? lo
                : e.key === 'End'
                  ? hi - 1
                  : null;
    if (next === null) return;
    e.preventDefault();
    this.select(Math.max(lo, Math.min(hi - 1, next)), true);
  }

  private select(pos: number, scroll = false): void {
    const v = this.store.visible;
    const idx = pos - v.offset;
    if (idx < 0 || idx >= v.length) return;
    const ev = this.store.events.at(v.get(idx));
    if (!ev) return;
    this.cursor = pos;
    this.selected = ev;
    if (scroll) {
      const top = (pos - v.offset) * ROW;
      if (top < this.list.scrollTop) this.list.scrollTop = top;
      else if (top + ROW > this.list.scrollTop + this.list.clientHeight)
        this.list.scrollTop = top + ROW - this.list.clientHeight;
      if (pos < this.range()[1] - 1 && this.follow) this.setFollow(false);
    }
    this.list.setAttribute('aria-activedescendant', `tl-row-${pos}`);
    const reveal = this.revealCell;
    const cell =
      ev.cell === null
        ? null
        : reveal && this.store.kernel?.interactive
          ? h(
              'button',
              {
                class: 'link',
                'data-testid': 'detail-cell-link',
                title: `Show cell ${ev.cell} in the notebook`,
                onclick: () => reveal(ev.cell!),
              },
              `cell ${ev.cell}`,
            )
          : h('span', { 'data-testid': 'detail-cell' }, `cell ${ev.cell}`);
    setChildren(this.detail, [
      h('h3', {}, `${ev.type} #${ev.seq}`),
      h(
        'p',
        { class: 'muted' },
        `${new Date(ev.time).toISOString()}${ev.handle ? ` · ${ev.handle}` : ''}`,
        cell ? ' · ' : null,
        cell,
      ),
      jsonTree(ev, { open: new Set(['data']) }),
    ]);
    this.render();
  }

  render(): void {
    this.refreshChoices();
    this.lanes.render();
    const [lo, hi] = this.range();
    const n = hi - lo;
    const height = n * ROW;
    if (this.spacer.style.height !== `${height}px`) this.spacer.style.height = `${height}px`;
    if (this.follow && !this.paused) {
      const target = Math.max(0, height - this.viewport);
      if (this.scrollTop !== target) {
        this.programmaticScroll = true;
        this.list.scrollTop = target;
        this.scrollTop = target;
      }
    } else this.scrollTop = this.list.scrollTop;
    const first = Math.max(0, Math.floor(this.scrollTop / ROW) - 2);
    const count = Math.min(n - first, Math.ceil(this.viewport / ROW) + 4);
    while (this.rows.length < Math.max(0, count)) {
      const r = h('div', { class: 'tl-row', role: 'option' });
      this.rows.push(r);
      this.rowsBox.append(r);
    }
    const v = this.store.visible;
    for (let k = 0; k < this.rows.length; k++) {
      const r = this.rows[k]!;
      if (k >= count) {
        r.hidden = true;
        continue;
      }
      r.hidden = false;
      const pos = lo + first + k;
      const ev = this.store.events.at(v.get(pos - v.offset));
      r.style.transform = `translateY(${(first + k) * ROW}px)`;
      if (r.dataset.pos === String(pos) && r.dataset.seq === String(ev?.seq)) continue;
      r.dataset.pos = String(pos);
      r.dataset.seq = String(ev?.seq);
      r.id = `tl-row-${pos}`;
      r.setAttribute('aria-selected', String(ev !== undefined && ev === this.selected));
      if (!ev) {
        setChildren(r, [h('span', { class: 'muted' }, '(no longer in the buffer)')]);
        continue;
      }
      r.className = `tl-row sev-${severity(ev) || 'none'}`;
      // Reuse the row's four cells: rows are re-filled every frame while following a fast stream.
      if (r.childElementCount !== 4) {
        setChildren(r, [
          h('span', { class: 'tl-time' }),
          h('span', { class: 'tl-type' }),
          h('span', { class: 'tl-handle' }),
          h('span', { class: 'tl-summary' }),
        ]);
      }
      const [cTime, cType, cHandle, cSummary] = r.children as unknown as HTMLElement[];
      cTime!.textContent = formatTime(ev.time);
      cType!.textContent = ev.type === 'log' ? levelName(ev.data.level) : ev.type;
      cType!.className = `tl-type type-${ev.type}`;
      cHandle!.textContent = ev.handle ?? '';
      cSummary!.textContent = summary(ev);
    }
    for (const r of this.rows)
      if (!r.hidden) r.setAttribute('aria-selected', String(r.dataset.seq === String(this.selected?.seq)));

    const held = this.store.events.size;
    setText(this.shown, String(n));
    const parts = ['shown'];
    if (isFiltering(this.filter)) parts.push(`of ${held} held`);
    if (this.store.total > held) parts.push(`(oldest ${this.store.total - held} no longer listed)`);
    if (this.paused) parts.push(`· paused, ${v.offset + v.length - hi} new`);
    setText(this.status, parts.join(' '));
  }

  reset(): void {
    this.selected = null;
    this.cursor = -1;
    this.frozenEnd = 0;
    this.store.setFilter(this.filter);
    setChildren(this.detail, [h('p', { class: 'muted' }, 'Select an event to see its full content.')]);
  }
}
