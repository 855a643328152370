// `rdkafka-workbench run NOTEBOOK.rdkafka`: runs the code cells in order in a fresh kernel, prints their
// outputs as they come, stops at the first failing cell. Exit codes: 0 all cells ran, 1 a cell failed (or
// timed out, or the kernel died), 2 bad usage or input (nothing ran).
import {
  createWriteStream,
  existsSync,
  readFileSync,
  renameSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { KernelClient } from '../extension/kernel/client.ts';
import type { CellOutput, KernelEvent } from '../protocol/index.ts';
import {
  parseNotebook,
  serializeNotebook,
  NotebookFormatError,
  type NotebookData,
} from '../extension/notebook/format.ts';
import { writeReport } from './report.ts';
import { generate, GenError } from '../gen/generate.ts';
import { pickLibrary } from './pick-library.ts';

export const RUN_USAGE = `usage: rdkafka-workbench run NOTEBOOK.rdkafka [--bindings DIR] [--bootstrap mock|HOST:PORT]
       [--events FILE.jsonl] [--inplace | --out FILE] [--timeout SECONDS] [--report FILE.html] [--library PATH] [--quiet]
       [--librdkafka VERSION | --matrix VERSION,VERSION,…|all [--parallel N]]`;

export interface RunOptions {
  notebook: string;
  bindings: string;
  bootstrap?: string;
  events?: string;
  inplace?: boolean;
  out?: string;
  timeout?: number;
  report?: string;
  library?: string;
  quiet?: boolean;
  cwd: string;
  /** An installed librdkafka version (or "system") to run on, instead of the notebook's "librdkafka". */
  librdkafka?: string;
  /** --bindings was given on the command line (it then wins over the notebook's "librdkafka"). */
  bindingsGiven?: boolean;
  /** --matrix: the versions to run the notebook on, one after another (cli/matrix.ts). */
  matrix?: string;
  parallel?: number;
}

export interface RunSummary {
  code: number;
  cellsRun: number;
  /** Position (from 1) of the cell that failed. */
  failedCell: number | null;
  events: KernelEvent[];
  /** Exact number of events per type (including those only counted under load). */
  counts: Record<string, number>;
  durationMs: number;
  notebook: NotebookData | null;
}

class UsageError extends Error {}

export function parseRunArgs(argv: string[], cwd = process.cwd()): RunOptions {
  const o: Partial<RunOptions> & { cwd: string } = { cwd };
  const value = (i: number, flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--bindings':
        o.bindings = value(i++, a);
        break;
      case '--bootstrap':
        o.bootstrap = value(i++, a);
        break;
      case '--events':
        o.events = value(i++, a);
        break;
      case '--out':
        o.out = value(i++, a);
        break;
      case '--report':
        o.report = value(i++, a);
        break;
      case '--library':
        o.library = value(i++, a);
        break;
      case '--librdkafka':
        o.librdkafka = value(i++, a);
        break;
      case '--matrix':
        o.matrix = value(i++, a);
        break;
      case '--parallel': {
        const n = Number(value(i++, a));
        if (!Number.isInteger(n) || n < 1)
          throw new UsageError('--parallel needs a whole number of runs, 1 or more');
        o.parallel = n;
        break;
      }
      case '--timeout': {
        const t = Number(value(i++, a));
        if (!(t > 0)) throw new UsageError('--timeout needs a positive number of seconds');
        o.timeout = t;
        break;
      }
      case '--inplace':
        o.inplace = true;
        break;
      case '--quiet':
        o.quiet = true;
        break;
      default:
        if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
        if (o.notebook)
          throw new UsageError(`only one notebook can be run at a time (got ${o.notebook} and ${a})`);
        o.notebook = a;
    }
  }
  if (!o.notebook) throw new UsageError('which notebook? give the path of a .rdkafka file');
  if (o.inplace && o.out) throw new UsageError('--inplace and --out exclude each other: pick one');
  if (o.librdkafka !== undefined && (o.library || o.bindings))
    throw new UsageError(
      '--librdkafka picks the library and its bindings: leave out --library and --bindings',
    );
  if (o.matrix !== undefined && (o.librdkafka !== undefined || o.library || o.inplace || o.out))
    throw new UsageError(
      '--matrix runs the notebook once per version: leave out --librdkafka, --library, --inplace and --out',
    );
  if (o.parallel !== undefined && o.matrix === undefined)
    throw new UsageError('--parallel goes with --matrix');
  if (o.bindings) o.bindingsGiven = true;
  return { bindings: join(cwd, '.rdkafka', 'bindings'), ...o, notebook: o.notebook } as RunOptions;
}

