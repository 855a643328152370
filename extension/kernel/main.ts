// The kernel process: one per notebook, spawned by client.ts with an IPC channel (fd 3) and an interrupt
// pipe (fd 4). Runs cells one at a time in this process's global scope, streams their outputs and the
// events of their librdkafka handles back to the client. Never imports vscode.
import vm from 'node:vm';
import { fstatSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import {
  PROTOCOL_VERSION,
  type CellOutput,
  type ClientMessage,
  type ExecuteRequest,
  type InitRequest,
  type KernelMessage,
} from '../../protocol/index.ts';
import { EventStream } from './events.ts';
import { FatalError, Runtime } from './runtime.ts';
import { CellSyntaxError, transpileCell, warmUp } from './transpile.ts';
import { rewriteStack, type CellScript } from './sourcemap.ts';
import { displayBundle, resultBundle } from './display.ts';
import { makeImporter } from './imports.ts';
import { startInterruptWatcher } from './workers.ts';
import { IMPORT, TICK } from './rewrite.ts';
import { ControlRoom } from './control-room.ts';

const KERNEL_FILE = fileURLToPath(import.meta.url);
const send = (m: KernelMessage, cb?: () => void) => {
  if (process.connected) process.send!(m, undefined, undefined, cb);
  else cb?.();
};

if (!process.send) {
  console.error('the rdkafka workbench kernel is started by its client (an IPC channel is required)');
  process.exit(2);
}

class Interrupted extends Error {
  override name = 'Interrupted';
}

let runtime: Runtime | null = null;
let events: EventStream | null = null;
let controlRoom: ControlRoom | null = null;
const scripts = new Map<string, CellScript>();
let scriptSeq = 0;
let current: { id: string; cell: number; interrupt: () => void } | null = null;
let lastId: string | null = null;
let cwd = process.cwd();
const queue: ExecuteRequest[] = [];
let running = false;
const g = globalThis as unknown as Record<string, unknown>;

// Interrupt flag, set by the watcher thread even while this thread is stuck in a loop.
let flag: Int32Array = new Int32Array(1);
try {
  flag = startInterruptWatcher(4);
} catch {
  // no interrupt pipe (started by hand): interrupts of pending awaits still work through IPC
}
g[TICK] = () => {
  // Panel actions' events, and (every 50 ms, flagged by the control thread) the pending events of a busy cell.
  controlRoom?.drain();
  if (flag[0] && current) {
    flag[0] = 0;
    throw new Interrupted('interrupted');
  }
};
g[IMPORT] = makeImporter(() => cwd);

// ---------------------------------------------------------------------------------------------------
// Outputs: console and process.stdout/stderr writes of cells, batched per stream.

const pendingText: { name: 'stdout' | 'stderr'; text: string; id: string } = {
  name: 'stdout',
  text: '',
  id: '',
};
let textTimer: ReturnType<typeof setTimeout> | null = null;

function flushText(): void {
  if (textTimer) clearTimeout(textTimer);
  textTimer = null;
  if (!pendingText.text) return;
  send({
    type: 'output',
    id: pendingText.id,
    output: { kind: 'stream', name: pendingText.name, text: pendingText.text },
  });
  pendingText.text = '';
}

function output(o: CellOutput, id = current?.id ?? lastId): void {
  if (!id) return;
  flushText();
  send({ type: 'output', id, output: o });
}

function streamText(name: 'stdout' | 'stderr', text: string): void {
  const id = current?.id ?? lastId;
  if (!id) return;
  if (pendingText.text && (pendingText.name !== name || pendingText.id !== id)) flushText();
  pendingText.name = name;
  pendingText.id = id;
  pendingText.text += text;
  if (pendingText.text.length > 65536) flushText();
  else if (!textTimer) textTimer = setTimeout(flushText, 10);
}

for (const name of ['stdout', 'stderr'] as const) {
  const stream = process[name];
  stream.write = ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
    streamText(
      name,
      typeof chunk === 'string'
        ? chunk
        : Buffer.from(chunk).toString(typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8'),
    );
    const done = typeof enc === 'function' ? enc : cb;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof stream.write;
}

function errorOutput(e: unknown): CellOutput {
  if (e instanceof CellSyntaxError)
    return { kind: 'error', name: 'SyntaxError', message: e.message, stack: `SyntaxError: ${e.message}` };
  if (e instanceof Error || (e && typeof e === 'object' && 'stack' in e)) {
    const err = e as Error;
    const stack = rewriteStack(String(err.stack ?? `${err.name}: ${err.message}`), scripts, [
      KERNEL_FILE,
      'kernel.mjs',
    ]);
    return { kind: 'error', name: err.name ?? 'Error', message: String(err.message ?? ''), stack };
  }
  return { kind: 'error', name: 'Error', message: `uncaught ${typeof e}: ${String(e)}`, stack: '' };
}

g.display = Object.assign((value: unknown) => output({ kind: 'display', data: displayBundle(value) }), {
  markdown: (text: string) =>
    output({ kind: 'display', data: { 'text/markdown': String(text), 'text/plain': String(text) } }),
  html: (html: string) =>
    output({ kind: 'display', data: { 'text/html': String(html), 'text/plain': String(html) } }),
  json: (value: unknown) => output({ kind: 'display', data: resultBundle(value) }),
});

process.on('uncaughtException', (e) => output(errorOutput(e)));
process.on('unhandledRejection', (e) => output(errorOutput(e)));

// ---------------------------------------------------------------------------------------------------
// Messages

/**
 * How far start-up got. A kernel that ends before `ready` says so on stderr, which the client quotes in
 * its "exited while starting" message: a rare exit with code 0 at high load was otherwise unexplained.
 */
let phase: string | null = 'waiting for the init message'; // null: ready, or the client was told why not
process.on('exit', (code) => {
  if (phase !== null)
    // fd 2 itself: process.stderr.write is redirected into cell outputs.
    writeSync(2, `kernel: exiting with code ${code} before it was ready (${phase})\n`);
});

async function init(req: InitRequest): Promise<void> {
  phase = 'init received';
  if (req.protocol !== PROTOCOL_VERSION) {
    return fatal(
      `client speaks kernel protocol ${req.protocol}, this kernel ${PROTOCOL_VERSION}: reinstall rdkafka workbench so both match`,
    );
  }
  cwd = req.cwd;
  try {
    process.chdir(cwd);
  } catch {
    return fatal(`the working folder ${cwd} does not exist: open a folder that exists`);
  }
  events = new EventStream({ enabled: req.events, send: (batch) => send({ type: 'events', events: batch }) });
  phase = 'loading koffi, the bindings and librdkafka';
  try {
    runtime = await Runtime.load({
      bindingsDir: req.bindingsDir,
      ...(req.library ? { library: req.library } : {}),
      bootstrap: req.bootstrap,
      ...(req.clusterConfig ? { clusterConfig: req.clusterConfig } : {}),
      events,
      onCallbackError: (cb, e) => {
        const out = errorOutput(e);
        if (out.kind === 'error')
          output({ kind: 'stream', name: 'stderr', text: `error in ${cb}: ${out.stack || out.message}\n` });
      },
    });
  } catch (e) {
    return fatal(
      e instanceof FatalError ? e.message : `the kernel could not start: ${(e as Error).stack ?? e}`,
    );
  }
  phase = 'installing the globals';
  runtime.install(g);
  controlRoom = new ControlRoom({
    fd: controlFd(),
    model: runtime.bindings.model as unknown as ConstructorParameters<typeof ControlRoom>[0]['model'],
    library: runtime.library,
    koffi: runtime.koffi,
    native: (name) => runtime!.native(name),
    missing: runtime.bindings.missing(),
    events,
  });
  runtime.setControlRoom(controlRoom);
  // CommonJS `require` for cells, resolving from the workspace like `import` does.
  g.require = createRequire(join(cwd, 'index.js'));
  const lib = runtime.bindings.model.librdkafka;
  send({
    type: 'ready',
    protocol: PROTOCOL_VERSION,
    librdkafka: { version: lib.version, versionInt: lib.versionInt, library: runtime.library },
    bootstrap: req.bootstrap,
    startupMs: Math.round(performance.now()),
    missing: runtime.bindings.missing(),
  });
  phase = null;
  // Start esbuild's service now so the first cell does not pay for it.
  warmUp().catch(() => {});
}

/** fd 6, the client's control pipe (panel actions), when the client opened one. */
function controlFd(): number | null {
  try {
    return fstatSync(6).isSocket() ? 6 : null;
  } catch {
    return null;
  }
}

function fatal(message: string): void {
  phase = null;
  send({ type: 'fatal', message }, () => process.exit(1));
}

async function execute(req: ExecuteRequest): Promise<void> {
  const started = performance.now();
  let status: 'ok' | 'error' | 'interrupted' = 'ok';
  let interrupt!: () => void;
  const interrupted = new Promise<typeof Interrupted>((r) => (interrupt = () => r(Interrupted)));
  current = { id: req.id, cell: req.cell, interrupt };
  lastId = req.id;
  flag[0] = 0;
  if (events) events.cell = req.cell;
  if (controlRoom) controlRoom.cell = req.cell;
  try {
    if (!runtime) throw new Error('the kernel is not initialised');
    const t = await transpileCell(req.source, req.cell);
    const filename = `cell-${req.cell}.${++scriptSeq}.js`;
    scripts.set(filename, { cell: req.cell, map: t.map, prefixLength: t.prefixLength });
    const promise = new vm.Script(t.code, { filename }).runInThisContext() as Promise<{
      hasValue: boolean;
      value?: unknown;
    }>;
    promise.catch(() => {}); // an abandoned (interrupted) cell may still reject later
    const r = await Promise.race([promise, interrupted]);
    if (r === Interrupted) throw new Interrupted('interrupted');
    const result = r as { hasValue: boolean; value?: unknown };
    if (result.hasValue && result.value !== undefined)
      output({ kind: 'result', data: resultBundle(result.value) });
  } catch (e) {
    if (e instanceof Interrupted) {
      status = 'interrupted';
      output({
        kind: 'error',
        name: 'Interrupted',
        message: `cell ${req.cell} was interrupted`,
        stack: '',
      });
    } else {
      status = 'error';
      output(errorOutput(e));
    }
  }
  await runtime?.settle();
  flushText();
  events?.flush();
  current = null;
  if (events) events.cell = null;
  if (controlRoom) controlRoom.cell = null;
  send({
    type: 'done',
    id: req.id,
    status,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
  });
}

async function drain(): Promise<void> {
  if (running) return;
  running = true;
  while (queue.length) await execute(queue.shift()!);
  running = false;
}

function shutdown(): void {
  try {
    runtime?.shutdown();
    controlRoom?.stop();
  } finally {
    flushText();
    events?.flush();
    // An empty batch as the last message: its send callback says everything before it went out.
    send({ type: 'events', events: [] }, () => process.exit(0));
  }
}

process.on('message', (m: ClientMessage & { id?: string }) => {
  switch (m.type) {
    case 'init':
      void init(m);
      break;
    case 'execute':
      queue.push(m);
      void drain();
      break;
    case 'interrupt':
      if (current && (!m.id || m.id === current.id)) current.interrupt();
      break;
    case 'shutdown':
      shutdown();
      break;
    default:
      break;
  }
});
// The client went away: release librdkafka's handles and leave.
process.on('disconnect', () => {
  if (phase !== null) phase += '; the client closed the IPC channel';
  try {
    runtime?.shutdown();
  } finally {
    process.exit(0);
  }
});
