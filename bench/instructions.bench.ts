// Instructions per message, by object, counted with valgrind's callgrind: repeatable on a machine whose CPU
// time per message swings with the other work it runs (and where perf has no hardware counters). Each case
// runs at two message counts; the difference divided by the extra messages is the per-message cost, free
// of start-up. The process's main thread (where the JS, koffi and the caller's librdkafka calls run) is
// shown by object; librdkafka's own threads as one figure.
//   instructions.bench.mjs CASE... [--counts 50000,150000] [--bindings DIR] [--kernel-script PATH] [--top N]
// CASE: c-dr, c-batch, c-consume, koffi-dr, koffi-events, koffi-batch, koffi-consume, or a notebook of
// bench/notebooks (produce-dr, produce-events, produce-batch, consume, consume-batch, consume-bulk) run
// by the kernel (events on; `NAME:off` for events off).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { categories, perMessage, selfCost, sum, type SelfCost } from './callgrind.ts';
import { takeOption } from './args.ts';
import { startMock } from './cluster.ts';
import { compileC, systemLibrary } from './compile.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => takeOption(args, name, fallback);
const [small, big] = opt('--counts', '50000,150000').split(',').map(Number) as [number, number];
const bindings = opt('--bindings', join(root, '.rdkafka/bindings'));
const kernelScript = opt('--kernel-script', '');
const top = Number(opt('--top', '12'));
const cases = args;
if (!cases.length) {
  console.error(
    'usage: instructions.bench.mjs CASE... [--counts A,B] [--bindings DIR] [--kernel-script PATH]',
  );
  process.exit(2);
}

const build = compileC(['mock_cluster', 'produce', 'consume'], null);
const library = systemLibrary();
const work = mkdtempSync(join(tmpdir(), 'wb-callgrind-'));
const valgrind = ['--tool=callgrind', '--separate-threads=yes', '--dump-instr=no', '--dump-line=no'];

/** The command line of one run of `name` with `count` messages whose callgrind files go to `out`. */
function command(name: string, count: number, bootstrap: string, topic: string, out: string): string[] {
  const vg = ['valgrind', ...valgrind, `--callgrind-out-file=${out}/cg.%p`];
  const node = process.execPath;
  const [base, events] = name.split(':');
  switch (base) {
    case 'c-dr':
    case 'c-batch':
      return [...vg, join(build, 'produce'), bootstrap, topic, String(count), '100', base.slice(2), '1'];
    case 'c-consume':
      return [...vg, join(build, 'consume'), bootstrap, topic, '32', String(count)];
    case 'koffi-dr':
    case 'koffi-events':
    case 'koffi-batch':
      return [
        ...vg,
        node,
        join(root, 'dist/bench/koffi.bench.mjs'),
        `produce-${base.slice(6)}`,
        library,
        bootstrap,
        topic,
        String(count),
        '100',
      ];
    case 'koffi-consume':
      return [
        ...vg,
        node,
        join(root, 'dist/bench/koffi.bench.mjs'),
        'consume',
        library,
        bootstrap,
        topic,
        String(count),
        '32',
      ];
    default: {
      // A kernel notebook: only the kernel process runs under valgrind (a wrapper given as its Node).
      const wrapper = join(out, 'node-under-valgrind.sh');
      writeFileSync(wrapper, `#!/bin/sh\nexec ${vg.join(' ')} ${node} "$@"\n`);
      chmodSync(wrapper, 0o755);
      const params = base!.startsWith('consume')
        ? { topic, count, partitions: 32 }
        : { topic, count, size: 100 };
      return [
        node,
        join(root, 'dist/bench/kernel.bench.mjs'),
        join(root, 'bench/notebooks', `${base}.rdkafka`),
        '--bindings',
        bindings,
        '--bootstrap',
        bootstrap,
        '--library',
        library,
        '--events',
        events === 'off' ? 'off' : 'on',
        '--params',
        JSON.stringify(params),
        '--exec',
        wrapper,
        '--start-timeout',
        '120000',
        ...(kernelScript ? ['--kernel-script', kernelScript] : []),
      ];
    }
  }
}

