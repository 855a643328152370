// The kernel process: one per notebook, spawned by client.ts with an IPC channel (fd 3, client → kernel),
// an interrupt pipe (fd 4) and the kernel → client channel (fd 5). This file wires the pieces: messages in,
// start-up and shutdown. Running cells: execution.ts; outputs: outputs.ts; the channel: channel.ts; the
// watchdog thread: watchdog.ts; thrown values → outputs: errors.ts. Never imports vscode.
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { PROTOCOL_VERSION, type ClientMessage, type InitRequest } from '../../protocol/index.ts';
import { EventStream } from './events.ts';
import { FatalError, Runtime } from './runtime.ts';
import { warmUp } from './transpile.ts';
import { rewriteStack, type CellScript } from './sourcemap.ts';
import { displayBundle, jsonBundle } from './display.ts';
import { answerTool, toolsReady } from './tools.ts';
import { makeImporter } from './imports.ts';
import { IMPORT, TICK } from './rewrite.ts';
import { ControlRoom, controlFd } from './control-room.ts';
import { openChannel, send } from './channel.ts';
import { Outputs } from './outputs.ts';
import { errorOutput as toErrorOutput } from './errors.ts';
import { Execution } from './execution.ts';
import { startWatchdog } from './watchdog.ts';
import { runCCell } from './c-cell.ts';
import { EventHistory, historyGlobals } from './event-history.ts';
import type { CellDisplay, CellGlobals } from './cell-api.ts';
import { explainAbsent } from './absent.ts';

const KERNEL_FILE = fileURLToPath(import.meta.url);

if (!process.send) {
  console.error('the rdkafka workbench kernel is started by its client (an IPC channel is required)');
  process.exit(2);
}

let runtime: Runtime | null = null;
let events: EventStream | null = null;
let controlRoom: ControlRoom | null = null;
let cwd = process.cwd();
let bindingsDir = '';
const history = new EventHistory();
const scripts = new Map<string, CellScript>();
const g = globalThis as unknown as Record<string, unknown>;

const errorOutput = (e: unknown) => {
  // A C name this librdkafka lacks: say so, and which installed versions have it (absent.ts).
  try {
    explainAbsent(e, runtime?.bindings.model.librdkafka.version, runtime?.bindings.model);
  } catch {
    // the error path never throws: the plain message is still shown
  }
  return toErrorOutput(e, (stack) => rewriteStack(stack, scripts, [KERNEL_FILE, 'kernel.mjs']));
};

// Interrupts and the client's end, seen by a thread of their own even while this one is busy.
let flags: Int32Array<ArrayBufferLike> = new Int32Array(2);
try {
  flags = startWatchdog(4);
} catch {
  // no interrupt pipe (started by hand): interrupts of pending awaits still work through IPC
}
// Ctrl-C in a terminal reaches the whole process group: the client decides what an interrupt means.
process.on('SIGINT', () => {});

const outputs = new Outputs();
outputs.captureProcessStreams();
const execution = new Execution({
  outputs,
  runtime: () => runtime,
  events: () => events,
  scripts,
  flags,
  errorOutput,
  languages: {
    c: (req, interrupted) =>
      runCCell(
        req,
        {
          bindingsDir,
          library: runtime!.library,
          // The cluster as cells see it: the embedded mock one is started on first use.
          bootstrap: () => String(g.BOOTSTRAP),
          cwd,
          events,
          emit: (o) => outputs.emit(o),
          stream: (name, text) => outputs.stream(name, text),
        },
        interrupted,
      ),
  },
  onCell: (cell) => {
    if (controlRoom) controlRoom.cell = cell;
  },
  markNativeEnd: (id) => outputs.markNativeEnd(id),
});
// Every loop of cell code: the panel's actions' events (and, every 50 ms, the pending events of a busy
// cell) go out, then a pending interrupt stops the loop.
g[TICK] = () => {
  controlRoom?.drain();
  execution.tick();
};
g[IMPORT] = makeImporter(() => cwd);

g.display = Object.assign((value: unknown) => outputs.emit({ kind: 'display', data: displayBundle(value) }), {
  markdown: (text: string) =>
    outputs.emit({ kind: 'display', data: { 'text/markdown': String(text), 'text/plain': String(text) } }),
  html: (html: string) =>
    outputs.emit({ kind: 'display', data: { 'text/html': String(html), 'text/plain': String(html) } }),
  json: (value: unknown) => outputs.emit({ kind: 'display', data: jsonBundle(value) }),
});
const historyApi: Pick<CellGlobals, 'cellEvents' | 'compareEvents'> = historyGlobals(
  history,
  () => g.display as CellDisplay,
);
Object.assign(g, historyApi);

