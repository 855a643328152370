// Thin wrapper over uPlot: theme colours from VS Code's CSS variables, a fixed series palette, resizing with
// the container, and rebuilding only when the set of series changes (otherwise setData, which is cheap).
// Correct from the first sample: the time axis spans the samples (a second either side of a single one),
// y axes are as wide as their labels, a lone sample is a point labelled with its value. What was drawn is
// written on the figure (data-x-min, data-y-max, data-x-ticks, …) for tests and tools.
import uPlot from 'uplot';
import { h } from './dom.ts';

export interface ChartSpec {
  title: string;
  /** Unit shown on the y axis label. */
  unit?: string;
  /** x values are epoch seconds (time axis); false: plain numbers (e.g. histogram buckets). */
  time?: boolean;
  /** Draw bars instead of lines. */
  bars?: boolean;
  /** Logarithmic x axis (latency histogram). */
  logX?: boolean;
  /** Series (by name) drawn on a second, right-hand y axis. */
  right?: (name: string) => boolean;
  /** Unit of the right-hand axis. */
  rightUnit?: string;
  height?: number;
  /** Shown under the caption (what the fields mean); a tooltip when long. */
  note?: string;
}

const PALETTE_VARS = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
] as const;

/** Resolve a CSS colour (possibly a var()) to rgb() through a probe element. */
function resolveColor(css: string, fallback: string): string {
  const probe = h('span', { class: 'color-probe' });
  probe.style.color = fallback;
  probe.style.color = css;
  document.body.append(probe);
  const c = getComputedStyle(probe).color;
  probe.remove();
  return c || fallback;
}

function withAlpha(rgb: string, a: number): string {
  const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(rgb);
  return m ? `rgba(${m[1]}, ${m[2]}, ${m[3]}, ${a})` : rgb;
}

interface Theme {
  fg: string;
  grid: string;
  palette: string[];
  font: string;
}

let theme: Theme | null = null;
export function currentTheme(): Theme {
  if (theme) return theme;
  const fg = resolveColor('var(--vscode-foreground, var(--wb-fg))', '#888');
  const cs = getComputedStyle(document.body);
  theme = {
    fg,
    grid: withAlpha(fg, 0.15),
    palette: PALETTE_VARS.map(([v, fb]) => resolveColor(`var(${v}, ${fb})`, fb)),
    font: `11px ${cs.getPropertyValue('--vscode-font-family').trim() || 'system-ui, sans-serif'}`,
  };
  return theme;
}
/** Forget cached colours (the theme changed); charts rebuild on their next update. */
export function themeChanged(): void {
  theme = null;
  for (const c of live) c.invalidate();
}

const live = new Set<Chart>();

/** Pixels of room around axis labels: tick length, gap, and the axis title's line. */
const TICK_ROOM = 12;
const TITLE_ROOM = 18;

let measureCtx: CanvasRenderingContext2D | null = null;
function textWidth(text: string, font: string): number {
  measureCtx ??= document.createElement('canvas').getContext('2d');
  if (!measureCtx) return text.length * 7;
  measureCtx.font = font;
  return measureCtx.measureText(text).width;
}

export class Chart {
  readonly el: HTMLElement;
  private readonly plotBox: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly noteEl: HTMLElement;
  private plot: uPlot | null = null;
  private names = '';
  private lastData: uPlot.AlignedData | null = null;
  private readonly resize = new ResizeObserver(() => this.fit());
  /** The tick labels last drawn per axis (0 = x). */
  private readonly ticks: string[][] = [[], [], []];

  constructor(private readonly spec: ChartSpec) {
    this.plotBox = h('div', { class: 'chart-plot' });
    this.empty = h('div', { class: 'chart-empty' }, 'no data yet');
    this.noteEl = h('p', { class: 'chart-note muted' }, spec.note ?? '');
    this.noteEl.hidden = !spec.note;
    this.el = h(
      'figure',
      { class: 'chart', 'data-chart': spec.title },
      h('figcaption', {}, spec.title),
      this.noteEl,
      this.plotBox,
      this.empty,
    );
    this.resize.observe(this.plotBox);
    live.add(this);
  }