/** Generates bindings into `dir` when it has none (what `rdkafka-workbench gen --out DIR` does). */
export async function ensureBindings(dir: string, log: (s: string) => void, library?: string): Promise<void> {
  if (existsSync(join(dir, 'bindings.js'))) return;
  log(`no bindings in ${dir}: generating them from rdkafka.h\n`);
  try {
    await generate({ out: dir, ...(library ? { library } : {}) }, (p) => {
      if (p.stage !== 'done') log(`  ${p.message}…\n`);
    });
  } catch (e) {
    const why = e instanceof GenError ? e.message : (e as Error).message.split('\n')[0];
    throw new UsageError(
      `generating bindings into ${dir} failed: ${why} (or pass --bindings DIR with existing bindings)`,
    );
  }
}

type Write = (name: 'stdout' | 'stderr', s: string) => unknown;
const defaultWrite: Write = (name, s) => process[name].write(s);

function textOf(o: CellOutput): string {
  switch (o.kind) {
    case 'stream':
      return o.text;
    case 'result':
    case 'display': {
      const d = o.data;
      const t = d['text/plain'] ?? d['text/markdown'] ?? JSON.stringify(d['application/json'] ?? d);
      return String(t).endsWith('\n') ? String(t) : `${t}\n`;
    }
    case 'error':
      return `${o.stack || `${o.name}: ${o.message}`}\n`;
  }
}

