// Thin wrapper over uPlot: theme colours from VS Code's CSS variables, a fixed series palette, resizing with
// the container, and rebuilding only when the set of series changes (otherwise setData, which is cheap).
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
  height?: number;
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

export class Chart {
  readonly el: HTMLElement;
  private readonly plotBox: HTMLElement;
  private readonly empty: HTMLElement;
  private plot: uPlot | null = null;
  private names = '';
  private lastData: uPlot.AlignedData | null = null;
  private readonly resize = new ResizeObserver(() => this.fit());

  constructor(private readonly spec: ChartSpec) {
    this.plotBox = h('div', { class: 'chart-plot' });
    this.empty = h('div', { class: 'chart-empty' }, 'no data yet');
    this.el = h(
      'figure',
      { class: 'chart', 'data-chart': spec.title },
      h('figcaption', {}, spec.title),
      this.plotBox,
      this.empty,
    );
    this.resize.observe(this.plotBox);
    live.add(this);
  }

  /** Show `xs` against named series (null = gap). */
  update(xs: number[], series: [string, (number | null)[]][]): void {
    const hasData = xs.length > 0 && series.some(([, ys]) => ys.some((v) => v !== null));
    this.empty.hidden = hasData;
    this.plotBox.hidden = !hasData;
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
    const axis = (side?: number): uPlot.Axis => ({
      stroke: t.fg,
      font: t.font,
      grid: { stroke: t.grid, width: 1 },
      ticks: { stroke: t.grid, width: 1 },
      ...(side !== undefined ? { side, scale: 'right', grid: { show: false } } : {}),
    });
    const hasRight = names.some((n) => spec.right?.(n));
    const bars = spec.bars ? uPlot.paths.bars!({ size: [0.8, 40] }) : undefined;
    const opts: uPlot.Options = {
      width: this.width(),
      height: spec.height ?? 180,
      scales: {
        x: spec.time === false ? (spec.logX ? { time: false, distr: 3 } : { time: false }) : { time: true },
        // Counts, rates, sizes and latencies: the y axes start at zero, so bars and levels compare honestly.
        y: { range: fromZero },
        ...(hasRight ? { right: { range: fromZero } } : {}),
      },
      axes: [
        {
          ...axis(),
          ...(spec.time === false && spec.logX
            ? { values: (_u: uPlot, vals: number[]) => vals.map(fmtUs), grid: { show: false } }
            : {}),
        },
        { ...axis(), label: spec.unit, labelFont: t.font, labelSize: 14, size: 44, values: compactValues },
        ...(hasRight ? [{ ...axis(1), size: 44, values: compactValues }] : []),
      ],
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: spec.time === false ? 'x' : 'time' },
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
              : { points: { show: sparse, size: 5, fill: color } }),
          } satisfies uPlot.Series;
        }),
      ],
    };
    this.plot = new uPlot(opts, data, this.plotBox);
  }

  destroy(): void {
    this.resize.disconnect();
    this.plot?.destroy();
    this.plot = null;
    live.delete(this);
  }
}

const fromZero = (_u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax =>
  uPlot.rangeNum(Math.min(0, min ?? 0), Math.max(max ?? 1, 1e-9), 0.1, true);

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumSignificantDigits: 3 });
/** y-axis ticks as 1.2K, 250K, 3.5M or 0.035: long numbers would overlap the axis label. */
const compactValues = (_u: uPlot, vals: number[]): string[] =>
  vals.map((v) => (v == null ? '' : compact.format(v)));

/** Mark the points when there are few of them: a single sample (or one between gaps) has no line to draw. */
const sparse = (u: uPlot, _s: number, i0: number, i1: number): boolean =>
  i1 - i0 < 40 || u.data[0].length < 40;

function fmtUs(v: number): string {
  if (v == null) return '';
  if (v < 1000) return `${Math.round(v)}µs`;
  if (v < 1e6) return `${+(v / 1000).toPrecision(3)}ms`;
  return `${+(v / 1e6).toPrecision(3)}s`;
}
