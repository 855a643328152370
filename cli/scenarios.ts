// `rdkafka-workbench scenarios [--matrix VERSIONS] [--only NAMES] [--doc FILE]`: every scenario notebook
// (examples/scenarios) on every version asked for, each in a fresh kernel as `run --matrix` runs them, one
// line per run as it finishes, then the scenarios × versions table and the slowest run. A scenario passes on
// a version when it ran every cell or was skipped by its `requires`; exit 0 only when all passed. `--doc`
// writes the table into that page (docs/scenarios.md) between its markers.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scenarioCatalog, type ScenarioEntry } from '../extension/notebook/scenario-catalog.ts';
import { LibraryError } from '../versions/index.ts';
import { findExample } from './demo.ts';
import { matrixVersions, runOne } from './matrix.ts';
import type { MatrixVersion, VersionRun } from './matrix-table.ts';
import { parseRunArgs, SIGNAL_CODES } from './run.ts';
import { seconds, UsageError } from './run-args.ts';
import { StopRequests, stopOnSignals } from './stop.ts';
import { renderScenarioTable, replaceScenarioTable, type Outcomes } from './scenarios-doc.ts';

export const SCENARIOS_USAGE = `usage: rdkafka-workbench scenarios [--matrix VERSION,VERSION,…|all] [--only NAME,NAME,…] [--dir DIR]
       [--doc FILE.md] [--timeout SECONDS] [--bindings DIR]
       rdkafka-workbench scenarios --list

Runs every scenario notebook (examples/scenarios) on every version of --matrix (default all: the system
librdkafka and every version lib list shows), each in a fresh kernel on the mock cluster, then prints the
scenarios × versions table (ok, skipped: REASON, error: cell N: …) and the slowest run. Exit 0 when every
run passed (ok, or skipped by the notebook's requires).
  --only NAMES     only these scenarios (names as --list shows them)
  --doc FILE.md    write the table into FILE.md between its markers (npm run scenarios:doc: docs/scenarios.md)
  --list           the scenarios with what each shows and needs, without running any
One scenario on its own: rdkafka-workbench run examples/scenarios/NAME.rdkafka [--librdkafka V] [-p NAME=VALUE]`;

type Write = (name: 'stdout' | 'stderr', s: string) => unknown;

export interface ScenarioRun {
  entry: ScenarioEntry;
  version: MatrixVersion;
  /** "ok", "skipped: needs …", "error: cell 7: Error: expected …". */
  outcome: string;
  passed: boolean;
  durationMs: number;
  run: VersionRun;
}

export interface ScenariosOptions {
  dir: string;
  /** What --matrix takes: "system,2.15.1", "all". */
  matrix: string;
  only?: string[];
  /** Bindings of the system library (the default folder of `run`, generated when missing). */
  bindings?: string;
  timeout?: number;
  cwd: string;
  onRun?: (r: ScenarioRun) => void;
  /** Stop requests (signals): the running scenario stops as `run` stops, no other starts. */
  stop?: StopRequests;
}

/** The scenario notebooks of a folder as catalogue entries (problems: unreadable notebooks, by name). */
export function readScenarios(dir: string): { entries: ScenarioEntry[]; problems: string[] } {
  if (!existsSync(dir)) return { entries: [], problems: [`${dir} does not exist`] };
  return scenarioCatalog(
    readdirSync(dir)
      .filter((f) => f.endsWith('.rdkafka'))
      .map((fileName) => ({ fileName, text: readFileSync(join(dir, fileName), 'utf8') })),
  );
}

/** One line for a run: what the table shows. */
export function outcomeOf(r: VersionRun): { outcome: string; passed: boolean } {
  if (r.failure) return { outcome: `error: ${r.failure}`, passed: false };
  const skipped = r.summary?.skipped;
  if (skipped) return { outcome: `skipped: ${skipped}`, passed: r.summary?.code === 0 };
  if (r.ranAll) return { outcome: 'ok', passed: true };
  const i = r.cells.findIndex((c) => c.kind === 'error');
  const cell = r.summary?.failedCell;
  const text = i >= 0 && r.cells[i]!.kind === 'error' ? (r.cells[i] as { text: string }).text : 'failed';
  return { outcome: `error: ${cell ? `cell ${cell}: ` : ''}${text}`, passed: false };
}

/** Runs every scenario (or those of `only`) on every version, one run at a time. */
export async function runScenarios(o: ScenariosOptions): Promise<{
  versions: MatrixVersion[];
  entries: ScenarioEntry[];
  runs: ScenarioRun[];
  problems: string[];
}> {
  const versions = matrixVersions(o.matrix, o.cwd);
  const { entries: all, problems } = readScenarios(o.dir);
  const unknown = (o.only ?? []).filter((n) => !all.some((e) => e.name === n));
  // Before any run: a mistyped name ran nothing and printed an empty table.
  if (unknown.length)
    throw new UsageError(
      `--only: no scenario named ${unknown.join(', ')} in ${o.dir}; the names are ${all.map((e) => e.name).join(', ')}`,
    );
  const entries = o.only?.length ? all.filter((e) => o.only!.includes(e.name)) : all;
  const runs: ScenarioRun[] = [];
  for (const entry of entries)
    for (const version of versions) {
      if (o.stop?.first) break;
      const opts = {
        ...parseRunArgs(
          [join(o.dir, entry.fileName), ...(o.bindings ? ['--bindings', o.bindings] : [])],
          o.cwd,
        ),
        quiet: true,
        timeout: o.timeout ?? 60,
      };
      const run = await runOne(opts, version, o.stop);
      const r: ScenarioRun = { entry, version, ...outcomeOf(run), durationMs: run.durationMs, run };
      runs.push(r);
      o.onRun?.(r);
    }
  return { versions, entries, runs, problems };
}

