// `npm run bench`: every case several times, implementations alternating within each round, against a
// 3-broker mock cluster in its own process (or --bootstrap HOST:PORT); prints a markdown table and writes
// bench/results.json. Options: --quick (fewer messages and runs), --runs N, --count N, --only REGEX,
// --bootstrap HOST:PORT, -X NAME=VALUE (client property for a real cluster, repeatable).
import { execFileSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { existsSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consumeGroup, produceGroup, targets, type Context, type Group } from './cases.ts';
import { overheadsGroup } from './overheads.ts';
import { kernelImpls } from './kernel.ts';
import { libAddCleanup, libAddGroups, libAddTargets } from './lib-add.ts';
import { realCluster, startMock, type Cluster } from './cluster.ts';
import { run } from './proc.ts';
import { evaluate, markdownTable, withRatios, type CaseResult } from './stats.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface Options {
  quick: boolean;
  runs: number;
  count: number;
  only: RegExp | null;
  bootstrap: string | null;
  props: string[];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { quick: false, runs: 0, count: 0, only: null, bootstrap: null, props: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--runs') o.runs = Number(value());
    else if (a === '--count') o.count = Number(value());
    else if (a === '--only') o.only = new RegExp(value(), 'i');
    else if (a === '--bootstrap') o.bootstrap = value();
    else if (a === '-X') o.props.push(value());
    else
      throw new Error(
        `unknown option '${a}' (options: --quick, --runs N, --count N, --only REGEX, --bootstrap HOST:PORT, -X NAME=VALUE)`,
      );
  }
  if (!o.runs) o.runs = o.quick ? 2 : 5;
  if (!o.count) o.count = o.quick ? 200_000 : 1_000_000;
  if (o.props.some((p) => !p.includes('='))) throw new Error('-X takes NAME=VALUE');
  return o;
}

