// Two kernel bundles (say dist/kernel-before.mjs, built from the commit before a change, and dist/kernel.mjs)
// on the same notebooks, alternating within each round, against one mock cluster: the before/after of a
// kernel change measured as docs/bench.md reports it (CPU µs per message, the figure a shared machine
// disturbs least, and throughput).
//   kernels.bench.mjs A.mjs B.mjs [--notebooks produce-dr,consume] [--rounds 3] [--count 1000000] [--events on|off]
// The bundles must sit in dist/ (they find koffi from there). Prints one line per run, then a table.
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeOption } from './args.ts';
import { startMock } from './cluster.ts';
import { compileC, systemLibrary } from './compile.ts';
import { runJson } from './proc.ts';
import { median } from './stats.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => takeOption(args, name, fallback);
const notebooks = opt('--notebooks', 'produce-dr,produce-events,produce-batch,consume').split(',');
const rounds = Number(opt('--rounds', '3'));
const count = Number(opt('--count', '1000000'));
const events = opt('--events', 'on');
const bindings = opt('--bindings', join(root, '.rdkafka/bindings'));
const kernels = args.map((a) => resolve(a));
if (kernels.length < 2) {
  console.error(
    'usage: kernels.bench.mjs A.mjs B.mjs [--notebooks a,b] [--rounds N] [--count N] [--events on|off]',
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const build = compileC(['mock_cluster', 'produce'], null);
  const library = systemLibrary();
  const mock = await startMock(join(build, 'mock_cluster'), 3);
  const stamp = Date.now().toString(36);
  const cpu = new Map<string, number[]>();
  const rate = new Map<string, number[]>();
  try {
    const consumeTopic = `kernels-consume-${stamp}`;
    if (notebooks.some((n) => n.startsWith('consume'))) {
      await mock.createTopic(consumeTopic, 32);
      execFileSync(
        join(build, 'produce'),
        [mock.bootstrap, consumeTopic, String(count), '100', 'batch', '32'],
        {
          stdio: 'ignore',
        },
      );
    }
    for (let round = 0; round < rounds; round++)
      for (const nb of notebooks)
        for (let i = 0; i < kernels.length; i++) {
          // Each round starts with the other kernel, so that neither always runs first.
          const kernel = kernels[(i + round) % kernels.length]!;
          const consume = nb.startsWith('consume');
          const topic = consume ? consumeTopic : `kernels-${nb}-${stamp}-${round}-${i}`;
          if (!consume) await mock.createTopic(topic, 1);
          const params = consume ? { topic, count, partitions: 32 } : { topic, count, size: 100 };
          const j = await runJson(
            process.execPath,
            [
              join(root, 'dist/bench/kernel.bench.mjs'),
              join(root, 'bench/notebooks', `${nb}.rdkafka`),
              '--bindings',
              bindings,
              '--bootstrap',
              mock.bootstrap,
              '--library',
              library,
              '--events',
              events,
              '--kernel-script',
              kernel,
              '--params',
              JSON.stringify(params),
            ],
            { timeoutMs: 300_000 },
          );
          const key = `${nb}\t${kernel}`;
          const us = ((j.cpuSeconds as number) * 1e6) / count;
          (cpu.get(key) ?? cpu.set(key, []).get(key)!).push(us);
          (rate.get(key) ?? rate.set(key, []).get(key)!).push(j.rate as number);
          console.log(
            `${nb} | ${kernel.split('/').pop()} | round ${round + 1}: ${us.toFixed(3)} CPU µs/msg, ${Math.round(j.rate as number)} msgs/s`,
          );
        }
  } finally {
    await mock.stop();
  }
  console.log(
    `\n| notebook | ${kernels.map((k) => `${k.split('/').pop()} CPU µs/msg (runs; median)`).join(' | ')} | msgs/s medians |`,
  );
  console.log(`|---|${kernels.map(() => '---|').join('')}---|`);
  for (const nb of notebooks) {
    const cells = kernels.map((k) => {
      const xs = cpu.get(`${nb}\t${k}`) ?? [];
      return `${xs.map((x) => x.toFixed(2)).join(', ')}; **${median(xs)?.toFixed(2)}**`;
    });
    const rates = kernels.map((k) =>
      Math.round(median(rate.get(`${nb}\t${k}`) ?? []) ?? 0).toLocaleString('en-US'),
    );
    console.log(`| ${nb} (events ${events}) | ${cells.join(' | ')} | ${rates.join(' / ')} |`);
  }
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
