// The client side of a kernel: spawns the kernel process, runs cells, relays outputs and events, and
// turns a dying kernel into a clear message. Plain Node: used by the VS Code controller, the CLI runner,
// tests and benchmarks alike (contract: /work/notes/client-contract.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Duplex, Readable, Writable } from 'node:stream';
import { ControlChannel } from './control.ts';
import { interruptLine } from './watchdog.ts';
import { splitNative } from './native-output.ts';
import {
  PROTOCOL_VERSION,
  isKernelMessage,
  type CellOutput,
  type KernelEvent,
  type KernelMessage,
  type ReadyMessage,
} from '../../protocol/index.ts';

export interface KernelOptions {
  /** Generator output folder. */
  bindingsDir: string;
  /** "mock" or HOST:PORT[,…]. */
  bootstrap: string;
  /** Cells' working directory and node_modules root. */
  cwd: string;
  /** Publish events (default true). */
  events?: boolean;
  /** librdkafka.so override. */
  library?: string;
  /** Applied to every conf the cells create (e.g. SASL credentials); never logged. */
  clusterConfig?: Record<string, string>;
  /** Default process.execPath; always spawned with ELECTRON_RUN_AS_NODE=1. */
  execPath?: string;
  /** Default: kernel.mjs next to the client bundle (or in the nearest dist/ above it). */
  kernelScript?: string;
  /** Milliseconds to wait for the kernel to be ready (default 20000). */
  startTimeoutMs?: number;
}

export type ExecuteStatus = 'ok' | 'error' | 'interrupted';
export interface ExecuteResult {
  status: ExecuteStatus;
  durationMs: number;
}
export interface ExitInfo {
  code: number | null;
  signal: string | null;
  message: string;
}

interface Pending {
  id: string;
  cell: number;
  onOutput: (o: CellOutput) => void;
  resolve: (r: ExecuteResult) => void;
  started: number;
  /** The kernel said it is done; resolved once its text on fd 1 and 2 is in too. */
  done?: ExecuteResult;
  /** The native streams whose end mark for this execution has come (native-output.ts). */
  ended: Set<NativeStream>;
  markTimer?: NodeJS.Timeout;
}

type NativeStream = 'stdout' | 'stderr';

declare const __dirname: string | undefined;

/** Where the kernel bundle is: next to this bundle, else in the nearest `dist/` above it. */
export function defaultKernelScript(): string {
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (let dir = here; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'kernel.mjs'), join(dir, 'dist', 'kernel.mjs')])
      if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) return join(here, 'kernel.mjs');
  }
}

/** The kernel's end of the kernel → client channel (TEAM.md: fd 5). */
const CHANNEL_FD = 5;
/** How long, after the kernel exited, the client still reads what it wrote last. */
const DRAIN_MS = 1000;
/** How long a finished cell waits for its end marks on fd 1 and 2 (they come within a millisecond). */
const MARK_WAIT_MS = 1000;

/** The kernel process ended before it was ready. */
class EarlyExit extends Error {
  constructor(
    message: string,
    readonly code: number | null,
  ) {
    super(message);
  }
}

/**
 * Ends what is left of a kernel's process group (it is spawned `detached`, the group's leader): the
 * programs its cells started through child_process (kcat, a C client, `sleep`) would outlive it with
 * PPID 1. A program meant to outlive the kernel is started `detached` (a group of its own).
 */
function endGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: nothing of the group is left
  }
}

export class KernelClient {
  info!: ReadyMessage;
  private child: ChildProcess | null = null;
  private pending: Pending[] = [];
  private seq = 0;
  private eventListeners = new Set<(events: KernelEvent[]) => void>();
  private exitListeners = new Set<(info: ExitInfo) => void>();
  private strayListeners = new Set<(output: CellOutput, cell: number | null) => void>();
  /** Cell of recently finished executions, for output that arrives after its cell finished. */
  private finished = new Map<string, number>();
  private stopping = false;
  /** Why the client killed the kernel (said in the running cell's outputs). */
  private killReason: string | null = null;
  private stderrTail = '';
  /** Panel actions for the kernel's control thread (served even while a cell is busy). */
  control: ControlChannel = new ControlChannel(null);
  private messageListeners = new Map<string, Set<(message: { type: string }) => void>>();
  /** Per kernel process: settles once its exit has been handled (its last outputs read). */
  private exited = new WeakMap<ChildProcess, Promise<void>>();

  private constructor(private opts: KernelOptions) {}

