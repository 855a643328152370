// Running cells: one at a time, in the order they were asked for, in this process's global scope. Each
// execution ends with exactly one `done`, whatever the cell throws, and its outputs are all sent before it.
import vm from 'node:vm';
import { performance } from 'node:perf_hooks';
import type { CellOutput, ExecuteRequest } from '../../protocol/index.ts';
import type { Outputs } from './outputs.ts';
import type { EventStream } from './events.ts';
import type { Runtime } from './runtime.ts';
import { send } from './channel.ts';
import { transpileCell } from './transpile.ts';
import type { CellScript } from './sourcemap.ts';
import { resultBundle } from './display.ts';
import { interruptedOutput } from './errors.ts';
import { CLIENT_GONE, GONE, INTERRUPT, interruptId } from './watchdog.ts';

export class Interrupted extends Error {
  override name = 'Interrupted';
}

/** What runs as a script in this process; other languages only through `ExecutionDeps.languages`. */
const SCRIPT_LANGUAGES = new Set(['typescript', 'javascript']);

/** A cell in a language this kernel does not run: refused, rather than run as TypeScript. */
export function unsupportedLanguage(req: ExecuteRequest, others: string[]): Error {
  const known = [...SCRIPT_LANGUAGES, ...others].join(', ');
  const e = new Error(
    `cell ${req.cell} is a ${JSON.stringify(req.language)} cell and this kernel runs only ${known} cells: ` +
      `change the cell's language (its "language" in the .rdkafka file, or the language picker of the cell in VS Code)`,
  );
  e.name = 'UnsupportedLanguage';
  e.stack = `${e.name}: ${e.message}`;
  return e;
}

export interface ExecutionDeps {
  outputs: Outputs;
  runtime: () => Runtime | null;
  events: () => EventStream | null;
  /** Cell scripts by file name, for stack traces (sourcemap.ts). */
  scripts: Map<string, CellScript>;
  /** Watchdog flags (watchdog.ts). */
  flags: Int32Array;
  errorOutput: (e: unknown) => CellOutput;
  /** Cells in another language than TypeScript (`c`: c-cell.ts), by ExecuteRequest.language. */
  languages?: Record<
    string,
    (req: ExecuteRequest, interrupted: Promise<unknown>) => Promise<'ok' | 'error' | 'interrupted'>
  >;
  /** The running cell changed (its position, or null between cells): the control thread is told. */
  onCell?: (cell: number | null) => void;
  /** Just before `done`: the end of this execution's text on the process's fd 1 and 2 is marked. */
  markNativeEnd?: (id: string) => void;
}

export class Execution {
  private queue: ExecuteRequest[] = [];
  private running = false;
  private current: { id: string; interrupt: () => void } | null = null;
  /** The running execution's id as the interrupt pipe carries it (watchdog.ts); 0 between cells. */
  private pipeId = 0;
  private seq = 0;

  constructor(private d: ExecutionDeps) {}

  /**
   * Called by every loop of cell code (rewrite.ts): throws when the running execution was interrupted, or
   * the client is gone (then every loop stops, in a cell or not). An interrupt meant for another execution
   * (one that ended before the watchdog saw its line) stops nothing.
   */
  readonly tick = (): void => {
    const f = this.d.flags;
    const id = f[INTERRUPT];
    if (id === 0) return; // every iteration of every loop: one read
    if (id === GONE || f[CLIENT_GONE]) throw new Interrupted('interrupted');
    if (id === this.pipeId) {
      Atomics.compareExchange(f, INTERRUPT, id, 0); // once: a cell that catches it and goes on runs on
      throw new Interrupted('interrupted');
    }
    // Ids grow: a smaller one is for an execution that has ended (cleared, so loops are back to one read);
    // a larger one waits for its execution, which the client sent before it interrupted it.
    if (id < this.pipeId) Atomics.compareExchange(f, INTERRUPT, id, 0);
  };

  enqueue(req: ExecuteRequest): void {
    this.queue.push(req);
    void this.drain();
  }

  /** Interrupts the running execution (`id` absent: whichever runs). */
  interrupt(id?: string): void {
    if (this.current && (!id || id === this.current.id)) this.current.interrupt();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) await this.execute(this.queue.shift()!);
    } finally {
      this.running = false;
    }
  }

  private async execute(req: ExecuteRequest): Promise<void> {
    const { outputs } = this.d;
    const started = performance.now();
    let status: 'ok' | 'error' | 'interrupted' = 'ok';
    let interrupt!: () => void;
    const interrupted = new Promise<typeof Interrupted>((r) => (interrupt = () => r(Interrupted)));
    this.current = { id: req.id, interrupt };
    // Not cleared here: an interrupt for this execution may reach the watchdog before the execution starts.
    this.pipeId = interruptId(req.id);
    outputs.target = req.id;
    const events = this.d.events();
    if (events) events.cell = req.cell;
    this.d.onCell?.(req.cell);
    try {
      if (!this.d.runtime()) throw new Error('the kernel is not initialised');
      const other = req.language ? this.d.languages?.[req.language] : undefined;
      if (other) status = await other(req, interrupted);
      else if (req.language && !SCRIPT_LANGUAGES.has(req.language))
        throw unsupportedLanguage(req, Object.keys(this.d.languages ?? {}));
      else await this.runScript(req, interrupted);
    } catch (e) {
      // instanceof on a hostile thrown value (a revoked Proxy) throws: errorOutput guards its own reads.
      let isInterrupt: boolean;
      try {
        isInterrupt = e instanceof Interrupted;
      } catch {
        isInterrupt = false;
      }
      status = isInterrupt ? 'interrupted' : 'error';
      outputs.emit(
        isInterrupt ? interruptedOutput(req.cell, 'variables and handles are kept') : this.d.errorOutput(e),
      );
    }
    try {
      await this.d.runtime()?.settle();
    } catch (e) {
      outputs.emit(this.d.errorOutput(e));
    }
    outputs.flush();
    events?.flush();
    this.current = null;
    this.pipeId = 0;
    if (events) events.cell = null;
    this.d.onCell?.(null);
    this.d.markNativeEnd?.(req.id);
    send({
      type: 'done',
      id: req.id,
      status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  }

  /** A TypeScript (or JavaScript) cell: transpiled, run in this process's global scope. */
  private async runScript(req: ExecuteRequest, interrupted: Promise<typeof Interrupted>): Promise<void> {
    const t = await transpileCell(req.source, req.cell);
    const filename = `cell-${req.cell}.${++this.seq}.js`;
    this.d.scripts.set(filename, { cell: req.cell, map: t.map, prefixLength: t.prefixLength });
    const promise = new vm.Script(t.code, { filename }).runInThisContext() as Promise<{
      hasValue: boolean;
      value?: unknown;
    }>;
    promise.catch(() => {}); // an abandoned (interrupted) cell may still reject later
    const r = await Promise.race([promise, interrupted]);
    if (r === Interrupted) throw new Interrupted('interrupted');
    const result = r as { hasValue: boolean; value?: unknown };
    if (result.hasValue && result.value !== undefined)
      this.d.outputs.emit({ kind: 'result', data: resultBundle(result.value) });
  }
}
