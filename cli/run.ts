// `rdkafka-workbench run NOTEBOOK.rdkafka`: runs the code cells in order in a fresh kernel, prints their
// outputs as they come, stops at the first failing cell. Exit codes: 0 all cells ran, 1 a cell failed (or
// timed out, or the kernel died), 2 bad usage or input (nothing ran), 128 + N stopped by signal N (130
// SIGINT, 143 SIGTERM, 129 SIGHUP). The command line is cli/run-args.ts; stopping early, cli/stop.ts.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { KernelClient } from '../extension/kernel/client.ts';
import type { CellOutput, KernelEvent } from '../protocol/index.ts';
import {
  parseNotebookBytes,
  serializeNotebook,
  NotebookFormatError,
  type NotebookData,
} from '../extension/notebook/format.ts';
import { LimitedOutputs, type OutputLimit } from '../extension/notebook/output-limit.ts';
import { writeReport } from './report.ts';
import { bundleSecrets, checkBundleDir, writeRunBundle } from './bundle.ts';
import { reportContext } from './report-context.ts';
import { generate, GenError } from '../gen/generate.ts';
import { parseRunArgs, RUN_USAGE, UsageError, type RunOptions } from './run-args.ts';
import { pickLibrary } from './pick-library.ts';
import { StopRequests, Stopper, type StopReason } from './stop.ts';
import { RunEvents } from './run-events.ts';
import type { SampleLimit } from './event-sample.ts';
import { injectParameters, injectionNotes } from '../extension/notebook/parameters.ts';
import { requirements, unmetRequirement, RequirementError } from '../extension/notebook/requires.ts';

export { parseRunArgs, RUN_USAGE, type RunOptions } from './run-args.ts';

export interface RunSummary {
  code: number;
  cellsRun: number;
  /** Position (from 1) of the cell that failed. */
  failedCell: number | null;
  /** The run's events as the report keeps them: a bounded sample whose `dropped` events carry the rest. */
  events: KernelEvent[];
  /** Exact number of events per type (including those only counted under load). */
  counts: Record<string, number>;
  durationMs: number;
  notebook: NotebookData | null;
  /** What stopped the run early ("--timeout 3 s", "SIGTERM"), or null. */
  stopped: string | null;
  /** Why the notebook did not run on this librdkafka or cluster (its `requires` metadata), or null. */
  skipped: string | null;
  /** The librdkafka version the kernel loaded (null when no kernel started). */
  librdkafka: string | null;
}

/** What a caller of runNotebook may pass besides the options: a source of stop requests, limits. */
export interface RunControl {
  stop?: StopRequests;
  outputLimit?: OutputLimit;
  reportSample?: SampleLimit;
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

/**
 * Reads and parses the notebook, with the bytes it was read from; bad input is a NotebookFormatError
 * (nothing runs, nothing is written).
 */
function readNotebook(path: string, name: string): { nb: NotebookData; bytes: Buffer } {
  if (!existsSync(path)) throw new UsageError(`${name} does not exist: check the path`);
  if (statSync(path).isDirectory())
    throw new UsageError(`${name} is a folder, not a notebook: give the path of a .rdkafka file`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(
      `cannot read ${name} (${(e as NodeJS.ErrnoException).code ?? String(e)}): check its permissions`,
    );
  }
  return { nb: parseNotebookBytes(bytes, name), bytes };
}

/** The notebook's bytes now, or null when it is gone or unreadable. */
function bytesNow(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}

/** `dir/NAME.outputs.rdkafka` (then `NAME.outputs-2.rdkafka`, …): the first that does not exist. */
function besideTarget(path: string): string {
  const stem = path.replace(/\.rdkafka$/, '');
  for (let n = 1; ; n++) {
    const candidate = `${stem}.outputs${n > 1 ? `-${n}` : ''}.rdkafka`;
    if (!existsSync(candidate)) return candidate;
  }
}

/** Writes beside, then renames: a crash never leaves half a notebook. */
function saveNotebook(target: string, nb: NotebookData): void {
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, serializeNotebook(nb));
  renameSync(tmp, target);
}