  /** Starts a kernel; rejects with an Error whose message is one sentence saying what to do. */
  static async start(opts: KernelOptions): Promise<KernelClient> {
    const client = new KernelClient(opts);
    try {
      await client.spawn();
    } catch (e) {
      // A kernel that ends with code 0 before `ready` has not failed to load anything (that is a `fatal`
      // message, exit code 1): seen rarely on a heavily loaded machine. One more try; its stderr line
      // (main.ts) says how far start-up got, in the message if the second attempt fails too.
      if (!(e instanceof EarlyExit) || e.code !== 0) throw e;
      await client.spawn();
    }
    return client;
  }

  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Process id of the running kernel. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawn(): Promise<void> {
    const script = this.opts.kernelScript ?? defaultKernelScript();
    if (!existsSync(script))
      return Promise.reject(
        new Error(`kernel bundle not found at ${script}: build it with \`node scripts/build.mjs\``),
      );
    this.stopping = false;
    this.killReason = null;
    this.stderrTail = '';
    const child = spawn(this.opts.execPath ?? process.execPath, [script], {
      cwd: existsSync(this.opts.cwd) ? this.opts.cwd : process.cwd(),
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      // fd 6: the control pipe (control.ts), read by the kernel's control thread.
      stdio: ['ignore', 'pipe', 'pipe', 'ipc', 'pipe', 'pipe', 'pipe'],
      serialization: 'advanced',
      // Its own process group: Ctrl-C in a terminal reaches the client, which interrupts the cell and
      // then shuts the kernel down; the kernel ends when the client does (its watchdog, main.ts).
      detached: true,
    });
    this.child = child;
    let exitHandled!: () => void;
    this.exited.set(child, new Promise<void>((r) => (exitHandled = r)));
    const channel = (child.stdio as unknown as (Readable | null)[])[CHANNEL_FD] ?? null;
    // Native code (librdkafka's own logger, printf) writes straight to the kernel's fd 1/2. Its text
    // belongs to the first execution whose end mark has not come on that stream yet.
    const native = (name: NativeStream) => {
      const decoder = new StringDecoder('utf8');
      let carry = '';
      return (d: Buffer) => {
        const split = splitNative(carry, decoder.write(d));
        carry = split.carry;
        for (const part of split.parts) {
          if ('end' in part) {
            this.nativeEnded(name, part.end);
            continue;
          }
          const text = part.text;
          if (name === 'stderr') this.stderrTail = (this.stderrTail + text).slice(-4000);
          const owner = this.pending.find((p) => !p.ended.has(name));
          if (owner) owner.onOutput({ kind: 'stream', name, text });
          else this.stray({ kind: 'stream', name, text }, null);
        }
      };
    };
    this.control = new ControlChannel((child.stdio as unknown as (Duplex | null)[])[6] ?? null);
    child.stdout!.on('data', native('stdout'));
    child.stderr!.on('data', native('stderr'));
    (child.stdio[4] as Writable | null)?.on('error', () => {});

    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        child.kill('SIGKILL');
        reject(
          new Error(
            `the kernel did not start within ${(this.opts.startTimeoutMs ?? 20000) / 1000} s: check that ${script} runs with ${this.opts.execPath ?? process.execPath}`,
          ),
        );
      }, this.opts.startTimeoutMs ?? 20000);
      const receive = (m: KernelMessage) => {
        if (!settled) {
          if (m.type === 'ready') {
            settled = true;
            clearTimeout(timer);
            this.info = m;
            resolve();
          } else if (m.type === 'fatal') {
            settled = true;
            clearTimeout(timer);
            this.stopping = true;
            reject(new Error(m.message));
          }
          return;
        }
        this.dispatch(m);
      };
      child.on('message', receive);
      const channelEnded = channel ? this.readChannel(channel, receive) : Promise.resolve();
      child.on('exit', (code, signal) => {
        endGroup(child.pid);
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          // 'exit' can come before the last of stderr has been read: wait (briefly) for its end, so
          // the message quotes what the kernel said last.
          const fail = () => {
            const tail = this.stderrTail.trim().split('\n').slice(-3).join(' ');
            reject(
              new EarlyExit(
                `the kernel exited while starting (${signal ?? `exit code ${code}`})${tail ? `: ${tail}` : ''}`,
                signal ? null : code,
              ),
            );
          };
          const stderr = child.stderr;
          if (!stderr || stderr.readableEnded) fail();
          else {
            const t = setTimeout(fail, 500);
            stderr.once('end', () => {
              clearTimeout(t);
              fail();
            });
          }
        }
        // What the kernel wrote last (the outputs before a crash) is still in the channel: read it first.
        let handled = false;
        const handle = () => {
          if (handled) return;
          handled = true;
          this.handleExit(child, code, signal);
          exitHandled();
        };
        const drained = setTimeout(handle, DRAIN_MS);
        void channelEnded.then(() => {
          clearTimeout(drained);
          handle();
        });
      });
      child.on('error', (e) => {
        if (!settled) {
          settled = true;
          clearTimeout(timer);
          reject(
            new Error(
              `could not start the kernel with ${this.opts.execPath ?? process.execPath}: ${e.message}`,
            ),
          );
        }
      });
      child.send({
        type: 'init',
        protocol: PROTOCOL_VERSION,
        bindingsDir: this.opts.bindingsDir,
        ...(this.opts.library ? { library: this.opts.library } : {}),
        bootstrap: this.opts.bootstrap,
        ...(this.opts.clusterConfig ? { clusterConfig: this.opts.clusterConfig } : {}),
        cwd: this.opts.cwd,
        events: this.opts.events ?? true,
        ...(channel ? { channel: CHANNEL_FD } : {}),
      });
    });
  }

  /** Splits the channel into JSON lines; resolves at its end. */
  private readChannel(channel: Readable, onMessage: (m: KernelMessage) => void): Promise<void> {
    let partial = '';
    channel.setEncoding('utf8');
    channel.on('data', (chunk: string) => {
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
        const line = partial + chunk.slice(start, nl);
        partial = '';
        start = nl + 1;
        let m: unknown;
        try {
          m = JSON.parse(line);
        } catch {
          continue; // not ours: the channel carries only whole JSON lines
        }
        if (isKernelMessage(m)) onMessage(m);
      }
      partial += chunk.slice(start);
    });
    channel.on('error', () => {});
    return new Promise((resolve) => {
      channel.once('end', resolve);
      channel.once('close', resolve);
    });
  }

  private dispatch(m: KernelMessage): void {
    switch (m.type) {
      case 'output': {
        const p = this.pending.find((x) => x.id === m.id);
        if (p) p.onOutput(m.output);
        else this.stray(m.output, this.finished.get(m.id) ?? null);
        break;
      }
      case 'done': {
        const p = this.pending.find((x) => x.id === m.id);
        if (!p) break;
        p.done = { status: m.status, durationMs: m.durationMs };
        // A kernel that writes no end marks (an older bundle): its done is the end.
        if (!this.info.nativeEndMarks) p.ended.add('stdout').add('stderr');
        if (p.ended.size === 2) this.finish(p);
        else p.markTimer = setTimeout(() => this.finish(p), MARK_WAIT_MS);
        break;
      }
      case 'events':
        if (m.events.length) for (const l of this.eventListeners) l(m.events);
        break;
      default:
        for (const l of this.messageListeners.get((m as { type: string }).type) ?? []) l(m);
        break;
    }
  }

  /** An end mark on `name`: executions run in order, so every one up to `id` has ended there. */
  private nativeEnded(name: NativeStream, id: string): void {
    const upTo = this.pending.findIndex((p) => p.id === id);
    for (const p of this.pending.slice(0, upTo + 1)) {
      p.ended.add(name);
      if (p.done && p.ended.size === 2) this.finish(p);
    }
  }

  /** The cell ended and its text is in: resolves its execution. */
  private finish(p: Pending): void {
    const i = this.pending.indexOf(p);
    if (i < 0 || !p.done) return;
    clearTimeout(p.markTimer);
    this.pending.splice(i, 1);
    this.finished.set(p.id, p.cell);
    if (this.finished.size > 1000) this.finished.delete(this.finished.keys().next().value!);
    p.resolve(p.done);
  }

  /** The execution the kernel is running (not one that is done and waits for its end marks). */
  private get running(): Pending | undefined {
    return this.pending.find((p) => !p.done);
  }

  private handleExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    for (const p of this.pending.filter((x) => x.done)) {
      // Done before the kernel ended: what it printed is all there is.
      p.ended.add('stdout').add('stderr');
      this.finish(p);
    }
    const running = this.pending[0];
    const how = signal ?? `exit code ${code}`;
    let message: string;
    if (this.killReason !== null) message = this.killReason;
    else if (this.stopping) message = 'kernel shut down';
    else if (running) message = `kernel died (${how}) while running cell ${running.cell}`;
    else message = `kernel died (${how})`;
    for (const [i, p] of this.pending.entries()) {
      if (this.killReason !== null) {
        if (i === 0) p.onOutput({ kind: 'error', name: 'KernelKilled', message, stack: '' });
      } else if (!this.stopping) {
        const text = i === 0 ? message : `kernel died (${how}) before cell ${p.cell} ran`;
        p.onOutput({ kind: 'error', name: 'KernelDied', message: text, stack: '' });
      }
      p.resolve({ status: 'error', durationMs: Date.now() - p.started });
    }
    this.pending = [];
    for (const l of this.exitListeners) l({ code, signal, message });
  }

  /** Runs one cell; outputs stream to onOutput as they happen. Cells queue in the kernel in call order. */
  /** Runs a cell; `language` 'c' compiles and runs it as a program (C cells), otherwise TypeScript. */
  execute(
    cell: number,
    source: string,
    onOutput: (o: CellOutput) => void,
    language?: string,
  ): Promise<ExecuteResult> {
    const child = this.child;
    if (!child || !this.alive) {
      onOutput({
        kind: 'error',
        name: 'KernelDied',
        message: 'the kernel is not running: restart it',
        stack: '',
      });
      return Promise.resolve({ status: 'error', durationMs: 0 });
    }
    const id = String(++this.seq);
    return new Promise<ExecuteResult>((resolve) => {
      this.pending.push({ id, cell, onOutput, resolve, started: Date.now(), ended: new Set() });
      child.send({ type: 'execute', id, cell, source, ...(language ? { language } : {}) });
    });
  }

  /** Interrupts the running cell (a synchronous loop or a pending await); the kernel's state is kept. */
  interrupt(): void {
    const running = this.running;
    if (!this.child || !running) return;
    // Both ways: the pipe reaches a busy thread (a synchronous loop), IPC a pending await. The pipe's line
    // names the execution, so one that arrives after the cell ended stops no later cell (watchdog.ts).
    (this.child.stdio[4] as Writable | null)?.write(interruptLine(running.id));
    this.child.send({ type: 'interrupt', id: running.id });
  }

  /** Shuts the kernel down (destroying every handle the cells created) and starts a fresh one. */
  async restart(): Promise<void> {
    await this.shutdown();
    await this.spawn();
  }

  /**
   * Destroys every handle the cells created and ends the kernel process; killed when it has not ended
   * within `graceMs` (default 10 s: a real cluster may take a while to close a consumer).
   */
  async shutdown(graceMs = 10000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const running = this.running;
    if (running) (child.stdio[4] as Writable | null)?.write(interruptLine(running.id));
    if (child.connected) child.send({ type: 'shutdown' });
    else child.kill('SIGKILL');
    await this.exited.get(child);
    clearTimeout(timer);
  }

  /**
   * Kills the kernel now (a cell stuck where no interrupt reaches). `reason` is the running cell's last
   * output, e.g. "cell 3 was still running 2 s after --timeout 5 s and was killed".
   */
  async kill(reason: string): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.killReason = reason;
    child.kill('SIGKILL');
    await this.exited.get(child);
  }

  /** Sends another room's request (its own block in protocol/index.ts) to the kernel; false when none runs. */
  post(message: { type: string; [field: string]: unknown }): boolean {
    if (!this.child || !this.alive || !this.child.connected) return false;
    this.child.send(message);
    return true;
  }

  /** Messages of a kind this client does not handle itself (other rooms' kinds on the kernel's channel). */
  onMessage<M extends { type: string }>(type: string, listener: (message: M) => void): () => void {
    let set = this.messageListeners.get(type);
    if (!set) this.messageListeners.set(type, (set = new Set()));
    const l = listener as (message: { type: string }) => void;
    set.add(l);
    return () => set.delete(l);
  }

  onEvents(listener: (events: KernelEvent[]) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /**
   * Output that belongs to no running cell: what a finished cell's timers or callbacks print later (with
   * that cell's index), and librdkafka's own printing between cells (cell null).
   */
  onStrayOutput(listener: (output: CellOutput, cell: number | null) => void): () => void {
    this.strayListeners.add(listener);
    return () => this.strayListeners.delete(listener);
  }

  private stray(output: CellOutput, cell: number | null): void {
    for (const l of this.strayListeners) l(output, cell);
  }

  onExit(listener: (info: ExitInfo) => void): () => void {
    this.exitListeners.add(listener);
    return () => this.exitListeners.delete(listener);
  }
}
