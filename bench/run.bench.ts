// `npm run bench`: every case several times, implementations alternating within each round, against a
// 3-broker mock cluster in its own process (or --bootstrap HOST:PORT); prints a markdown table and writes
// bench/results.json. Options: --quick (fewer messages and runs), --runs N, --count N, --only REGEX,
// --bootstrap HOST:PORT, -X NAME=VALUE (client property for a real cluster, repeatable), --librdkafka VERSION
// (the C reference, koffi, cffi and the kernel against a version built into the cache).
// Peers are installed into the cache on first use; one that ran on this machine before and is missing now
// makes the bench exit non-zero (record.ts).
import { availableParallelism, loadavg } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { consumeGroup, produceGroup, targets, type Context, type Group, type PeerKind } from './cases.ts';
import { resolveLibrary } from '../versions/index.ts';
import { compileC, systemLibrary } from './compile.ts';
import { missingPeers, outcome, parseRecord, updateRecord, type PeerOutcome } from './record.ts';
import { cacheDir } from '../extension/kernel/bulk.ts';
import { overheadsGroup } from './overheads.ts';
import { kernelImpls } from './kernel.ts';
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
  librdkafka: string | null;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    quick: false,
    runs: 0,
    count: 0,
    only: null,
    bootstrap: null,
    props: [],
    librdkafka: null,
  };
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
    else if (a === '--librdkafka') o.librdkafka = value();
    else
      throw new Error(
        `unknown option '${a}' (options: --quick, --runs N, --count N, --only REGEX, --bootstrap HOST:PORT, -X NAME=VALUE, --librdkafka VERSION)`,
      );
  }
  if (!o.runs) o.runs = o.quick ? 2 : 5;
  if (!o.count) o.count = o.quick ? 200_000 : 1_000_000;
  if (o.props.some((p) => !p.includes('='))) throw new Error('-X takes NAME=VALUE');
  return o;
}

/** Installs peers into the cache on first use, once per run (a failed install is the row's skip reason). */
function installer(log: (s: string) => void): (peer: PeerKind) => Promise<string | { skip: string }> {
  const done = new Map<PeerKind, Promise<string | { skip: string }>>();
  const setup = (peer: PeerKind): [string, number] =>
    peer === 'node-rdkafka'
      ? [join(root, 'bench/node-rdkafka/setup.sh'), 900_000]
      : [join(root, 'bench/py/setup.sh'), 600_000];
  return (peer) => {
    let p = done.get(peer);
    if (!p) {
      const [script, timeoutMs] = setup(peer);
      log(`peer ${peer}: ${script}`);
      p = run('bash', [script, ...(peer === 'node-rdkafka' ? [] : [peer])], { timeoutMs }).then((r) => {
        const last = r.stdout.trim().split('\n').pop() ?? '';
        if (r.code === 0 && existsSync(last)) return last;
        const why = r.stderr
          .trim()
          .split('\n')
          .filter((l) => !l.includes('==>'))
          .slice(-1)[0];
        return {
          skip: `could not install ${peer} (${script.slice(root.length + 1)}): ${why || `exit ${r.code}`}`,
        };
      });
      done.set(peer, p);
    }
    return p;
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
    const skip = impl.inapplicable?.(ctx) ?? (impl.available ? await impl.available(ctx) : null);
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
  // The mock cluster and the Admin API helper always use the system library; the reference programs use
  // the version under test.
  compileC(['mock_cluster', 'produce', 'consume', 'topics'], null);
  // The library manager's resolver (versions/): an installed version, its bindings current.
  const resolved = opts.librdkafka
    ? await resolveLibrary(opts.librdkafka, { cwd: root, onProgress: log })
    : null;
  const version = resolved && !resolved.system ? resolved : null;
  const cBuild = version ? compileC(['produce', 'consume'], version) : join(root, 'bench/c/build');
  const library = version ? version.library : systemLibrary();
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
      cBuild,
      ...(version ? { bindingsDir: version.bindingsDir, version: version.version } : {}),
      props: opts.props,
      count: opts.count,
      size: 100,
      produceTopic: `bench-produce-${stamp}`,
      consumeTopic: `bench-consume-${stamp}`,
      // The mock keeps 5 MiB per partition: 1M x 100 B needs 32 partitions to be kept whole (16 kept 70%).
      consumePartitions: 32,
      quick: opts.quick,
      install: installer(log),
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
    ];
    const raw: CaseResult[] = [];
    for (const g of groups) raw.push(...(await runGroup(g, ctx, opts, log)));

    // Peers that ran on this machine before must run now (per cluster kind: a real cluster's run is
    // another setting). Only peers this run tried count: --only and inapplicable options are not failures.
    const recordFile = join(cacheDir(), 'bench', 'peers.json');
    const peers: PeerOutcome[] = groups.flatMap((g) =>
      g.impls
        .filter((i) => i.peer && (!opts.only || opts.only.test(`${g.name} ${i.impl}`)))
        .map((i) =>
          outcome(
            raw.find((r) => r.name === g.name && r.impl === i.impl),
            `${g.name}: ${i.impl}`,
            i.inapplicable?.(ctx) ?? null,
          ),
        ),
    );
    const record = parseRecord(existsSync(recordFile) ? readFileSync(recordFile, 'utf8') : null);
    const missing = missingPeers(record, cluster.kind, peers);
    mkdirSync(dirname(recordFile), { recursive: true });
    writeFileSync(
      recordFile,
      JSON.stringify(updateRecord(record, cluster.kind, peers, new Date().toISOString()), null, 2) + '\n',
    );

    const references = Object.fromEntries(
      groups.filter((g) => g.reference).map((g) => [g.name, g.reference!]),
    );
    const cases = withRatios(raw, references);
    const judged = evaluate(cases, targets, references);
    const table = markdownTable(cases, judged);
    console.log(`\n${table}\n`);
    for (const g of groups) if (g.about) console.log(`- ${g.name}: ${g.about(ctx)}.`);
    console.log(
      `${cluster.kind === 'mock' ? '3-broker librdkafka mock cluster in its own process' : `cluster ${cluster.bootstrap}`}; librdkafka ${version ? `${version.label} (${library})` : library}; ` +
        `${opts.count.toLocaleString('en-US')} messages of ${ctx.size} B; median of ${opts.runs} alternating runs; ${((Date.now() - started) / 1000).toFixed(0)} s in all.`,
    );
    console.log(
      `Peers: ${peers.map((p) => `${p.impl.replace(/^\w+: /, '')} ${p.ran ? 'ran' : `did not run (${p.why ?? 'not selected'})`}`).join('; ')}.`,
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
          ...(version ? { librdkafka: version.version } : {}),
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
    if (missing.length) {
      console.log(
        `\nMissing peers (they ran on this machine before, record ${recordFile}): ${missing
          .map((m) => `${m.impl} (last ran ${m.lastRan}) did not run: ${m.why}`)
          .join(
            '; ',
          )}. Fix the install (the reason is in the table), or delete its entry from the record if it is gone for good.`,
      );
      return 1;
    }
    return 0;
  } finally {
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
