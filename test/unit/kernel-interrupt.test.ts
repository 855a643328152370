// Interrupts and the order they arrive in: the kernel's execution queue (execution.ts) with its real
// watchdog thread (watchdog.ts) reading a real pipe, the real runtime (bindings, librdkafka) and real
// transpiled cells, in this process. The race: the client interrupts a cell both ways (a line on fd 4 for
// a busy thread, IPC for a pending await); when IPC stops the cell first, the pipe's line may reach the
// watchdog only while a later cell runs. That line must stop nothing but the execution it names.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ExecuteRequest, KernelMessage } from '../../protocol/index.ts';
import { openChannel } from '../../extension/kernel/channel.ts';
import { EventStream } from '../../extension/kernel/events.ts';
import { Execution } from '../../extension/kernel/execution.ts';
import { Outputs } from '../../extension/kernel/outputs.ts';
import { TICK } from '../../extension/kernel/rewrite.ts';
import { Runtime } from '../../extension/kernel/runtime.ts';
import { INTERRUPT, interruptLine, startWatchdog } from '../../extension/kernel/watchdog.ts';
import { ensureBindingsSync } from '../support/bindings.ts';

const dir = mkdtempSync(join(tmpdir(), 'wb-interrupt-'));
const fifo = join(dir, 'interrupt');
execFileSync('mkfifo', [fifo]);
// The watchdog's end (read-write, so opening it does not wait for a writer) and the client's end.
const readEnd = openSync(fifo, constants.O_RDWR);
const writeEnd = openSync(fifo, constants.O_WRONLY);
const flags = startWatchdog(readEnd);
// What the kernel sends (outputs, `done`) goes to a file, read back once a cell has ended.
const channelFile = join(dir, 'channel.jsonl');
const channelFd = openSync(channelFile, 'w');
openChannel(channelFd, () => {});

const g = globalThis as unknown as Record<string, unknown>;
let runtime: Runtime | null = null;
let ended: (() => void) | null = null;
const outputs = new Outputs();
const execution = new Execution({
  outputs,
  runtime: () => runtime,
  events: () => null,
  scripts: new Map(),
  flags,
  errorOutput: (e) => ({ kind: 'error', name: 'Error', message: String(e), stack: '' }),
  onCell: (cell) => {
    // `done` is sent right after this: the waiter reads the channel once this synchronous run is over.
    if (cell === null) queueMicrotask(() => ended?.());
  },
});
g[TICK] = execution.tick;

before(async () => {
  runtime = await Runtime.load({
    bindingsDir: ensureBindingsSync(),
    bootstrap: 'mock',
    events: new EventStream({ enabled: false, send: () => {} }),
    onCallbackError: () => {},
  });
});
after(() => {
  runtime?.shutdown();
  closeSync(writeEnd);
  closeSync(channelFd);
});

let seq = 0;
/** Runs one cell; `started` runs once the execution is under way. Resolves with its `done` status. */
async function run(source: string, started?: (id: string) => void): Promise<{ id: string; status: string }> {
  const id = String(++seq);
  const req: ExecuteRequest = { type: 'execute', id, cell: seq, source };
  const end = new Promise<void>((r) => (ended = r));
  execution.enqueue(req);
  started?.(id);
  await end;
  const done = readFileSync(channelFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as KernelMessage)
    .find((m) => m.type === 'done' && m.id === id);
  assert.ok(done && done.type === 'done', `no done for execution ${id}`);
  return { id, status: done.status };
}

/**
 * Resolves once the watchdog thread has stored `id` (it reads the pipe on its own event loop). Each test's
 * timeout is the guard against a watchdog that never does.
 */
async function watchdogHas(id: string): Promise<void> {
  while (flags[INTERRUPT] !== Number(id)) await new Promise((r) => setImmediate(r));
}

test(
  'an interrupt that reaches the watchdog after its cell ended (stopped through IPC) does not stop the next cell',
  { timeout: 60_000 },
  async () => {
    // Cell A waits forever; the client interrupts it through IPC, which ends it (its pipe line is late).
    const a = await run('await new Promise(() => {})', (id) => setImmediate(() => execution.interrupt(id)));
    assert.equal(a.status, 'interrupted');
    // Cell B waits for the test, then loops: A's line reaches the watchdog while B runs, before B's loop.
    let open!: () => void;
    g.__gate = new Promise<void>((r) => (open = r));
    const b = await run(
      'await (globalThis as any).__gate; let n = 0; for (let i = 0; i < 1000; i++) n++; n',
      () => {
        writeSync(writeEnd, interruptLine(a.id));
        void watchdogHas(a.id).then(open);
      },
    );
    assert.equal(b.status, 'ok', "A's late interrupt stopped cell B's loop");
  },
);

test(
  'an interrupt that reaches the watchdog before its execution started still stops that execution',
  { timeout: 60_000 },
  async () => {
    // The client sent execute, then interrupt: the pipe's line may be read before the cell begins.
    const next = String(seq + 1);
    writeSync(writeEnd, interruptLine(next));
    await watchdogHas(next);
    const r = await run('let spins = 0; for (let i = 0; i < 1e7; i++) spins++;');
    assert.equal(r.id, next);
    assert.equal(r.status, 'interrupted');
  },
);

test(
  'the interrupt of the running cell stops its loop once; the cell can catch it and go on',
  { timeout: 60_000 },
  async () => {
    const r = await run(
      [
        'let caught = 0;',
        'try { for (;;) { await (globalThis as any).__turn; } } catch (e) { caught++; }',
        'for (let i = 0; i < 1000; i++) caught += 0;',
        'caught',
      ].join('\n'),
      (id) => {
        g.__turn = Promise.resolve();
        writeSync(writeEnd, interruptLine(id));
      },
    );
    assert.equal(r.status, 'ok');
    const result = readFileSync(channelFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as KernelMessage)
      .find((m) => m.type === 'output' && m.id === r.id && m.output.kind === 'result');
    assert.ok(result && result.type === 'output' && result.output.kind === 'result');
    assert.equal(result.output.data['text/plain'], '1');
  },
);
