// `rdkafka-workbench run NOTEBOOK --matrix 2.0.2,2.12.0,2.15.1` (`all`: every installed version and the
// system's): the notebook once per version, each in a fresh kernel (one after another, or --parallel N at
// once), then one table with a row per code cell and a column per version, the run time, event counts and
// delivery errors side by side, and where the versions' event sequences part (extension/kernel/compare.ts).
// Exit 0 only when every version ran every cell (or was skipped by the notebook's `requires`, with the
// reason); 2 when nothing could run (a version not installed).
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseNotebook } from '../extension/notebook/format.ts';
import { findLibrary, LibraryError, listInstalled, systemLibrary } from '../versions/index.ts';
import { checkBundleDir } from './bundle.ts';
import { runNotebook, SIGNAL_CODES, type RunOptions } from './run.ts';
import { StopRequests, stopOnSignals } from './stop.ts';
import { writeMatrixReport } from './matrix-report.ts';
import {
  cellStatuses,
  compareMatrix,
  firstLine,
  eventsFileFor,
  formatMatrix,
  versionPassed,
  type MatrixVersion,
  type VersionRun,
} from './matrix-table.ts';

type Write = (name: 'stdout' | 'stderr', s: string) => unknown;

/** The versions a --matrix value names, checked before anything runs (LibraryError naming `lib add`). */
export function matrixVersions(value: string, cwd: string): MatrixVersion[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length)
    throw new LibraryError('--matrix needs versions, e.g. --matrix system,2.15.1 or --matrix all', 'usage');
  const specs: string[] = [];
  // In the order given; `all` is the system library, then every installed version, oldest first.
  for (const n of names) {
    if (n.toLowerCase() === 'all') {
      if (systemLibrary()?.library) specs.push('system');
      specs.push(...listInstalled().versions.map((v) => v.version));
    } else specs.push(n);
  }
  const out: MatrixVersion[] = [];
  for (const spec of specs) {
    const r = findLibrary(spec, { cwd });
    const v: MatrixVersion = r.system
      ? { spec: 'system', label: r.label, tag: 'system' }
      : { spec: r.version, label: r.label, tag: r.version };
    if (!out.some((o) => o.label === v.label)) out.push(v);
  }
  return out;
}

export async function runOne(opts: RunOptions, v: MatrixVersion, stop?: StopRequests): Promise<VersionRun> {
  const started = Date.now();
  let stderr = '';
  const capture: Write = (name, s) => {
    if (name === 'stderr') stderr += s;
  };
  const eventsFile = opts.events ? eventsFileFor(opts.events, v.tag) : undefined;
  // An issue export per version, beside each other (one folder holds one run).
  const bundleDir = opts.bundle ? eventsFileFor(opts.bundle, v.tag) : undefined;
  const one: RunOptions = {
    ...opts,
    librdkafka: v.spec,
    quiet: true,
    inplace: false,
    bindingsGiven: false,
    ...(eventsFile ? { events: eventsFile } : {}),
    ...(bundleDir ? { bundle: bundleDir } : {}),
  };
  delete one.matrix;
  delete one.parallel;
  delete one.report;
  delete one.out;
  delete one.library;
  try {
    const summary = await runNotebook(one, capture, stop ? { stop } : {});
    const cells = cellStatuses(summary, stderr);
    const ranAll = summary.code === 0 && cells.every((c) => c.kind === 'ok');
    return {
      version: v,
      summary,
      failure: null,
      cells,
      ranAll,
      durationMs: summary.durationMs,
      ...(eventsFile ? { eventsFile } : {}),
      ...(bundleDir ? { bundleDir } : {}),
    };
  } catch (e) {
    return {
      version: v,
      summary: null,
      failure: firstLine((e as Error).message),
      cells: [],
      ranAll: false,
      durationMs: Date.now() - started,
    };
  }
}

/** Runs `tasks` with at most `n` at once, keeping their order in the result. */
async function pool<T>(tasks: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  return out;
}

export async function runMatrix(opts: RunOptions, write: Write, stop = new StopRequests()): Promise<number> {
  const versions = matrixVersions(opts.matrix!, opts.cwd);
  // A notebook that cannot be read is said once, before any version runs (exit 2, as `run` does).
  const path = resolve(opts.cwd, opts.notebook);
  if (!existsSync(path)) throw new LibraryError(`${opts.notebook} does not exist: check the path`, 'usage');
  parseNotebook(readFileSync(path, 'utf8'), opts.notebook);
  // Every version's export folder is checked before the first version runs.
  if (opts.bundle)
    for (const v of versions) checkBundleDir(resolve(opts.cwd, eventsFileFor(opts.bundle, v.tag)));
  const info = (s: string) => {
    if (!opts.quiet) write('stderr', s);
  };
  const parallel = opts.parallel ?? 1;
  info(
    `running ${opts.notebook} on ${versions.map((v) => v.label).join(', ')}${parallel > 1 ? `, ${parallel} at a time` : ''}\n`,
  );
  // SIGINT/SIGTERM/SIGHUP stop the version running now (as `run` stops its cell); the versions not started
  // are not run; the table shows what ran. A second signal while no kernel runs leaves at once.
  const offSignals = stopOnSignals(stop, SIGNAL_CODES, (signal) =>
    write('stderr', `rdkafka-workbench run --matrix: ${signal}: stopping the run\n`),
  );
  try {
    return await runAll(opts, versions, write, info, parallel, stop);
  } finally {
    offSignals();
  }
}

async function runAll(
  opts: RunOptions,
  versions: MatrixVersion[],
  write: Write,
  info: (s: string) => void,
  parallel: number,
  stop: StopRequests,
): Promise<number> {
  let finished = 0;
  const runs = await pool(
    versions.map((v) => async (): Promise<VersionRun> => {
      if (stop.first)
        return {
          version: v,
          summary: null,
          failure: `not run: the matrix was stopped (${stop.first.why})`,
          cells: [],
          ranAll: false,
          durationMs: 0,
        };
      info(`${v.label}: running…\n`);
      const r = await runOne(opts, v, stop);
      finished++;
      const ok = r.cells.filter((c) => c.kind === 'ok').length;
      const skipped = r.summary?.skipped;
      info(
        `${v.label}: ${r.failure ? `could not run: ${r.failure}` : skipped ? `skipped: ${skipped}` : `${r.ranAll ? 'ok' : 'FAILED'}, ${ok} of ${r.cells.length} code cells ok`} in ${(r.durationMs / 1000).toFixed(1)} s (${finished} of ${versions.length})\n`,
      );
      return r;
    }),
    parallel,
  );
  const comparison = compareMatrix(runs);
  write('stdout', formatMatrix(runs, comparison, process.stdout.columns || 120));
  for (const r of runs) if (r.eventsFile) info(`events of ${r.version.label}: ${r.eventsFile}\n`);
  for (const r of runs) if (r.bundleDir) info(`issue export of ${r.version.label}: ${r.bundleDir}\n`);
  if (opts.report) {
    await writeMatrixReport(runs, comparison, opts);
    info(`report: ${opts.report}\n`);
  }
  if (stop.first) return stop.first.exitCode;
  // A version the notebook's `requires` rules out is reported skipped, not failed (as `run` alone does).
  return runs.every(versionPassed) ? 0 : 1;
}