  /** What each series means (the legend's tooltip), or null where nothing is known. */
  private describe: ((series: string) => string | null) | null = null;

  /** Explains each series in its legend entry (hover it): e.g. the statistics field it charts. */
  setDescriber(describe: ((series: string) => string | null) | null): void {
    this.describe = describe;
    this.describeLegend();
  }

  private describeLegend(): void {
    const rows = this.plotBox.querySelectorAll<HTMLElement>('.u-legend .u-series');
    const names = this.plot?.series.map((s) => String(s.label ?? '')) ?? [];
    rows.forEach((row, i) => {
      const text = i > 0 && this.describe ? this.describe(names[i] ?? '') : null;
      if (text) row.title = text;
      else row.removeAttribute('title');
    });
  }

  /** Replace the explanatory note under the caption. */
  setNote(text: string, title?: string): void {
    if (this.noteEl.textContent !== text) this.noteEl.textContent = text;
    this.noteEl.title = title ?? '';
    this.noteEl.hidden = !text;
  }

  /** Show `xs` against named series (null = gap). */
  update(xs: number[], series: [string, (number | null)[]][]): void {
    const hasData = xs.length > 0 && series.some(([, ys]) => ys.some((v) => v !== null));
    this.empty.hidden = hasData;
    this.plotBox.hidden = !hasData;
    this.el.dataset.points = String(hasData ? xs.length : 0);
    if (!hasData) return;
    const names = series.map(([n]) => n).join('\u0000');
    const data = [xs, ...series.map(([, ys]) => ys)] as uPlot.AlignedData;
    this.lastData = data;
    if (!this.plot || names !== this.names) {
      this.names = names;
      this.build(
        series.map(([n]) => n),
        data,
      );
    } else this.plot.setData(data);
  }

  invalidate(): void {
    this.names = '';
    if (this.lastData && this.plot) {
      const names = this.plot.series.slice(1).map((s) => String(s.label));
      this.build(names, this.lastData);
      this.names = names.join('\u0000');
    }
  }

  private width(): number {
    return Math.max(200, Math.floor(this.plotBox.clientWidth || this.el.clientWidth || 400));
  }

  private fit(): void {
    if (this.plot && this.plotBox.clientWidth > 0)
      this.plot.setSize({ width: this.width(), height: this.spec.height ?? 180 });
  }

