// The lane strip above the timeline: one row per kind (delivery reports, requests, faults, rebalances,
// logs, errors) showing where its events fall over the run, failures in the error colour. Clicking a row
// filters the list to that kind. Drawn on a canvas, at most as often as the timeline redraws.
import { currentTheme } from '../charts.ts';
import { h } from '../dom.ts';
import { formatDuration, formatTime } from '../format.ts';
import { LANE_LABELS, LANES } from '../lanes.ts';
import type { Store } from '../store.ts';

const ROW = 14;
const AXIS = 14;
const THROTTLE_MS = 200;

export class LaneStrip {
  readonly el: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private seen = -1;
  private width = 0;
  private shownLanes: string[] = [];

  constructor(
    private readonly store: Store,
    private readonly onLane: (type: string) => void,
  ) {
    this.canvas = h('canvas', { class: 'lanes-canvas', role: 'img' });
    this.el = h('div', { class: 'lanes', 'data-testid': 'lanes' }, this.canvas);
    new ResizeObserver(() => {
      this.width = this.el.clientWidth;
      this.seen = -1;
    }).observe(this.el);
    this.canvas.addEventListener('click', (e) => {
      const row = Math.floor(e.offsetY / ROW);
      const lane = this.shownLanes[row];
      if (lane) this.onLane(lane);
    });
  }

  private last = 0;
  private timer = 0;

  /** Redraws when something changed, at most every THROTTLE_MS (a fast stream changes every frame). */
  render(): void {
    const s = this.store;
    if (this.seen === s.version) return;
    const now = performance.now();
    if (now - this.last < THROTTLE_MS) {
      this.timer ||= window.setTimeout(() => {
        this.timer = 0;
        this.render();
      }, THROTTLE_MS);
      return;
    }
    this.last = now;
    this.seen = s.version;
    const lanes = LANES.filter((l) => s.lanes.lanes.get(l)!.total > 0);
    this.shownLanes = lanes;
    this.el.hidden = lanes.length === 0;
    const counts = Object.fromEntries(LANES.map((l) => [l, s.lanes.lanes.get(l)!.total]));
    this.el.dataset.counts = JSON.stringify(counts);
    if (lanes.length === 0 || this.width === 0) return;
    let t0 = s.lanes.first;
    let t1 = s.lanes.last;
    if (t1 - t0 < 1) {
      t0 -= 500;
      t1 += 500;
    }
    const dpr = devicePixelRatio || 1;
    const w = this.width;
    const hgt = lanes.length * ROW + AXIS;
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${hgt}px`;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(hgt * dpr);
    this.canvas.setAttribute(
      'aria-label',
      `Events over the run: ${lanes.map((l) => `${LANE_LABELS[l]} ${counts[l]}`).join(', ')}`,
    );
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    const t = currentTheme();
    ctx.font = t.font;
    ctx.textBaseline = 'middle';
    const labels = lanes.map((l) => `${LANE_LABELS[l]} ${counts[l]}`);
    const LABEL = Math.ceil(Math.max(...labels.map((x) => ctx.measureText(x).width))) + 10;
    const cols = Math.max(10, Math.floor(w - LABEL - 4));
    const err = getComputedStyle(this.el).getPropertyValue('--c-error').trim() || '#f14c4c';
    lanes.forEach((lane, r) => {
      const y = r * ROW;
      ctx.fillStyle = t.fg;
      ctx.globalAlpha = 0.85;
      ctx.fillText(labels[r]!, 2, y + ROW / 2);
      ctx.globalAlpha = 1;
      ctx.fillStyle = t.grid;
      ctx.fillRect(LABEL, y + ROW - 1, cols, 1);
      const [ok, bad] = s.lanes.lanes.get(lane)!.histogram(t0, t1, cols);
      const colour = t.palette[r % t.palette.length]!;
      for (let c = 0; c < cols; c++) {
        const n = ok[c]! + bad[c]!;
        if (n === 0) continue;
        ctx.globalAlpha = Math.min(1, 0.4 + Math.log10(n + 1) / 2);
        ctx.fillStyle = bad[c]! > 0 ? err : colour;
        ctx.fillRect(LABEL + c, y + 2, 1, ROW - 4);
      }
      ctx.globalAlpha = 1;
    });
    ctx.fillStyle = t.fg;
    const yAxis = lanes.length * ROW + AXIS / 2;
    ctx.textAlign = 'left';
    ctx.fillText(formatTime(t0), LABEL, yAxis);
    ctx.textAlign = 'right';
    ctx.fillText(`${formatDuration(t1 - t0)} · ${formatTime(t1)}`, LABEL + cols, yAxis);
    ctx.textAlign = 'left';
  }
}
