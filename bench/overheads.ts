// Start-up and overheads: the kernel's own figures (from kernel.ts) and the benches other rooms own
// (bench/gen.bench.ts, bench/panel.bench.ts), run once when their bundles exist and read from their output.
import {
  GENERATION,
  GENERATION_WARM,
  PANEL_FRAME,
  PANEL_INGEST,
  otherBench,
  type Context,
  type Group,
  type Impl,
} from './cases.ts';
import { run } from './proc.ts';
import { parseBenchOutput, parseGenLine, parsePanelOutput } from './parse.ts';

async function runOther(ctx: Context, file: string): Promise<string> {
  // BENCH_RUNS: how many runs gen.bench makes (fewer with --quick).
  const env = { ...process.env, BENCH_RUNS: process.env.BENCH_RUNS ?? (ctx.quick ? '3' : '7') };
  const r = await run(process.execPath, [otherBench(ctx, file)!], { timeoutMs: 300_000, cwd: ctx.root, env });
  const text = `${r.stdout}\n${r.stderr}`;
  // Those benches exit non-zero when they miss their own target; the figures still count.
  if (r.code !== 0 && r.code !== 1)
    throw new Error(`${file} exited ${r.code}: ${text.trim().split('\n').slice(-2).join(' / ')}`);
  return text;
}

const available = (file: string) => (ctx: Context) =>
  otherBench(ctx, file) ? null : `dist/bench/${file} is not built (its room has not delivered it yet)`;

/** bench/gen.bench.ts prints a cold (CLI process) and a warm (in-process) median; both rows read one run. */
function generation(): Impl[] {
  let once: Promise<{ cold: number[]; warm: number[] | null }> | null = null;
  const measure = (ctx: Context) =>
    (once ??= runOther(ctx, 'gen.bench.mjs').then((text) => {
      const cold = parseGenLine(text, 'cold') ?? parseBenchOutput(text, 'ms');
      if (!cold)
        throw new Error(
          `gen.bench.mjs printed no figure in ms: ${text.trim().split('\n').slice(-2).join(' / ')}`,
        );
      return { cold, warm: parseGenLine(text, 'warm') };
    }));
  return [
    {
      impl: GENERATION,
      note: () => 'cold: node dist/cli.mjs gen, a fresh process',
      once: true,
      available: available('gen.bench.mjs'),
      run: async (ctx) => (await measure(ctx)).cold,
    },
    {
      impl: GENERATION_WARM,
      note: () => 'generate() again in one process, as the extension regenerates',
      once: true,
      available: available('gen.bench.mjs'),
      run: async (ctx) => {
        const warm = (await measure(ctx)).warm;
        if (!warm) throw new Error('gen.bench.mjs printed no warm figure');
        return warm;
      },
    },
  ];
}

/** The panel bench takes ~35 s; both of its rows read one run. */
function panel(): Impl[] {
  let once: Promise<{ rates: number[]; maxFrames: number[] }> | null = null;
  const measure = (ctx: Context) =>
    (once ??= runOther(ctx, 'panel.bench.mjs').then((text) => {
      const p = parsePanelOutput(text);
      if (!p)
        throw new Error(
          `panel.bench.mjs printed no per-view figures: ${text.trim().split('\n').slice(-2).join(' / ')}`,
        );
      return p;
    }));
  return [
    {
      impl: PANEL_INGEST,
      unit: 'events/s',
      note: () => 'the rate its driver offered for 10 s, one run per view',
      once: true,
      available: available('panel.bench.mjs'),
      run: async (ctx) => (await measure(ctx)).rates,
    },
    {
      impl: PANEL_FRAME,
      note: () => 'longest frame per view while ingesting',
      once: true,
      available: available('panel.bench.mjs'),
      run: async (ctx) => (await measure(ctx)).maxFrames,
    },
  ];
}

export function overheadsGroup(kernel: Impl[]): Group {
  return {
    name: 'start-up and overheads',
    about: () =>
      'kernel cold start = KernelClient.start() to ready (spawn, load library and bindings); round trip = execute("1 + 1") to done, median of 21; ' +
      'generation = bench/gen.bench.ts; panel = bench/panel.bench.ts (about 100,000 events/s for 10 s per view in Chromium)',
    unit: 'ms',
    impls: [...kernel, ...generation(), ...panel()],
  };
}