/** Compiles the C reference programs with the system compiler against the system librdkafka (newer sources only). */
function compileC(): void {
  const out = join(root, 'bench/c/build');
  mkdirSync(out, { recursive: true });
  for (const prog of ['mock_cluster', 'produce', 'consume', 'topics']) {
    const src = join(root, 'bench/c', `${prog}.c`);
    const bin = join(out, prog);
    if (
      existsSync(bin) &&
      statSync(bin).mtimeMs >
        Math.max(statSync(src).mtimeMs, statSync(join(root, 'bench/c/common.h')).mtimeMs)
    )
      continue;
    try {
      execFileSync('cc', ['-O2', '-Wall', '-o', bin, src, '-lrdkafka'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (e) {
      const msg = (e as { stderr?: Buffer }).stderr?.toString().trim() ?? String(e);
      throw new Error(
        `could not compile bench/c/${prog}.c (needs cc and librdkafka-dev: apt-get install build-essential librdkafka-dev): ${msg.split('\n').slice(0, 3).join(' ')}`,
        { cause: e },
      );
    }
  }
}

/** The librdkafka.so that `cc -lrdkafka` links, so FFI cases load the very same file. */
function systemLibrary(): string {
  const p = execFileSync('cc', ['-print-file-name=librdkafka.so'], { encoding: 'utf8' }).trim();
  if (!p.includes('/'))
    throw new Error('the C compiler does not find librdkafka.so (apt-get install librdkafka-dev)');
  return realpathSync(p);
}

async function confluentPython(): Promise<string | { skip: string }> {
  const r = await run('bash', [join(root, 'bench/py/setup.sh')], { timeoutMs: 300_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code === 0 && existsSync(last)) return last;
  return {
    skip: `could not install confluent-kafka from PyPI: ${r.stderr.trim().split('\n').slice(-1)[0] ?? 'unknown error'}`,
  };
}

async function runGroup(
  group: Group,
  ctx: Context,
  opts: Options,
  log: (s: string) => void,
): Promise<CaseResult[]> {
  const impls = group.impls.filter((i) => !opts.only || opts.only.test(`${group.name} ${i.impl}`));
  if (impls.length === 0) return [];
  const results = new Map<string, CaseResult>();
  const live: typeof impls = [];
  for (const impl of impls) {
    const skip = impl.available ? await impl.available(ctx) : null;
    const note = impl.note?.(ctx);
    results.set(impl.impl, {
      name: group.name,
      impl: impl.impl,
      runs: [],
      median: null,
      unit: impl.unit ?? group.unit,
      ratio_vs_c: null,
      ...(note ? { note } : {}),
      ...(skip ? { skipped: skip } : {}),
    });
    if (!skip) live.push(impl);
  }
  if (live.length && group.before) await group.before(ctx);
  for (let round = 1; round <= opts.runs; round++) {
    // Each round starts one implementation later, so that none always runs first (or right after the same one).
    const order = live.map((_, i) => live[(i + round - 1) % live.length]!);
    for (const impl of order) {
      const r = results.get(impl.impl)!;
      const hopeless = (r.failures?.length ?? 0) >= 2 && r.runs.length === 0; // don't spend minutes on a broken case
      if (r.skipped || (impl.once && round > 1) || hopeless) continue;
      try {
        const v = await impl.run(ctx);
        if (Array.isArray(v)) r.runs.push(...v);
        else if (typeof v === 'number') r.runs.push(v);
        else {
          r.runs.push(v.value);
          if (v.cpuUsPerMsg !== undefined) (r.cpu_us_per_msg ??= []).push(v.cpuUsPerMsg);
        }
        const shown = Array.isArray(v)
          ? v.map((x) => x.toFixed(1)).join(', ')
          : typeof v === 'number'
            ? Math.round(v)
            : `${Math.round(v.value)}`;
        const cpu =
          typeof v === 'object' && !Array.isArray(v) && v.cpuUsPerMsg !== undefined
            ? `, ${v.cpuUsPerMsg.toFixed(3)} CPU µs/msg`
            : '';
        log(`  ${group.name} | ${impl.impl} | round ${round}: ${shown} ${r.unit}${cpu}`);
      } catch (e) {
        // A failed round is reported, not hidden; the case keeps the rounds that worked.
        (r.failures ??= []).push(`round ${round}: ${(e as Error).message}`);
        log(`  ${group.name} | ${impl.impl} | round ${round}: FAILED ${(e as Error).message}`);
      }
    }
  }
  for (const r of results.values())
    if (r.failures?.length && r.runs.length === 0)
      r.skipped = `failed: ${r.failures[0]!.replace(/^round \d+: /, '')}`;
  return [...results.values()];
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const log = (s: string) => process.stderr.write(s + '\n');
  const started = Date.now();
  const loadBefore = loadavg()[0]!;
  compileC();
  const library = systemLibrary();
  const stamp = Date.now().toString(36);
  let cluster: Cluster;
  if (opts.bootstrap) cluster = realCluster(opts.bootstrap, join(root, 'bench/c/build/topics'), opts.props);
  else cluster = await startMock(join(root, 'bench/c/build/mock_cluster'), 3);
  log(
    `cluster: ${cluster.kind} ${cluster.bootstrap}; library ${library}; ${opts.count.toLocaleString('en-US')} messages, ${opts.runs} runs`,
  );
  try {
    const ctx: Context = {
      root,
      bootstrap: cluster.bootstrap,
      clusterKind: cluster.kind,
      library,
      props: opts.props,
      count: opts.count,
      size: 100,
      produceTopic: `bench-produce-${stamp}`,
      consumeTopic: `bench-consume-${stamp}`,
      // The mock keeps 5 MiB per partition: 1M x 100 B needs 32 partitions to be kept whole (16 kept 70%).
      consumePartitions: 32,
      quick: opts.quick,
      confluentPython: await confluentPython(),
    };
    await cluster.createTopic(ctx.produceTopic, 1);
    await cluster.createTopic(ctx.consumeTopic, ctx.consumePartitions);

    const kernel = await kernelImpls(ctx, log);
    const groups: Group[] = [
      {
        ...produceGroup,
        impls: [...produceGroup.impls.slice(0, 2), ...kernel.produce, ...produceGroup.impls.slice(2)],
      },
      { ...consumeGroup, impls: [...consumeGroup.impls, ...kernel.consume] },
      overheadsGroup(kernel.overheads),
      ...libAddGroups(),
    ];
    const raw: CaseResult[] = [];
    for (const g of groups) raw.push(...(await runGroup(g, ctx, opts, log)));

    const references = Object.fromEntries(
      groups.filter((g) => g.reference).map((g) => [g.name, g.reference!]),
    );
    const cases = withRatios(raw, references);
    const judged = evaluate(cases, [...targets, ...libAddTargets], references);
    const table = markdownTable(cases, judged);
    console.log(`\n${table}\n`);
    for (const g of groups) if (g.about) console.log(`- ${g.name}: ${g.about(ctx)}.`);
    console.log(
      `${cluster.kind === 'mock' ? '3-broker librdkafka mock cluster in its own process' : `cluster ${cluster.bootstrap}`}; librdkafka ${library}; ` +
        `${opts.count.toLocaleString('en-US')} messages of ${ctx.size} B; median of ${opts.runs} alternating runs; ${((Date.now() - started) / 1000).toFixed(0)} s in all.`,
    );
    const loadAfter = loadavg()[0]!;
    const cores = availableParallelism();
    const busy = Math.max(loadBefore, loadAfter) > cores / 2;
    console.log(
      `Load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${cores} cores${busy ? ': other work shared the CPUs, so throughput varied between runs; CPU µs/msg is the steadier figure' : ''}.`,
    );
    const missed = judged.filter((t) => t.met === false);
    if (missed.length) console.log(`Targets missed: ${missed.map((t) => `${t.impl} ${t.text}`).join('; ')}.`);
    writeFileSync(
      join(root, 'bench/results.json'),
      JSON.stringify(
        {
          date: new Date().toISOString(),
          loadavg: { before: loadBefore, after: loadAfter, cores },
          cluster: cluster.kind,
          bootstrap: cluster.bootstrap,
          library,
          count: opts.count,
          runs: opts.runs,
          cases,
          targets: judged,
        },
        null,
        2,
      ) + '\n',
    );
    log('wrote bench/results.json');
    return 0;
  } finally {
    libAddCleanup();
    await cluster.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`bench: ${e.message}`);
    process.exit(1);
  },
);