export async function runNotebook(
  opts: RunOptions,
  write: Write = defaultWrite,
  control: RunControl = {},
): Promise<RunSummary> {
  const started = Date.now();
  const summary: RunSummary = {
    code: 0,
    cellsRun: 0,
    failedCell: null,
    events: [],
    counts: {},
    durationMs: 0,
    notebook: null,
    stopped: null,
    skipped: null,
    librdkafka: null,
  };
  const info = (s: string) => {
    if (!opts.quiet) write('stderr', s);
  };
  const path = resolve(opts.cwd, opts.notebook);
  const read = readNotebook(path, opts.notebook);
  let nb = read.nb;
  try {
    requirements(nb.metadata);
  } catch (e) {
    throw new UsageError(`${opts.notebook}: ${(e as RequirementError).message}`);
  }
  if (opts.parameters) {
    const p = injectParameters(nb, opts.parameters);
    nb = p.notebook;
    for (const note of injectionNotes(p)) info(`parameters: ${note}\n`);
  }
  if (opts.bundle) checkBundleDir(resolve(opts.cwd, opts.bundle)); // before anything runs
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

  const events = new RunEvents(opts.events ? resolve(opts.cwd, opts.events) : null, control.reportSample);
  let kernel: KernelClient;
  try {
    kernel = await KernelClient.start({
      bindingsDir: bindings,
      bootstrap,
      cwd: opts.cwd,
      ...(library ? { library } : {}),
      events: true,
    });
  } catch (e) {
    events.close();
    throw e;
  }
  info(
    `kernel ready in ${kernel.info.startupMs} ms: librdkafka ${kernel.info.librdkafka.version}, bootstrap ${bootstrap}\n`,
  );
  summary.librdkafka = kernel.info.librdkafka.version;
  summary.skipped = unmetRequirement(
    nb.metadata,
    kernel.info.librdkafka.version,
    bootstrap === 'mock' ? 'mock' : 'kafka',
  );
  if (summary.skipped) {
    // Not a failure: this version cannot show what the notebook is about. Nothing runs, nothing is written.
    await kernel.shutdown();
    events.close();
    summary.durationMs = Date.now() - started;
    return summary;
  }
  kernel.onEvents((batch) => events.add(batch));

  // Each cell's outputs, bounded (output-limit.ts); late output of a finished cell joins its own.
  const kept = new Map<number, LimitedOutputs>();
  const keep = (cell: number, o: CellOutput) => {
    let l = kept.get(cell);
    if (!l) kept.set(cell, (l = new LimitedOutputs(control.outputLimit)));
    l.add(o);
  };
  const show = (o: CellOutput) =>
    write(
      o.kind === 'error' || (o.kind === 'stream' && o.name === 'stderr') ? 'stderr' : 'stdout',
      textOf(o),
    );
  kernel.onStrayOutput((o, cell) => {
    show(o);
    if (cell !== null) keep(cell, o);
  });

  let secrets: string[] = [];
  const stopper = new Stopper(kernel);
  const stop = (r: StopReason) => stopper.stop(r);
  const offStop = control.stop?.on(stop);
  const timer = opts.timeout
    ? setTimeout(
        () => stop({ why: `--timeout ${opts.timeout} s`, exitCode: 1, timeout: true }),
        opts.timeout * 1000,
      )
    : null;

  try {
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.kind !== 'code') continue;
      if (stopper.stopped()) break;
      const n = index + 1;
      info(`── cell ${n} ──\n`);
      stopper.running = n;
      const r = await kernel.execute(
        n,
        cell.source,
        (o) => {
          // The kernel says "was interrupted"; the cell's outputs say why.
          if (stopper.stopped() && o.kind === 'error' && o.name === 'Interrupted')
            o = { ...o, message: stopper.stoppedMessage(n) };
          show(o);
          keep(n, o);
        },
        // C cells are compiled and run as programs (extension/kernel/c-cell.ts).
        cell.language,
      );
      stopper.cellEnded();
      summary.cellsRun++;
      const stopped = stopper.stopped();
      if (r.status !== 'ok' || stopped) {
        summary.failedCell = n;
        summary.code = 1;
        const why = stopped
          ? stopped.timeout
            ? `timed out after ${opts.timeout} s`
            : `was stopped by ${stopped.why}`
          : r.status === 'interrupted'
            ? 'was interrupted'
            : 'failed';
        write('stderr', `cell ${n} ${why}: stopping\n`);
        break;
      }
    }
  } finally {
    if (timer) clearTimeout(timer);
    offStop?.();
    // What an issue export must leave out, asked of the kernel before it goes (never written anywhere).
    if (opts.bundle) secrets = await bundleSecrets(kernel);
    await kernel.shutdown(stopper.shutdownGraceMs(10000));
    events.close();
  }
  if (stopper.reason) {
    summary.stopped = stopper.reason.why;
    summary.code = stopper.reason.exitCode;
  }
  if (events.error) write('stderr', `rdkafka-workbench run: ${events.error}\n`);
  summary.durationMs = Date.now() - started;
  summary.counts = events.sample.counts;
  summary.events = events.sample.events();
  for (const [i, cell] of nb.cells.entries()) {
    const l = kept.get(i + 1);
    if (l) cell.outputs = l.outputs();
  }

  let target = opts.inplace ? path : opts.out ? resolve(opts.cwd, opts.out) : null;
  // Saved while it ran (an editor, another run): writing in place would throw the user's edits away.
  if (opts.inplace && !bytesNow(path)?.equals(read.bytes)) {
    target = besideTarget(path);
    write(
      'stderr',
      `rdkafka-workbench run: ${opts.notebook} changed on disk during the run: it is left as it is; the outputs are in ${target}\n`,
    );
  }
  if (target) saveNotebook(target, nb);
  if (opts.bundle)
    info(
      await writeRunBundle(resolve(opts.cwd, opts.bundle), {
        notebookPath: path,
        notebook: nb,
        events: summary.events,
        counts: summary.counts,
        librdkafka: kernel.info.librdkafka,
        bootstrap,
        code: summary.code,
        startedAt: started,
        durationMs: summary.durationMs,
        secrets,
      }),
    );
  if (opts.report) {
    await writeReport(summary.events, resolve(opts.cwd, opts.report), {
      title: basename(opts.notebook),
      source: path,
      librdkafka: kernel.info.librdkafka.version,
      bootstrap,
      startedAt: started,
      durationMs: summary.durationMs,
      status: summary.code === 0 ? 'ok' : 'error',
      context: reportContext(bindings, kernel.info.librdkafka.version, bootstrap),
      events: {
        total: events.sample.total,
        detailed: events.sample.detailed,
        sampled: events.sample.sampled,
      },
    });
  }
  return summary;
}

