// The kernel's cases: the loops of bench/c as notebook cells (bench/notebooks), run by a real kernel
// process through KernelClient (bench/kernel.bench.ts, one kernel per run), with the event stream on and
// off; and the kernel's start-up figures. Bindings: `.rdkafka/bindings` (or $RDKAFKA_WORKBENCH_BINDINGS),
// generated with the CLI if missing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { consumed, produced, type Context, type Impl, type Measure } from './cases.ts';
import {
  KERNEL_BATCH_ON,
  KERNEL_COLD,
  KERNEL_CONSUME,
  KERNEL_CONSUME_BATCH,
  KERNEL_CONSUME_BULK,
  KERNEL_DR_OFF,
  KERNEL_DR_ON,
  KERNEL_FAST_OFF,
  KERNEL_FAST_ON,
  KERNEL_ROUNDTRIP,
} from './cases.ts';
import { run, runJson } from './proc.ts';

export interface KernelImpls {
  produce: Impl[];
  consume: Impl[];
  overheads: Impl[];
}

/** Why the kernel cases cannot run, or null once the bindings exist. */
async function prepare(ctx: Context, bindings: string, log: (s: string) => void): Promise<string | null> {
  if (
    !existsSync(join(ctx.root, 'dist/bench/kernel.bench.mjs')) ||
    !existsSync(join(ctx.root, 'dist/kernel.mjs'))
  )
    return 'the kernel is not built (dist/kernel.mjs, dist/bench/kernel.bench.mjs): run node scripts/build.mjs';
  if (existsSync(join(bindings, 'bindings.js'))) return null;
  log(`generating bindings into ${bindings} (rdkafka-workbench gen)`);
  const r = await run(process.execPath, [join(ctx.root, 'dist/cli.mjs'), 'gen', '--out', bindings], {
    timeoutMs: 120_000,
    cwd: ctx.root,
  });
  if (r.code === 0 && existsSync(join(bindings, 'bindings.js'))) return null;
  return `no bindings: rdkafka-workbench gen --out ${bindings} failed (${(r.stderr.trim() || r.stdout.trim()).split('\n').slice(-1)[0] || `exit ${r.code}`})`;
}

export async function kernelImpls(ctx: Context, log: (s: string) => void): Promise<KernelImpls> {
  const bindings =
    ctx.bindingsDir ?? process.env.RDKAFKA_WORKBENCH_BINDINGS ?? join(ctx.root, '.rdkafka', 'bindings');
  const missing = await prepare(ctx, bindings, log);
  if (missing) log(`kernel cases skipped: ${missing}`);
  const script = join(ctx.root, 'dist/bench/kernel.bench.mjs');
  // -X properties reach every conf the cells create, as the extension's cluster configuration does.
  const config = Object.fromEntries(ctx.props.map((p) => p.split(/=(.*)/s).slice(0, 2) as [string, string]));
  const common = [
    '--bindings',
    bindings,
    '--bootstrap',
    ctx.bootstrap,
    '--library',
    ctx.library,
    ...(ctx.props.length ? ['--config', JSON.stringify(config)] : []),
  ];

  const notebookImpl = (
    impl: string,
    notebook: string,
    events: boolean,
    params: (ctx: Context) => Record<string, unknown>,
    check: (what: string, j: Record<string, unknown>) => Measure,
  ): Impl => ({
    impl,
    available: () => missing,
    run: async (c) => {
      const j = await runJson(
        process.execPath,
        [
          script,
          join(c.root, 'bench/notebooks', notebook),
          ...common,
          '--events',
          events ? 'on' : 'off',
          '--params',
          JSON.stringify(params(c)),
        ],
        {
          timeoutMs: 180_000,
        },
      );
      return check(impl, j);
    },
  });
  const produceParams = (c: Context) => ({ topic: c.produceTopic, count: c.count, size: c.size });
  const consumeParams = (c: Context) => ({
    topic: c.consumeTopic,
    count: c.count,
    partitions: c.consumePartitions,
  });

  // One `overheads` run measures both start-up figures; both rows read it.
  let overheads: Promise<Record<string, number[]>> | null = null;
  const measureOverheads = (c: Context) =>
    (overheads ??= runJson(
      process.execPath,
      [script, 'overheads', ...common, '--runs', c.quick ? '3' : '5'],
      { timeoutMs: 180_000 },
    ) as Promise<Record<string, number[]>>);

  return {
    produce: [
      notebookImpl(KERNEL_DR_ON, 'produce-dr.rdkafka', true, produceParams, produced),
      notebookImpl(KERNEL_DR_OFF, 'produce-dr.rdkafka', false, produceParams, produced),
      notebookImpl(KERNEL_FAST_ON, 'produce-events.rdkafka', true, produceParams, produced),
      notebookImpl(KERNEL_FAST_OFF, 'produce-events.rdkafka', false, produceParams, produced),
      notebookImpl(KERNEL_BATCH_ON, 'produce-batch.rdkafka', true, produceParams, produced),
    ],
    consume: [
      notebookImpl(KERNEL_CONSUME, 'consume.rdkafka', true, consumeParams, consumed),
      notebookImpl(KERNEL_CONSUME_BATCH, 'consume-batch.rdkafka', true, consumeParams, consumed),
      notebookImpl(KERNEL_CONSUME_BULK, 'consume-bulk.rdkafka', true, consumeParams, consumed),
    ],
    overheads: [
      {
        impl: KERNEL_COLD,
        once: true,
        available: () => missing,
        run: async (c) => (await measureOverheads(c)).cold!,
      },
      {
        impl: KERNEL_ROUNDTRIP,
        once: true,
        available: () => missing,
        run: async (c) => (await measureOverheads(c)).roundTrip!,
      },
    ],
  };
}