process.on('uncaughtException', (e) => outputs.emit(errorOutput(e)));
process.on('unhandledRejection', (e) => outputs.emit(errorOutput(e)));

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

/** Sends everything pending: text, then events. */
function flushAll(): void {
  outputs.flush();
  events?.flush();
}

/** Before a native call that can block: the text, the events in detail; counts at most every 50 ms. */
function flushBeforeBlocking(): void {
  outputs.flush();
  events?.flushBeforeBlocking();
}

async function init(req: InitRequest): Promise<void> {
  phase = 'init received';
  if (req.channel !== undefined) openChannel(req.channel, leave);
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
  bindingsDir = req.bindingsDir;
  events = new EventStream({
    enabled: req.events,
    send: (batch) => {
      history.add(batch);
      send({ type: 'events', events: batch });
    },
    // Faults the control thread sent the client itself (control-room.ts): cellEvents() has them too.
    adopted: (batch) => history.add(batch),
  });
  phase = 'loading koffi, the bindings and librdkafka';
  try {
    runtime = await Runtime.load({
      bindingsDir: req.bindingsDir,
      ...(req.library ? { library: req.library } : {}),
      bootstrap: req.bootstrap,
      ...(req.clusterConfig ? { clusterConfig: req.clusterConfig } : {}),
      events,
      // What the cell printed, and its events, are with the client before a call that can block starts.
      beforeBlockingCall: flushBeforeBlocking,
      onCallbackError: (cb, e) => {
        const out = errorOutput(e);
        outputs.emit({
          kind: 'stream',
          name: 'stderr',
          text: `error in ${cb}: ${out.stack || out.message}\n`,
        });
      },
    });
  } catch (e) {
    return fatal(e instanceof FatalError ? e.message : `the kernel could not start: ${errorOutput(e).stack}`);
  }
  phase = 'installing the globals';
  runtime.install(g);
  controlRoom = ControlRoom.forRuntime(runtime, events, controlFd());
  // CommonJS `require` for cells, resolving from the workspace like `import` does.
  g.require = createRequire(join(cwd, 'index.js'));
  toolsReady(g, runtime);
  const lib = runtime.bindings.model.librdkafka;
  send({
    type: 'ready',
    protocol: PROTOCOL_VERSION,
    librdkafka: { version: lib.version, versionInt: lib.versionInt, library: runtime.library },
    bootstrap: req.bootstrap,
    startupMs: Math.round(performance.now()),
    missing: runtime.bindings.missing(),
    nativeEndMarks: true,
  });
  phase = null;
  // Start esbuild's service now so the first cell does not pay for it.
  warmUp().catch(() => {});
}

function fatal(message: string): void {
  phase = null;
  send({ type: 'fatal', message }, () => process.exit(1));
}

/** Destroys the cells' handles and sends what is pending; `then` runs once it is all out. */
function shutdown(then: () => void): void {
  try {
    runtime?.shutdown();
    controlRoom?.stop();
  } catch (e) {
    outputs.emit(errorOutput(e));
  } finally {
    flushAll();
    // An empty batch as the last message: once it is delivered, everything before it is too.
    send({ type: 'events', events: [] }, then);
  }
}

/**
 * The client went away: release librdkafka's handles and leave (the watchdog kills us if this hangs),
 * with the programs the cells started: nobody is left to end the kernel's process group (client.ts).
 */
function leave(): void {
  if (phase !== null) phase += '; the client closed the IPC channel';
  try {
    runtime?.shutdown();
    controlRoom?.stop();
  } finally {
    try {
      process.kill(-process.pid, 'SIGKILL'); // this process too: nobody waits for its exit code
    } catch {
      // not a group leader (started by something else than client.ts): only this process ends
    }
    process.exit(0);
  }
}

process.on('message', (m: ClientMessage) => {
  switch (m.type) {
    case 'init':
      void init(m);
      break;
    case 'execute':
      execution.enqueue(m);
      break;
    case 'interrupt':
      execution.interrupt(m.id);
      break;
    case 'shutdown':
      shutdown(() => process.exit(0));
      break;
    default:
      answerTool(m); // the Variables view, Debug Cell, ports (tools.ts)
      break;
  }
});
process.on('disconnect', leave);
