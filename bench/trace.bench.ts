// `npm run bench:trace`: what the tracer costs a C producer. bench/c/produce.c (rd_kafka_produce +
// dr_msg_cb, 1M x 100 B, 1 partition) against a 3-broker mock cluster in its own process, run alternately
// without and with the tracer preloaded; prints the medians and the ratio traced/untraced from the same
// script. Each traced run is also checked for exactness: its trace must count every delivery report.
// Options: --quick (200k messages, 2 rounds), --runs N, --count N.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMock } from './cluster.ts';
import { runJson } from './proc.ts';
import { median } from './stats.ts';
import { ensureBindings } from '../cli/run.ts';
import { buildTracer } from '../trace/build.ts';
import { addCounts, TraceReader } from '../trace/reader.ts';
import { tracedEnv } from '../trace/run.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

function options(argv: string[]) {
  const quick = argv.includes('--quick');
  const at = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : 0;
  };
  return { runs: at('--runs') || (quick ? 2 : 5), count: at('--count') || (quick ? 200_000 : 1_000_000) };
}

/** bench/c/NAME.c → bench/c/build/NAME (the same build folder as `npm run bench`). */
function compile(name: string): string {
  const out = join(root, 'bench/c/build');
  const bin = join(out, name);
  const src = join(root, 'bench/c', `${name}.c`);
  mkdirSync(out, { recursive: true });
  if (!existsSync(bin) || statSync(bin).mtimeMs < statSync(src).mtimeMs)
    execFileSync('cc', ['-O2', '-Wall', '-o', bin, src, '-lrdkafka'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  return bin;
}

async function main(): Promise<number> {
  const o = options(process.argv.slice(2));
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const produce = compile('produce');
  const bindings = join(root, '.rdkafka', 'bindings');
  await ensureBindings(bindings, log);
  const tracer = buildTracer(bindings, { onProgress: log });
  const cluster = await startMock(compile('mock_cluster'), 3);
  const work = mkdtempSync(join(tmpdir(), 'bench-trace-'));
  const rates: Record<'untraced' | 'traced', number[]> = { untraced: [], traced: [] };
  const cpu: Record<'untraced' | 'traced', number[]> = { untraced: [], traced: [] };
  try {
    const topic = `bench-trace-${Date.now().toString(36)}`;
    await cluster.createTopic(topic, 1);
    for (let round = 1; round <= o.runs; round++) {
      const order = round % 2 ? (['untraced', 'traced'] as const) : (['traced', 'untraced'] as const);
      for (const which of order) {
        const file = join(work, `${round}.jsonl`);
        writeFileSync(file, '');
        const env = which === 'traced' ? tracedEnv(process.env, tracer.path, file) : process.env;
        const r = await runJson(produce, [cluster.bootstrap, topic, String(o.count), '100', 'dr', '1'], {
          env,
          timeoutMs: 300_000,
        });
        rates[which].push(Number(r.rate));
        cpu[which].push((Number(r.cpuSeconds) * 1e6) / o.count);
        let note = '';
        if (which === 'traced') {
          const counts: Record<string, number> = {};
          const reader = new TraceReader((events) => addCounts(counts, events));
          reader.push(readFileSync(file));
          reader.end();
          // The warm-up message is delivered (and traced) too.
          if (counts.dr !== o.count + 1)
            throw new Error(`the trace counted ${counts.dr} delivery reports, the producer ${o.count + 1}`);
          note = `, trace exact (${counts.dr} delivery reports)`;
        }
        log(`  round ${round} ${which}: ${Math.round(Number(r.rate)).toLocaleString('en-US')} msgs/s${note}`);
      }
    }
  } finally {
    await cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const u = median(rates.untraced)!;
  const t = median(rates.traced)!;
  const cu = median(cpu.untraced)!;
  const ct = median(cpu.traced)!;
  console.log(
    [
      '| C producer (rd_kafka_produce + dr_msg_cb) | msgs/s | CPU µs/msg |',
      '|---|---|---|',
      `| untraced | ${Math.round(u).toLocaleString('en-US')} | ${cu.toFixed(3)} |`,
      `| traced (LD_PRELOAD tracer) | ${Math.round(t).toLocaleString('en-US')} | ${ct.toFixed(3)} |`,
      '',
      `traced/untraced throughput ratio: ${(t / u).toFixed(2)} (CPU per message ${(ct / cu).toFixed(2)}x); ` +
        `${o.count.toLocaleString('en-US')} x 100 B, 1 partition, 3-broker mock cluster in its own process, median of ${o.runs} alternating runs.`,
    ].join('\n'),
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`bench:trace: ${e.message}`);
    process.exit(1);
  },
);
