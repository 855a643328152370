// Start-up and overheads: the kernel's own figures (from kernel.ts) and the benches other rooms own
// (bench/gen.bench.ts, bench/panel.bench.ts), run when their bundles exist and read from their output.
import { GENERATION, PANEL_INGEST, otherBench, type Group, type Impl } from './cases.ts';
import { run } from './proc.ts';
import { parseBenchOutput } from './parse.ts';

function foreign(impl: string, file: string, unit: string, args: string[] = []): Impl {
  return {
    impl,
    unit,
    once: true,
    available: (ctx) => (otherBench(ctx, file) ? null : `dist/bench/${file} is not built (its room has not delivered it yet)`),
    run: async (ctx) => {
      const r = await run(process.execPath, [otherBench(ctx, file)!, ...args], { timeoutMs: 300_000, cwd: ctx.root });
      if (r.code !== 0) throw new Error(`${file} exited ${r.code}: ${(r.stderr.trim() || r.stdout.trim()).split('\n').slice(-2).join(' / ')}`);
      const parsed = parseBenchOutput(r.stdout + '\n' + r.stderr, unit);
      if (!parsed) throw new Error(`${file} printed no ${unit} figure this orchestrator can read: ${r.stdout.trim().split('\n').slice(-2).join(' / ')}`);
      return parsed;
    },
  };
}

export function overheadsGroup(kernel: Impl[]): Group {
  return {
    name: 'start-up and overheads',
    unit: 'ms',
    impls: [...kernel, foreign(GENERATION, 'gen.bench.mjs', 'ms'), foreign(PANEL_INGEST, 'panel.bench.mjs', 'events/s')],
  };
}