  private build(names: string[], data: uPlot.AlignedData): void {
    this.plot?.destroy();
    const t = currentTheme();
    const spec = this.spec;
    const time = spec.time !== false;
    const keep =
      (axis: number, fmt: (vals: number[], incr: number) => string[]) =>
      (_u: uPlot, vals: number[], _i: number, _space: number, incr: number): string[] => {
        const out = fmt(vals, incr);
        this.ticks[axis] = out;
        return out;
      };
    // As wide as the widest label (plus the title's line): "1.2K" or "0.035" is never clipped.
    const ySize =
      (axis: number, titled: boolean) =>
      (_u: uPlot, values: string[] | null): number => {
        const widest = Math.max(0, ...(values ?? this.ticks[axis] ?? []).map((v) => textWidth(v, t.font)));
        return Math.ceil(widest + TICK_ROOM + (titled ? TITLE_ROOM : 0));
      };
    const axis = (): uPlot.Axis => ({
      stroke: t.fg,
      font: t.font,
      labelFont: t.font,
      grid: { stroke: t.grid, width: 1 },
      ticks: { stroke: t.grid, width: 1, size: 4 },
    });
    const hasRight = names.some((n) => spec.right?.(n));
    const bars = spec.bars ? uPlot.paths.bars!({ size: [0.8, 40] }) : undefined;
    const xAxis: uPlot.Axis = time
      ? { ...axis(), space: 80, splits: timeSplits, values: keep(0, (vals) => timeLabels(vals)) }
      : {
          ...axis(),
          space: 60,
          values: keep(0, (vals) => vals.map(spec.logX ? fmtUs : (v) => compactNumber(v))),
          ...(spec.logX ? { grid: { show: false } } : {}),
        };
    const opts: uPlot.Options = {
      width: this.width(),
      height: spec.height ?? 180,
      scales: {
        x: time
          ? { time: true, range: spanRange }
          : spec.logX
            ? { time: false, distr: 3 }
            : { time: false, range: spanRange },
        // Counts, rates, sizes and latencies: the y axes start at zero, so bars and levels compare honestly.
        y: { range: fromZero },
        ...(hasRight ? { right: { range: fromZero } } : {}),
      },
      axes: [
        xAxis,
        {
          ...axis(),
          ...(spec.unit ? { label: spec.unit, labelSize: TITLE_ROOM, labelGap: 2 } : {}),
          size: ySize(1, Boolean(spec.unit)),
          values: keep(1, (vals) => vals.map(compactNumber)),
        },
        ...(hasRight
          ? [
              {
                ...axis(),
                side: 1,
                scale: 'right',
                grid: { show: false },
                ...(spec.rightUnit ? { label: spec.rightUnit, labelSize: TITLE_ROOM, labelGap: 2 } : {}),
                size: ySize(2, Boolean(spec.rightUnit)),
                values: keep(2, (vals) => vals.map(compactNumber)),
              } satisfies uPlot.Axis,
            ]
          : []),
      ],
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: time ? 'time' : 'x' },
        ...names.map((n, i) => {
          const color = t.palette[i % t.palette.length]!;
          return {
            label: n,
            stroke: color,
            width: 1.5,
            spanGaps: false,
            ...(spec.right?.(n) ? { scale: 'right' } : {}),
            ...(bars
              ? { paths: bars, fill: withAlpha(color, 0.5), points: { show: false } }
              : { points: { show: sparse, size: 6, fill: color } }),
          } satisfies uPlot.Series;
        }),
      ],
      hooks: { draw: [(u) => this.drawn(u, bars !== undefined)] },
    };
    this.plot = new uPlot(opts, data, this.plotBox);
    this.describeLegend();
  }

  /** After each draw: label lone samples with their value, and write what was drawn on the figure. */
  private drawn(u: uPlot, bars: boolean): void {
    const xs = u.data[0];
    if (!bars) {
      const ctx = u.ctx;
      ctx.save();
      ctx.font = currentTheme().font.replace(
        /^(\d+)px/,
        (_m, px) => `${Math.round(Number(px) * devicePixelRatio)}px`,
      );
      ctx.fillStyle = currentTheme().fg;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      for (let s = 1; s < u.series.length; s++) {
        const ys = u.data[s]!;
        let only = -1;
        let n = 0;
        for (let i = 0; i < ys.length && n < 2; i++)
          if (ys[i] != null) {
            only = i;
            n++;
          }
        if (n !== 1 || !u.series[s]!.show) continue;
        const scale = u.series[s]!.scale ?? 'y';
        const x = u.valToPos(xs[only]!, 'x', true);
        const y = u.valToPos(ys[only] as number, scale, true);
        ctx.fillText(compactNumber(ys[only] as number), x, y - 6 * devicePixelRatio);
      }
      ctx.restore();
    }
    const d = this.el.dataset;
    const sx = u.scales.x!;
    const sy = u.scales.y!;
    d.xMin = String(sx.min);
    d.xMax = String(sx.max);
    d.yMin = String(sy.min);
    d.yMax = String(sy.max);
    d.xTicks = JSON.stringify(this.ticks[0]);
    d.yTicks = JSON.stringify(this.ticks[1]);
    const font = currentTheme().font;
    d.yLabelWidth = String(Math.ceil(Math.max(0, ...this.ticks[1]!.map((v) => textWidth(v, font)))));
    d.yAxisWidth = String(Math.floor((u.axes[1] as { _size?: number })._size ?? 0));
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = null;
    live.delete(this);
  }
}

/**
 * The x range: the samples' own span with 3 % either side, and a second either side of a single sample
 * (uPlot's own default for a zero-width time range is years wide).
 */
