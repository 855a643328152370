// `rdkafka-workbench trace [options] -- PROGRAM ARGS…`: runs any program that loads librdkafka
// dynamically with the tracer preloaded and collects its librdkafka events, in the protocol a notebook's
// kernel publishes (so --events, --report and the panel read them unchanged). The program keeps the
// terminal: its output and its exit status are its own; this command's few lines go to stderr, each
// starting with "rdkafka-workbench trace:".
import { join, resolve } from 'node:path';
import { ensureBindings, formatCounts } from './run.ts';
import { writeReport } from './report.ts';
import { reportContext } from './report-context.ts';
import { RunEvents } from './run-events.ts';
import type { SampleLimit } from './event-sample.ts';
import { TraceError } from '../trace/build.ts';
import { traceProgram, programName, type TraceResult } from '../trace/run.ts';
import type { TracedProcess } from '../trace/reader.ts';
import { findLibrary, resolveLibrary } from '../versions/index.ts';
import { inspectLibrary } from '../gen/library.ts';
import { createRequire } from 'node:module';
import { checkBundleDir, writeBundle } from '../extension/export/bundle.ts';

export const TRACE_USAGE = `usage: rdkafka-workbench trace [--events FILE.jsonl] [--report FILE.html] [--bundle DIR]
       [--library PATH | --librdkafka VERSION] [--bindings DIR] [--quiet] -- PROGRAM ARGS…`;

export interface TraceOptions {
  program: string;
  args: string[];
  events?: string;
  report?: string;
  bundle?: string;
  library?: string;
  librdkafka?: string;
  bindings: string;
  /** Whether --bindings was given (else the tracer may come from the --library's installed version). */
  bindingsGiven?: boolean;
  quiet?: boolean;
  cwd: string;
}

class UsageError extends Error {}