/** Runs one measurement; returns the main thread's cost and the other threads' together. */
function measure(
  name: string,
  count: number,
  bootstrap: string,
  topic: string,
): { main: SelfCost; others: SelfCost } {
  const out = mkdtempSync(join(work, 'run-'));
  const [cmd, ...rest] = command(name, count, bootstrap, topic, out);
  const r = spawnSync(cmd!, rest, { encoding: 'utf8', timeout: 900_000 });
  if (r.status !== 0)
    throw new Error(
      `${name} (${count}) failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' / ')}`,
    );
  const files = readdirSync(out).filter((f) => f.startsWith('cg.'));
  // With --separate-threads each thread has its own file, "-01" being the main thread. The kernel bench
  // starts one process under valgrind; a C or koffi case is the one process.
  const threads = files.map((f) => ({
    f,
    t: Number(/-(\d+)$/.exec(f)?.[1] ?? 1),
    c: selfCost(readFileSync(join(out, f), 'utf8')),
  }));
  const main = sum(threads.filter((x) => x.t === 1).map((x) => x.c));
  const others = sum(threads.filter((x) => x.t !== 1).map((x) => x.c));
  rmSync(out, { recursive: true, force: true });
  return { main, others };
}

const short = (ob: string) =>
  ob
    .split('/')
    .pop()!
    .replace(/^\?\?\?$/, 'JIT code (no object)');

async function main(): Promise<void> {
  const mock = await startMock(join(build, 'mock_cluster'), 3);
  try {
    const stamp = Date.now().toString(36);
    const produceTopic = `instr-produce-${stamp}`;
    const consumeTopic = `instr-consume-${stamp}`;
    await mock.createTopic(produceTopic, 1);
    if (cases.some((c) => c.includes('consume'))) {
      await mock.createTopic(consumeTopic, 32);
      execFileSync(
        join(build, 'produce'),
        [mock.bootstrap, consumeTopic, String(big), '100', 'batch', '32'],
        {
          stdio: 'ignore',
        },
      );
    }
    for (const name of cases) {
      const topic = name.includes('consume') ? consumeTopic : produceTopic;
      const a = measure(name, small, mock.bootstrap, topic);
      const b = measure(name, big, mock.bootstrap, topic);
      const main = perMessage(a.main, b.main, big - small);
      const others = perMessage(a.others, b.others, big - small);
      const lines = [
        `${name}: ${(main.total + others.total).toFixed(0)} instructions/msg (main thread ${main.total.toFixed(0)}, librdkafka's threads ${others.total.toFixed(0)})`,
      ];
      for (const [ob, v] of [...main.objects].sort((x, y) => y[1] - x[1]).filter(([, v]) => Math.abs(v) >= 1))
        lines.push(`  main  ${v.toFixed(0).padStart(6)}  ${short(ob)}`);
      for (const [c, v] of categories(main.functions))
        if (Math.abs(v) >= 1) lines.push(`  node  ${v.toFixed(0).padStart(6)}  ${c}`);
      for (const [ob, v] of [...others.objects].sort((x, y) => y[1] - x[1]).filter(([, v]) => v >= 20))
        lines.push(`  other ${v.toFixed(0).padStart(6)}  ${short(ob)}`);
      const fns = [...main.functions].filter(([k]) => !k.startsWith('???')).sort((x, y) => y[1] - x[1]);
      for (const [k, v] of fns.slice(0, top)) {
        const [ob, fn] = k.split('\t');
        if (v >= 1) lines.push(`    fn ${v.toFixed(0).padStart(6)}  ${short(ob!)}: ${fn}`);
      }
      console.log(lines.join('\n'));
      console.log(
        JSON.stringify({
          case: name,
          perMessage: {
            total: main.total + others.total,
            main: main.total,
            others: others.total,
            objects: Object.fromEntries([...main.objects].map(([k, v]) => [short(k), Math.round(v)])),
          },
        }),
      );
    }
  } finally {
    await mock.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