export function formatCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length ? entries.map(([t, n]) => `${t} ${n}`).join(', ') : 'none';
}

export const SIGNAL_CODES: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** `write` lets tests capture what the command prints. */
export async function main(argv: string[], write: Write = defaultWrite): Promise<number> {
  // Piped into `head` and the like: a closed stdout must not turn a good run into a crash.
  if (write === defaultWrite) for (const s of [process.stdout, process.stderr]) s.on('error', () => {});
  const stop = new StopRequests();
  let handlers: (() => void)[] = [];
  try {
    const opts = parseRunArgs(argv);
    if (opts.matrix !== undefined) return await (await import('./matrix.ts')).runMatrix(opts, write);
    // SIGINT/SIGTERM/SIGHUP interrupt the running cell, then the kernel shuts down and what ran is saved.
    handlers = Object.entries(SIGNAL_CODES).map(([signal, exitCode]) => {
      const handler = () => {
        // A second signal before any kernel runs (bindings being generated, the kernel starting): leave now.
        if (stop.first && !stop.listening) process.exit(exitCode);
        write('stderr', `rdkafka-workbench run: ${signal}: stopping the run\n`);
        stop.request({ why: signal, exitCode });
      };
      process.on(signal, handler);
      return () => process.off(signal, handler);
    });
    const s = await runNotebook(opts, write, { stop });
    if (s.skipped) write('stderr', `skipped: ${s.skipped}\n`);
    else if (!opts.quiet)
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
  } finally {
    for (const off of handlers) off();
  }
}