export function spanRange(u: uPlot | null, min: number | null, max: number | null): uPlot.Range.MinMax {
  // uPlot widens a single time point to a whole day before asking: use the samples themselves.
  const xs = u?.data?.[0];
  if (xs && xs.length > 0) {
    min = xs[0]!;
    max = xs[xs.length - 1]!;
  }
  if (min === null || max === null) return [0, 1];
  const span = max - min;
  if (span <= 0) return [min - 1, max + 1];
  const pad = span * 0.03;
  return [min - pad, max + pad];
}

/** y from zero to a little above the largest value; [0, 1] when every value is 0 (no 1e-9 wide axis). */
export function fromZero(_u: uPlot | null, min: number | null, max: number | null): uPlot.Range.MinMax {
  const lo = Math.min(0, min ?? 0);
  const hi = max === null || max <= lo ? lo + 1 : max;
  return uPlot.rangeNum(lo, hi, 0.1, true);
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
/** 1.2K, 250K, 3.5M or 0.035: long numbers would overlap the axis title. */
export function compactNumber(v: number | null): string {
  return v == null ? '' : compact.format(v);
}

const pad2 = (n: number) => String(n).padStart(2, '0');
const TIME_STEPS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
  3600, 7200, 10800, 21600, 43200, 86400,
];
/** Label width the x axis needs per tick ("12:00:01.5" plus a gap). */
const TIME_LABEL_PX = 80;

/**
 * Round time ticks (epoch seconds) across [min, max], as many as fit without their labels touching, and
 * never fewer than two: when no round step fits twice, the first and last samples are labelled.
 */
export function timeSplits(u: uPlot, _axis: number, min: number, max: number): number[] {
  const px = Math.max(1, u.bbox.width / (devicePixelRatio || 1));
  const fit = Math.max(2, Math.floor(px / TIME_LABEL_PX));
  const span = max - min;
  const step = TIME_STEPS.find((s) => span / s <= fit) ?? TIME_STEPS.at(-1)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + 1e-9; t += step) ticks.push(+t.toFixed(3));
  if (ticks.length >= 2) return ticks;
  const xs = u.data[0] as number[];
  const a = xs[0];
  const b = xs[xs.length - 1];
  return a !== undefined && b !== undefined && b > a ? [a, b] : ticks;
}

/**
 * Time-of-day tick labels with as many decimals of a second as the tick spacing needs
 * ("12:00:01.5", "12:00:02"), minutes only for long runs.
 */
export function timeLabels(vals: number[], step?: number): string[] {
  let incr = step ?? Infinity;
  for (let i = 1; i < vals.length; i++) incr = Math.min(incr, vals[i]! - vals[i - 1]!);
  if (!Number.isFinite(incr)) incr = 1;
  const round = vals.every((v) => v == null || Math.abs(v * 10 - Math.round(v * 10)) < 1e-6);
  let decimals = incr >= 1 ? 0 : incr >= 0.1 ? 1 : incr >= 0.01 ? 2 : 3;
  // Ticks that are not on round seconds (the first and last samples): say where they are.
  if (decimals === 0 && !vals.every((v) => v == null || Math.abs(v - Math.round(v)) < 1e-6))
    decimals = round ? 1 : 2;
  const scale = 10 ** decimals;
  return vals.map((v) => {
    if (v == null) return '';
    const d = new Date(Math.round(v * scale) * (1000 / scale));
    const hm = `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
    if (incr >= 60 && decimals === 0) return hm;
    const s = d.getSeconds() + d.getMilliseconds() / 1000;
    const ss = decimals ? s.toFixed(decimals).padStart(3 + decimals, '0') : pad2(s);
    return `${hm}:${ss}`;
  });
}

/** Mark the points when there are few of them: a single sample (or one between gaps) has no line to draw. */
const sparse = (u: uPlot, _s: number, i0: number, i1: number): boolean =>
  i1 - i0 < 40 || u.data[0].length < 40;

function fmtUs(v: number): string {
  if (v == null) return '';
  if (v < 1000) return `${Math.round(v)}µs`;
  if (v < 1e6) return `${+(v / 1000).toPrecision(3)}ms`;
  return `${+(v / 1e6).toPrecision(3)}s`;
}
