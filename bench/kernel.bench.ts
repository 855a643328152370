// Runs a benchmark notebook (bench/notebooks/*.rdkafka) in a real kernel through KernelClient, as the
// VS Code controller and the CLI runner do, and prints the JSON line its cells printed; or measures the
// kernel's own overheads.
//   kernel.bench.mjs NOTEBOOK --bindings DIR --bootstrap HOST:PORT [--events on|off] [--params JSON] [--library PATH] [--config JSON]
//     [--exec NODE]   (e.g. a wrapper running node --cpu-prof, to profile the kernel)
//     [--kernel-script PATH]   (another kernel bundle, to compare a kernel change)
//     [--start-timeout MS]   (a kernel under valgrind starts slowly)
//   kernel.bench.mjs overheads --bindings DIR --bootstrap HOST:PORT [--runs N] [--library PATH]
import { readFileSync } from 'node:fs';
import { KernelClient, type KernelOptions } from '../extension/kernel/client.ts';
import { parseNotebook } from '../extension/notebook/format.ts';
import type { CellOutput } from '../protocol/index.ts';

function option(name: string, fallback?: string): string {
  const i = process.argv.indexOf(name);
  const v = i > 0 ? process.argv[i + 1] : undefined;
  if (v === undefined && fallback === undefined) throw new Error(`${name} is required`);
  return v ?? fallback!;
}

const target = process.argv[2];
const base = (events: boolean): KernelOptions => {
  const library = option('--library', '');
  const config = option('--config', '');
  const exec = option('--exec', '');
  const kernelScript = option('--kernel-script', '');
  const startTimeout = option('--start-timeout', '');
  return {
    ...(startTimeout ? { startTimeoutMs: Number(startTimeout) } : {}),
    ...(exec ? { execPath: exec } : {}),
    ...(kernelScript ? { kernelScript } : {}),
    bindingsDir: option('--bindings'),
    bootstrap: option('--bootstrap'),
    cwd: process.cwd(),
    events,
    ...(library ? { library } : {}),
    ...(config ? { clusterConfig: JSON.parse(config) as Record<string, string> } : {}),
  };
};

/** Runs `source` as a cell; returns its stdout, or throws with the cell's error. */
async function cell(k: KernelClient, index: number, source: string): Promise<string> {
  let stdout = '';
  let error = '';
  const r = await k.execute(index + 1, source, (o: CellOutput) => {
    if (o.kind === 'stream' && o.name === 'stdout') stdout += o.text;
    else if (o.kind === 'error') error = `${o.name}: ${o.message}`;
  });
  if (r.status !== 'ok') throw new Error(`cell ${index + 1} ${r.status}${error ? `: ${error}` : ''}`);
  return stdout;
}

async function notebook(path: string): Promise<void> {
  const events = option('--events', 'on') === 'on';
  const params = option('--params', '');
  const nb = parseNotebook(readFileSync(path, 'utf8'), path);
  const k = await KernelClient.start(base(events));
  let received = 0;
  const dropped: Record<string, number> = {};
  k.onEvents((evs) => {
    received += evs.length;
    for (const e of evs)
      if (e.type === 'dropped')
        for (const [t, n] of Object.entries(e.data.counts)) dropped[t] = (dropped[t] ?? 0) + n;
  });
  let out = '';
  try {
    for (const [i, c] of nb.cells.entries()) {
      if (c.kind !== 'code') continue;
      const source =
        params && /^\s*(\/\/.*\n)*\s*const BENCH =/.test(c.source) ? `const BENCH = ${params};` : c.source;
      out += await cell(k, i, source);
    }
  } finally {
    await k.shutdown();
  }
  const line = out
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.trim().startsWith('{'));
  if (!line) throw new Error(`${path} printed no JSON result: ${out.trim().slice(-200)}`);
  console.log(JSON.stringify({ ...JSON.parse(line), events: { on: events, received, dropped } }));
}

async function overheads(): Promise<void> {
  const runs = Number(option('--runs', '5'));
  const cold: number[] = [];
  const startup: number[] = [];
  const firstCell: number[] = [];
  const roundTrip: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const k = await KernelClient.start(base(true));
    cold.push(performance.now() - t0);
    startup.push(k.info.startupMs);
    try {
      let t = performance.now();
      await cell(k, 0, 'rd_kafka_version_str()');
      firstCell.push(performance.now() - t);
      const trips: number[] = [];
      for (let i = 0; i < 21; i++) {
        t = performance.now();
        await cell(k, 1, '1 + 1');
        trips.push(performance.now() - t);
      }
      trips.sort((a, b) => a - b);
      roundTrip.push(trips[10]!);
    } finally {
      await k.shutdown();
    }
  }
  console.log(JSON.stringify({ cold, startup, firstCell, roundTrip }));
}

(target === 'overheads'
  ? overheads()
  : target
    ? notebook(target)
    : Promise.reject(
        new Error('usage: kernel.bench.mjs NOTEBOOK|overheads --bindings DIR --bootstrap HOST:PORT'),
      )
).then(
  () => process.exit(0),
  (e: Error) => {
    console.error(e.message);
    process.exit(1);
  },
);
