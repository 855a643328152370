// Runs a program with the tracer preloaded and turns what it writes into KernelEvents as they come. Used
// by `rdkafka-workbench trace` (the program on the terminal, output untouched) and by the kernel's C cells
// (output piped into the cell). The tracer writes to a private file in a fresh temporary folder, removed
// afterwards; nothing the program prints passes through here unless asked (stdio 'pipe').
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { constants as os, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { KernelEvent } from '../protocol/index.ts';
import { buildTracer, TraceError } from './build.ts';
import { addCounts, TraceReader, type ReaderOptions, type TracedProcess } from './reader.ts';
import { tailFile } from './tail.ts';

export interface TraceRunOptions extends ReaderOptions {
  program: string;
  args: string[];
  /** Bindings folder whose model the tracer is generated from. */
  bindingsDir: string;
  /** A librdkafka.so.1 the program should load instead of the one it would find (LD_LIBRARY_PATH). */
  library?: string;
  cwd?: string;
  /** Environment of the program (default: this process's), without the tracer's variables. */
  env?: NodeJS.ProcessEnv;
  /** 'inherit' keeps the program on this terminal; 'pipe' hands its output to onOutput. */
  stdio: 'inherit' | 'pipe';
  onEvents: (events: KernelEvent[]) => void;
  onOutput?: (name: 'stdout' | 'stderr', text: string) => void;
  onProgress?: (message: string) => void;
  /** Events per type and second written in detail (the rest are counted); default the tracer's 5000. */
  detail?: number;
  /**
   * The program dies with this process (the tracer asks the kernel for SIGKILL when its parent ends): a C
   * cell's program must not outlive a kernel that was killed or crashed.
   */
  dieWithParent?: boolean;
  /**
   * The program runs in a process group of its own, and the run is the group's: kill() signals every
   * process in it, and when the program ends, what it left running is killed (a C cell's program that
   * forked a child holding its output otherwise kept the cell running after it returned).
   */
  processGroup?: boolean;
}

export interface TraceResult {
  /** The program's exit code, or null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What a shell would report: the code, or 128 + the signal's number. */
  status: number;
  /** The processes that called librdkafka (none: statically linked, or no librdkafka at all). */
  processes: TracedProcess[];
  /** Exact number of events per type, those only counted under load included. */
  counts: Record<string, number>;
  /** Lines of the trace that could not be read (a process killed in the middle of a write). */
  malformed: number;
  /** What the tracer could not observe (reader.warnings). */
  warnings: string[];
  /** Set when the program could not be started. */
  spawnError?: string;
}

export interface TraceRun {
  child: ChildProcess;
  done: Promise<TraceResult>;
  /** Sends a signal to the program (default SIGTERM). */
  kill(signal?: NodeJS.Signals): void;
}

/** The environment that preloads `tracer` and sends its output to `file`. */
export function tracedEnv(
  env: NodeJS.ProcessEnv,
  tracer: string,
  file: string,
  libDir?: string,
  detail?: number,
  parent?: number,
): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  // Read (and removed) by the tracer in the program itself, before main: see gen/tracer/runtime.c.
  if (parent !== undefined) out.RDKAFKA_WORKBENCH_TRACE_PARENT = String(parent);
  else delete out.RDKAFKA_WORKBENCH_TRACE_PARENT;
  out.LD_PRELOAD = env.LD_PRELOAD ? `${tracer}:${env.LD_PRELOAD}` : tracer;
  out.RDKAFKA_WORKBENCH_TRACE = file;
  if (detail !== undefined) out.RDKAFKA_WORKBENCH_TRACE_DETAIL = String(detail);
  if (libDir) out.LD_LIBRARY_PATH = env.LD_LIBRARY_PATH ? `${libDir}:${env.LD_LIBRARY_PATH}` : libDir;
  return out;
}

export function traceProgram(opts: TraceRunOptions): TraceRun {
  if (process.platform !== 'linux')
    throw new TraceError(
      `tracing needs Linux (it preloads a library with LD_PRELOAD and glibc's dynamic linker); this is ${process.platform}`,
    );
  const tracer = buildTracer(opts.bindingsDir, opts.onProgress ? { onProgress: opts.onProgress } : {});
  const work = mkdtempSync(join(tmpdir(), 'rdkafka-trace-'));
  const file = join(work, 'trace.jsonl');
  writeFileSync(file, '', { mode: 0o600 });
  let libDir: string | undefined;
  if (opts.library) {
    const lib = resolve(opts.library);
    if (!existsSync(lib)) {
      rmSync(work, { recursive: true, force: true });
      throw new TraceError(`--library ${opts.library} does not exist: give the path of a librdkafka.so.1`);
    }
    // The program asks for librdkafka.so.1 by its soname: a folder where that name is this library.
    libDir = join(work, 'lib');
    mkdirSync(libDir);
    symlinkSync(lib, join(libDir, 'librdkafka.so.1'));
  }
  const counts: Record<string, number> = {};
  const reader = new TraceReader(
    (events) => {
      addCounts(counts, events);
      opts.onEvents(events);
    },
    { cell: opts.cell ?? null, ...(opts.handleName ? { handleName: opts.handleName } : {}) },
  );
  const tail = tailFile(file, (chunk) => reader.push(chunk));
  const stdio: StdioOptions = opts.stdio === 'inherit' ? 'inherit' : ['ignore', 'pipe', 'pipe'];
  const child = spawn(opts.program, opts.args, {
    cwd: opts.cwd,
    env: tracedEnv(
      opts.env ?? process.env,
      tracer.path,
      file,
      libDir,
      opts.detail,
      opts.dieWithParent ? process.pid : undefined,
    ),
    stdio,
    ...(opts.processGroup ? { detached: true } : {}),
  });
  const group = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // the group is empty: nothing left to stop
    }
  };
  // The program has ended: its leftovers go too, so that their hold on the output pipes ends the run.
  if (opts.processGroup) child.on('exit', () => group('SIGKILL'));
  if (opts.stdio === 'pipe') {
    child.stdout!.setEncoding('utf8').on('data', (t: string) => opts.onOutput?.('stdout', t));
    child.stderr!.setEncoding('utf8').on('data', (t: string) => opts.onOutput?.('stderr', t));
  }
  const done = new Promise<TraceResult>((resolveDone) => {
    let spawnError: string | undefined;
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError =
        e.code === 'ENOENT'
          ? `${opts.program}: command not found`
          : e.code === 'EACCES'
            ? `${opts.program}: permission denied (not an executable?)`
            : `${opts.program}: ${e.message}`;
    });
    child.on('close', (code, signal) => {
      tail.stop();
      reader.end();
      rmSync(work, { recursive: true, force: true });
      const sig = signal ? (os.signals[signal] ?? 0) : 0;
      resolveDone({
        code: spawnError ? 127 : code,
        signal,
        status: spawnError ? 127 : signal ? 128 + sig : (code ?? 1),
        processes: [...reader.processes.values()],
        counts,
        malformed: reader.malformed,
        warnings: reader.warnings,
        ...(spawnError ? { spawnError } : {}),
      });
    });
  });
  return {
    child,
    done,
    kill: (signal = 'SIGTERM') => {
      if (opts.processGroup) group(signal);
      else if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** "kcat" for /usr/bin/kcat: how messages name the program. */
export const programName = (program: string) => basename(program);