export function outcomesByScenario(runs: ScenarioRun[]): Map<string, Outcomes> {
  const m = new Map<string, Outcomes>();
  for (const r of runs) m.set(r.entry.name, { ...m.get(r.entry.name), [r.version.label]: r.outcome });
  return m;
}

export async function main(argv: string[], write: Write = (n, s) => process[n].write(s)): Promise<number> {
  let matrix = 'all';
  let only: string[] | undefined;
  let dir: string | undefined;
  let doc: string | undefined;
  let timeout: number | undefined;
  let bindings: string | undefined;
  let listOnly = false;
  try {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === '--help' || a === '-h') {
        write('stdout', `${SCENARIOS_USAGE}\n`);
        return 0;
      }
      const value = () => {
        const v = argv[++i];
        if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
        return v;
      };
      if (a === '--matrix') matrix = value();
      else if (a === '--only')
        only = value()
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      else if (a === '--list') listOnly = true;
      else if (a === '--dir') dir = resolve(value());
      else if (a === '--doc') doc = resolve(value());
      else if (a === '--bindings') bindings = resolve(value());
      else if (a === '--timeout') {
        timeout = seconds('--timeout', value());
      } else throw new UsageError(`unknown argument ${a}`);
    }
    dir ??= findExample('scenarios') ?? undefined;
    if (!dir) throw new UsageError('examples/scenarios not found next to this installation: pass --dir DIR');
    if (listOnly) {
      const { entries, problems } = readScenarios(dir);
      const width = Math.max(0, ...entries.map((e) => e.name.length));
      for (const e of entries)
        write(
          'stdout',
          `${e.name.padEnd(width)}  needs ${e.needs}\n${' '.repeat(width)}  ${e.description}\n`,
        );
      for (const p of problems) write('stderr', `scenarios: ${p}\n`);
      return problems.length ? 1 : 0;
    }
    const started = Date.now();
    const stop = new StopRequests();
    const offSignals = stopOnSignals(stop, SIGNAL_CODES, (signal) =>
      write('stderr', `rdkafka-workbench scenarios: ${signal}: stopping (the table shows the runs so far)\n`),
    );
    const r = await runScenarios({
      stop,
      dir,
      matrix,
      ...(only ? { only } : {}),
      ...(bindings ? { bindings } : {}),
      ...(timeout ? { timeout } : {}),
      cwd: process.cwd(),
      onRun: (x) =>
        write(
          'stderr',
          `${x.entry.name} on ${x.version.label}: ${x.outcome} (${(x.durationMs / 1000).toFixed(1)} s)\n`,
        ),
    }).finally(offSignals);
    for (const p of r.problems) write('stderr', `scenarios: ${p}\n`);
    const outcomes = outcomesByScenario(r.runs);
    const labels = r.versions.map((v) => v.label);
    const table = renderScenarioTable(r.entries, labels, outcomes);
    write('stdout', `${table.split('\n').slice(2, -2).join('\n')}\n`);
    const ran = r.runs.filter((x) => !x.outcome.startsWith('skipped'));
    const slowest = ran.sort((a, b) => b.durationMs - a.durationMs)[0];
    const failed = r.runs.filter((x) => !x.passed);
    write(
      'stderr',
      `${r.runs.length - failed.length} of ${r.runs.length} runs passed (ok or skipped) in ${((Date.now() - started) / 1000).toFixed(0)} s` +
        (slowest
          ? `; slowest: ${slowest.entry.name} on ${slowest.version.label}, ${(slowest.durationMs / 1000).toFixed(1)} s`
          : '') +
        '\n',
    );
    if (stop.first) {
      write(
        'stderr',
        `stopped by ${stop.first.why}: ${doc ? `${doc} not written, ` : ''}not every run was made\n`,
      );
      return stop.first.exitCode;
    }
    if (doc) {
      const page = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Scenarios\n';
      const tmp = `${doc}.${process.pid}.tmp`;
      writeFileSync(tmp, replaceScenarioTable(page, table));
      renameSync(tmp, doc);
      write('stderr', `wrote the table into ${doc}\n`);
    }
    return failed.length || r.problems.length ? 1 : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      write('stderr', `rdkafka-workbench scenarios: ${e.message}\n\n${SCENARIOS_USAGE}\n`);
      return 2;
    }
    if (e instanceof LibraryError) {
      write('stderr', `rdkafka-workbench scenarios: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