/** Options up to `--` (or the first word that is not an option); the rest is the program's command line. */
export function parseTraceArgs(argv: string[], cwd = process.cwd()): TraceOptions {
  const o: Partial<TraceOptions> = {};
  let i = 0;
  const value = (flag: string) => {
    const v = argv[i + 1];
    if (v === undefined || v === '--' || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    i++;
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-')) break;
    switch (a) {
      case '--events':
        o.events = value(a);
        break;
      case '--report':
        o.report = value(a);
        break;
      case '--bundle':
        o.bundle = value(a);
        break;
      case '--library':
        o.library = value(a);
        break;
      case '--librdkafka':
        o.librdkafka = value(a);
        break;
      case '--bindings':
        o.bindings = value(a);
        o.bindingsGiven = true;
        break;
      case '--quiet':
        o.quiet = true;
        break;
      default:
        throw new UsageError(`unknown option ${a} (the program's own options go after --)`);
    }
  }
  const [program, ...args] = argv.slice(i);
  if (!program) throw new UsageError('which program? give its command line after --');
  if (o.library && o.librdkafka)
    throw new UsageError('--library and --librdkafka exclude each other: pick one');
  return { bindings: join(cwd, '.rdkafka', 'bindings'), ...o, program, args, cwd };
}

type Write = (name: 'stdout' | 'stderr', s: string) => unknown;
const defaultWrite: Write = (name, s) => process[name].write(s);

/** The librdkafka version of `library` when it is one `lib add` installed (not the system's), else null. */
function installedVersionOf(library: string): string | null {
  let version: string | null;
  try {
    version = inspectLibrary(createRequire(import.meta.url)('koffi'), library, []).version;
  } catch {
    return null; // not loadable here: the program will say so itself
  }
  if (!version) return null;
  try {
    const v = findLibrary(version);
    return v.system ? null : v.version;
  } catch {
    return null;
  }
}

/**
 * What the tracer may have missed: a process that loaded another librdkafka than the header the tracer was
 * generated from (callback setters that version added are not wrapped). Pure.
 */
export function headerNotes(processes: readonly TracedProcess[], program: string): string[] {
  const notes = new Set<string>();
  for (const p of processes)
    if (p.header && p.version && p.header !== p.version)
      notes.add(
        `the tracer was generated from the librdkafka ${p.header} header, ${programName(p.program ?? program)} loaded ${p.version}: callbacks set with functions ${p.header} lacks are not observed (trace with --bindings of a ${p.version} header's bindings, e.g. \`rdkafka-workbench lib add ${p.version}\` then --librdkafka ${p.version})`,
      );
  return [...notes];
}

/** What the command says about a finished trace (one line, or the statically-linked sentence). */
export function traceSummary(program: string, r: TraceResult): string {
  if (r.spawnError) return r.spawnError;
  if (!r.processes.length)
    return `no librdkafka symbols were called by ${programName(program)}: is it linked statically?`;
  const p = r.processes[0]!;
  // The program that called librdkafka: under `sh -c …` (as Trace a Program runs one) not the shell.
  const name = programName(p.program ?? program);
  const how = r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
  const more = r.processes.length > 1 ? ` and ${r.processes.length - 1} more process(es)` : '';
  const bad = r.malformed ? `; ${r.malformed} unreadable line(s) (cut short by a crash)` : '';
  return `${name} (librdkafka ${p.version ?? '?'} from ${p.library ?? '?'})${more}: ${how}; events: ${formatCounts(r.counts)}${bad}`;
}

/** What a caller other than the command line may change (tests: a small report sample). */
export interface TraceControl {
  /** The events the report and the issue export keep in detail (default cli/event-sample.ts' REPORT_SAMPLE). */
  reportSample?: SampleLimit;
}

export async function main(
  argv: string[],
  write: Write = defaultWrite,
  control: TraceControl = {},
): Promise<number> {
  const say = (s: string) => write('stderr', `rdkafka-workbench trace: ${s}\n`);
  let opts: TraceOptions;
  try {
    opts = parseTraceArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    write('stderr', `rdkafka-workbench trace: ${e.message}\n\n${TRACE_USAGE}\n`);
    return 2;
  }
  const info = (s: string) => {
    if (!opts.quiet) say(s.trimEnd());
  };
  if (opts.bundle) {
    // Before anything runs: a folder that holds other things is refused, not overwritten.
    try {
      checkBundleDir(resolve(opts.cwd, opts.bundle));
    } catch (e) {
      say((e as Error).message);
      return 2;
    }
  }
  let bindings = resolve(opts.cwd, opts.bindings);
  let library = opts.library ? resolve(opts.cwd, opts.library) : undefined;
  try {
    if (opts.librdkafka) {
      // An installed version (rdkafka-workbench lib add): the program loads its library, the tracer is
      // generated from its header.
      const v = await resolveLibrary(opts.librdkafka, { cwd: opts.cwd, onProgress: info });
      bindings = v.bindingsDir;
      library = v.library;
    } else {
      // A --library of a version `lib add` installed: the tracer comes from that version's header, so the
      // callback setters it has (and the system's header may lack) are wrapped too.
      const installed = library && !opts.bindingsGiven ? installedVersionOf(library) : null;
      if (installed)
        bindings = (await resolveLibrary(installed, { cwd: opts.cwd, onProgress: info })).bindingsDir;
      else await ensureBindings(bindings, info, library);
    }
  } catch (e) {
    say((e as Error).message);
    return 2;
  }
  // The --events file is written batch by batch as the events come (on disk even if this is killed); the
  // report and the issue export keep a bounded sample whose `dropped` events carry exact counts, as `run`.
  let events: RunEvents;
  try {
    events = new RunEvents(opts.events ? resolve(opts.cwd, opts.events) : null, control.reportSample);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'its folder does not exist'
        : code === 'EACCES'
          ? 'permission denied'
          : (code ?? (e as Error).message);
    say(`cannot write --events ${opts.events} (${why}): give a path in a folder you can write to`);
    return 2;
  }
  const started = Date.now();
  let run;
  try {
    run = traceProgram({
      program: opts.program,
      args: opts.args,
      bindingsDir: bindings,
      ...(library ? { library } : {}),
      cwd: opts.cwd,
      stdio: 'inherit',
      onProgress: info,
      onEvents: (batch) => events.add(batch),
    });
  } catch (e) {
    if (!(e instanceof TraceError)) throw e;
    say(e.message);
    events.close();
    return 2;
  }
  // The terminal's Ctrl-C reaches the program itself (same process group); termination requests sent to
  // this command alone are passed on, and the trace ends when the program does.
  const forward = (sig: NodeJS.Signals) => () => run.kill(sig);
  const handlers: Array<[NodeJS.Signals, () => void]> = [
    ['SIGINT', () => {}],
    ['SIGTERM', forward('SIGTERM')],
    ['SIGHUP', forward('SIGHUP')],
  ];
  for (const [s, h] of handlers) process.on(s, h);
  const result = await run.done;
  for (const [s, h] of handlers) process.off(s, h);
  events.close();
  if (events.error) say(events.error);
  const sample = events.sample;
  if (opts.report && result.processes.length) {
    const p = result.processes[0]!;
    try {
      await writeReport(sample.events(), resolve(opts.cwd, opts.report), {
        title: `${programName(p.program ?? opts.program)} (traced)`,
        source: p.program ?? opts.program,
        ...(p.version
          ? { librdkafka: p.version, context: reportContext(bindings, p.version, null, 'traced program') }
          : {}),
        startedAt: started,
        durationMs: Date.now() - started,
        status: result.signal ? `killed by ${result.signal}` : `exit ${result.code}`,
        events: { total: sample.total, detailed: sample.detailed, sampled: sample.sampled },
      });
    } catch (e) {
      // The program's status stays the command's: only the report is missing, and this says why.
      say(`the report could not be written to ${opts.report} (${(e as Error).message.split('\n')[0]})`);
    }
  }
  if (opts.bundle && result.processes.length) {
    const p = result.processes[0]!;
    try {
      const b = await writeBundle(resolve(opts.cwd, opts.bundle), {
        title: `${programName(p.program ?? opts.program)} (traced)`,
        // A traced program has no cells: its command line is left out too (it may carry secrets).
        cells: [],
        events: sample.events(),
        counts: sample.counts,
        librdkafka: p.version ? { version: p.version, ...(p.library ? { library: p.library } : {}) } : null,
        bootstrap: null,
        tool: 'rdkafka-workbench trace',
        status: result.signal ? `killed by ${result.signal}` : `exit ${result.code}`,
        startedAt: started,
        durationMs: Date.now() - started,
      });
      say(
        `issue export written to ${b.dir} (${b.files.length} files): paste ${b.dir}/ISSUE.md into the issue`,
      );
    } catch (e) {
      say(`the issue export could not be written to ${opts.bundle} (${(e as Error).message.split('\n')[0]})`);
    }
  }
  if (!opts.quiet || !result.processes.length || result.spawnError) say(traceSummary(opts.program, result));
  for (const w of [...result.warnings, ...headerNotes(result.processes, opts.program)]) say(`note: ${w}`);
  for (const [flag, value] of [
    ['report', opts.report],
    ['issue export', opts.bundle],
  ] as const)
    if (value && !result.processes.length && !result.spawnError)
      say(`no ${flag} written to ${value}: there were no events`);
  return result.status;
}