export async function runNotebook(opts: RunOptions, write: Write = defaultWrite): Promise<RunSummary> {
  const started = Date.now();
  const summary: RunSummary = {
    code: 0,
    cellsRun: 0,
    failedCell: null,
    events: [],
    counts: {},
    durationMs: 0,
    notebook: null,
  };
  const info = (s: string) => {
    if (!opts.quiet) write('stderr', s);
  };
  const path = resolve(opts.cwd, opts.notebook);
  if (!existsSync(path)) throw new UsageError(`${opts.notebook} does not exist: check the path`);
  const nb = parseNotebook(readFileSync(path, 'utf8'), opts.notebook);
  summary.notebook = nb;
  const meta = nb.metadata as { bootstrap?: unknown; librdkafka?: unknown };
  const bootstrap = opts.bootstrap ?? (typeof meta.bootstrap === 'string' ? meta.bootstrap : 'mock');
  // An installed version (--librdkafka or the notebook's "librdkafka") brings its library and bindings.
  const picked = await pickLibrary({
    librdkafka: opts.librdkafka,
    explicit: Boolean(opts.library || opts.bindingsGiven),
    metadata: meta.librdkafka,
    notebook: opts.notebook,
    cwd: opts.cwd,
    log: info,
  });
  const bindings = picked?.bindingsDir ?? resolve(opts.cwd, opts.bindings);
  const library = picked?.library ?? opts.library;
  if (!picked) await ensureBindings(bindings, info, library);

  let eventsFile: WriteStream | null = null;
  if (opts.events) eventsFile = createWriteStream(resolve(opts.cwd, opts.events));
  const kernel = await KernelClient.start({
    bindingsDir: bindings,
    bootstrap,
    cwd: opts.cwd,
    ...(library ? { library } : {}),
    events: true,
  });
  info(
    `kernel ready in ${kernel.info.startupMs} ms: librdkafka ${kernel.info.librdkafka.version}, bootstrap ${bootstrap}\n`,
  );
  kernel.onEvents((batch) => {
    for (const e of batch) {
      if (e.type === 'dropped')
        for (const [t, n] of Object.entries(e.data.counts)) summary.counts[t] = (summary.counts[t] ?? 0) + n;
      else summary.counts[e.type] = (summary.counts[e.type] ?? 0) + 1;
      if (summary.events.length < 200000) summary.events.push(e);
      eventsFile?.write(JSON.stringify(e) + '\n');
    }
  });

  let timedOut = false;
  const timer = opts.timeout
    ? setTimeout(() => {
        timedOut = true;
        kernel.interrupt();
        // A cell stuck in native code cannot be interrupted: end the kernel.
        setTimeout(() => void kernel.shutdown(), 3000).unref();
      }, opts.timeout * 1000)
    : null;

  try {
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.kind !== 'code') continue;
      if (timedOut) break;
      info(`── cell ${index + 1} ──\n`);
      const outputs: CellOutput[] = [];
      const r = await kernel.execute(index + 1, cell.source, (o) => {
        outputs.push(o);
        write(
          o.kind === 'error' || (o.kind === 'stream' && o.name === 'stderr') ? 'stderr' : 'stdout',
          textOf(o),
        );
      });
      cell.outputs = mergeStreams(outputs);
      summary.cellsRun++;
      if (r.status !== 'ok' || timedOut) {
        summary.failedCell = index + 1;
        summary.code = 1;
        const why = timedOut
          ? `timed out after ${opts.timeout} s`
          : r.status === 'interrupted'
            ? 'was interrupted'
            : 'failed';
        write('stderr', `cell ${index + 1} ${why}: stopping\n`);
        break;
      }
    }
  } finally {
    if (timer) clearTimeout(timer);
    await kernel.shutdown();
    if (eventsFile) await new Promise((r) => eventsFile!.end(r));
  }
  summary.durationMs = Date.now() - started;

  const target = opts.inplace ? path : opts.out ? resolve(opts.cwd, opts.out) : null;
  if (target) {
    // Write beside, then rename: a crash never leaves half a notebook.
    const tmp = `${target}.${process.pid}.tmp`;
    writeFileSync(tmp, serializeNotebook(nb));
    renameSync(tmp, target);
  }
  if (opts.report) {
    await writeReport(summary.events, resolve(opts.cwd, opts.report), {
      title: basename(opts.notebook),
      source: path,
      librdkafka: kernel.info.librdkafka.version,
      bootstrap,
      startedAt: started,
      durationMs: summary.durationMs,
      status: summary.code === 0 ? 'ok' : 'error',
    });
  }
  return summary;
}

/** Consecutive stream outputs of the same stream become one (how a notebook shows them anyway). */
function mergeStreams(outputs: CellOutput[]): CellOutput[] {
  const out: CellOutput[] = [];
  for (const o of outputs) {
    const last = out[out.length - 1];
    if (o.kind === 'stream' && last?.kind === 'stream' && last.name === o.name)
      out[out.length - 1] = { ...last, text: last.text + o.text };
    else out.push(o);
  }
  return out;
}

export function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([t, n]) => `${t} ${n}`).join(', ') : 'none';
}

/** `write` lets tests capture what the command prints. */
export async function main(argv: string[], write: Write = defaultWrite): Promise<number> {
  // Piped into `head` and the like: a closed stdout must not turn a good run into a crash.
  if (write === defaultWrite) for (const s of [process.stdout, process.stderr]) s.on('error', () => {});
  try {
    const opts = parseRunArgs(argv);
    if (opts.matrix !== undefined) return await (await import('./matrix.ts')).runMatrix(opts, write);
    const s = await runNotebook(opts, write);
    if (!opts.quiet)
      write(
        'stderr',
        `${s.code === 0 ? 'ok' : 'FAILED'}: ${s.cellsRun} code cell(s) run in ${(s.durationMs / 1000).toFixed(1)} s; events: ${formatCounts(s.counts)}\n`,
      );
    return s.code;
  } catch (e) {
    if (e instanceof UsageError) {
      write('stderr', `rdkafka-workbench run: ${e.message}\n\n${RUN_USAGE}\n`);
      return 2;
    }
    if (e instanceof NotebookFormatError) {
      write('stderr', `rdkafka-workbench run: ${e.message}\n`);
      return 2;
    }
    write('stderr', `rdkafka-workbench run: ${(e as Error).message}\n`);
    return 2;
  }
}
