// C cells, running: the cell compiled (c-compile.ts) is run as a program of its own under the tracer,
// with BOOTSTRAP in its environment pointing at the notebook's cluster (the embedded mock cluster lives in
// this process and listens on 127.0.0.1, so the program reaches it). Its stdout and stderr become the
// cell's stream outputs, its librdkafka events go into this kernel's event stream under its own handles
// ("rdkafka#producer-1 (cell 3)"), its exit code ends the cell. An interrupt stops the program.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CellOutput, ExecuteRequest, KernelEvent, KernelEventType } from '../../protocol/index.ts';
import type { EventStream } from './events.ts';
import { compileCCell } from './c-compile.ts';
import { interruptedOutput } from './errors.ts';
import { readModel } from '../../trace/build.ts';
import { traceProgram } from '../../trace/run.ts';

export type CellStatus = 'ok' | 'error' | 'interrupted';

export interface CCellDeps {
  bindingsDir: string;
  /** The librdkafka.so.1 this kernel loaded: the program is linked against it and loads it. */
  library: string;
  /** The notebook's cluster, as cells see it in BOOTSTRAP (starts the mock cluster on first use). */
  bootstrap: () => string;
  cwd: string;
  events: EventStream | null;
  emit: (o: CellOutput) => void;
  stream: (name: 'stdout' | 'stderr', text: string) => void;
}

/** Milliseconds an interrupted program gets to end after SIGINT before SIGKILL. */
const GRACE_MS = 2000;

let workDir: string | null = null;
function work(): string {
  if (!workDir) {
    workDir = mkdtempSync(join(tmpdir(), 'rdkafka-c-cells-'));
    const dir = workDir;
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return workDir;
}

/** The program's events into the kernel's stream: counted ones (a tracer `dropped` line) as counts. */
function publish(events: EventStream | null, batch: readonly KernelEvent[]): void {
  if (!events) return;
  for (const e of batch) {
    if (e.type === 'dropped')
      for (const [t, n] of Object.entries(e.data.counts)) events.countN(t as KernelEventType, n);
    else events.publish(e.type, e.handle, e.data as never);
  }
}

/** Runs a C cell to its end; `interrupted` settles when the user asks to stop it. */
export async function runCCell(
  req: ExecuteRequest,
  d: CCellDeps,
  interrupted: Promise<unknown>,
): Promise<CellStatus> {
  let stop = false;
  const abort = new AbortController();
  void interrupted.then(() => {
    stop = true;
    abort.abort();
  });
  const stopped = (): CellStatus => {
    d.emit(
      interruptedOutput(req.cell, 'its program was stopped, the kernel keeps its variables and handles'),
    );
    return 'interrupted';
  };
  const bootstrap = d.bootstrap();
  const compiled = await compileCCell({
    source: req.source,
    cell: req.cell,
    header: readModel(d.bindingsDir).header,
    library: d.library,
    bootstrap,
    dir: work(),
    signal: abort.signal,
  });
  if (stop) return stopped();
  if (!compiled.ok) {
    const errors = compiled.diagnostics.filter((x) => x.severity === 'error').length;
    d.emit({
      kind: 'error',
      name: 'CompileError',
      message:
        compiled.why ??
        `cell ${req.cell} did not compile${errors ? ` (${errors} error${errors === 1 ? '' : 's'})` : ''}`,
      stack: compiled.text,
      diagnostics: compiled.diagnostics,
    });
    return 'error';
  }
  // What the compiler said of a cell that built (warnings): its text, and diagnostics on the cell's lines.
  if (compiled.text)
    d.emit({
      kind: 'stream',
      name: 'stderr',
      text: `${compiled.text}\n`,
      ...(compiled.diagnostics.length ? { diagnostics: compiled.diagnostics } : {}),
    });
  const run = traceProgram({
    program: compiled.program,
    args: [],
    bindingsDir: d.bindingsDir,
    library: d.library,
    cwd: d.cwd,
    env: { ...process.env, BOOTSTRAP: bootstrap },
    stdio: 'pipe',
    // A kernel killed or crashed mid-cell takes its program along: nothing is left running.
    dieWithParent: true,
    // An interrupt stops every process of the program, and its end ends the cell.
    processGroup: true,
    cell: req.cell,
    handleName: (name, pid, first) => `${name} (cell ${req.cell}${pid === first ? '' : `, pid ${pid}`})`,
    onEvents: (batch) => publish(d.events, batch),
    onOutput: d.stream,
  });
  void interrupted.then(() => {
    run.kill('SIGINT');
    setTimeout(() => run.kill('SIGKILL'), GRACE_MS).unref();
  });
  const r = await run.done;
  for (const w of r.warnings) d.stream('stderr', `rdkafka-workbench trace: ${w}\n`);
  if (stop) return stopped();
  if (r.spawnError) {
    d.emit({ kind: 'error', name: 'ProgramError', message: r.spawnError, stack: '' });
    return 'error';
  }
  if (r.signal) {
    d.emit({
      kind: 'error',
      name: 'ProgramError',
      message: `the program of cell ${req.cell} was killed by ${r.signal} (status ${r.status})`,
      stack: '',
    });
    return 'error';
  }
  if (r.code !== 0) {
    d.emit({
      kind: 'error',
      name: 'ProgramError',
      message: `the program of cell ${req.cell} exited with code ${r.code}`,
      stack: '',
    });
    return 'error';
  }
  d.emit({ kind: 'display', data: { 'text/plain': 'exit code 0' } });
  return 'ok';
}
