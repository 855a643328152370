// Killing the headless runner never leaves its kernel behind, whatever the running cell is stuck in:
// SIGTERM/SIGINT are forwarded as interrupt-then-shutdown (what ran is saved), and when the runner dies
// outright (SIGKILL: its parent killed it, or it crashed, as an extension host can) the kernel notices the
// end of its interrupt pipe and exits. The CLI as users start it, in a process of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNotebook } from '../../extension/notebook/format.ts';
import { parseRunArgs, runNotebook } from '../../cli/run.ts';
import { StopRequests } from '../../cli/stop.ts';
import { cliPath, repoRoot } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';
import { writeNotebook } from '../support/notebook.ts';

const dir = mkdtempSync(join(tmpdir(), 'wb-signals-'));

/** Whether `pid` is a running process (a zombie waiting for a reaper counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/s.test(stat);
  } catch {
    return false;
  }
}

/** Resolves when `pid` is gone; rejects after `ms` (then kills it, so that no test leaves it behind). */
async function gone(pid: number, ms: number, what = 'kernel'): Promise<void> {
  const until = Date.now() + ms;
  while (running(pid)) {
    if (Date.now() > until) {
      process.kill(pid, 'SIGKILL');
      throw new Error(`${what} ${pid} still running ${ms / 1000} s after its runner ended`);
    }
    await new Promise((r) => setTimeout(r, 50)); // polling /proc: a non-child's exit has no event to wait for
  }
}

// [set-up, busy part]: the cell prints its kernel's pid between the two, so the busy part has begun (or is
// about to, with nothing more to write) when the test kills the runner.
const BUSY: Record<string, [string, string]> = {
  'a loop the kernel checks': ['', 'while (true) {}'],
  'a loop no interrupt reaches (eval)': ['', 'eval("while(true){}")'],
  'a native call (rd_kafka_poll(rk, 60000))': [
    `const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, "bootstrap.servers", BOOTSTRAP, e, e.length);
const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);`,
    'rd_kafka_poll(rk, 60000);',
  ],
};

/** Starts the CLI on a notebook whose cell prints its kernel's pid and then is busy; resolves with both. */
async function start(
  name: string,
  [setup, busy]: [string, string],
): Promise<{
  cli: ChildProcess;
  kernel: number;
  out: string;
  exit: Promise<number | null>;
  printed: string;
}> {
  const nb = join(dir, `${name}.rdkafka`);
  const out = join(dir, `${name}.out.rdkafka`);
  writeNotebook(nb, [`${setup}\nconsole.log("kernel pid", process.pid);\n${busy}`]);
  const cli = spawn(process.execPath, [cliPath, 'run', nb, '--bindings', bindings(), '--out', out], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<number | null>((r) => cli.on('exit', (code) => r(code)));
  let stdout = '';
  const kernel = await new Promise<number>((resolve, reject) => {
    cli.stdout!.on('data', (d) => {
      stdout += d;
      const m = /kernel pid (\d+)/.exec(stdout);
      if (m) resolve(Number(m[1]));
    });
    cli.on('exit', (code) =>
      reject(new Error(`the runner exited (${code}) before the cell started: ${stdout}`)),
    );
  });
  return { cli, kernel, out, exit, printed: stdout };
}

for (const [what, busy] of Object.entries(BUSY)) {
  test(
    `runner killed with SIGKILL while its cell is in ${what}: the kernel exits too`,
    { timeout: 60_000 },
    async () => {
      const r = await start(`kill-${Object.keys(BUSY).indexOf(what)}`, busy);
      assert.ok(running(r.kernel));
      r.cli.kill('SIGKILL');
      await r.exit;
      await gone(r.kernel, 10_000);
    },
  );
}

// A cell that starts a program (kcat, a C client, a script) through child_process: the program is in the
// kernel's process group and ends with it, however the kernel ends.
const SPAWN = `import { spawn } from 'node:child_process';
const child = spawn('sleep', ['300'], { stdio: 'ignore' });
console.log('child pid', child.pid);`;
const childPid = (printed: string) => Number(/child pid (\d+)/.exec(printed)![1]);

test('a program a cell started ends with its kernel when the run ends', { timeout: 60_000 }, async () => {
  const nb = join(dir, 'spawn-ends.rdkafka');
  writeNotebook(nb, [SPAWN]);
  const cli = spawn(process.execPath, [cliPath, 'run', nb, '--bindings', bindings()], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  cli.stdout!.on('data', (d) => (printed += d));
  assert.equal(await new Promise((r) => cli.on('exit', r)), 0, printed);
  await gone(childPid(printed), 10_000, "the cell's program");
});

test(
  'a program a cell started ends with its kernel when the runner is killed (SIGKILL) mid-cell',
  { timeout: 60_000 },
  async () => {
    const r = await start('spawn-killed', [SPAWN, 'while (true) {}']);
    const child = childPid(r.printed);
    assert.ok(running(child));
    r.cli.kill('SIGKILL');
    await r.exit;
    await gone(r.kernel, 10_000);
    await gone(child, 10_000, "the cell's program");
  },
);

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  test(
    `${signal} to the runner while its cell is in a native call: the cell is stopped, what it printed is saved, exit ${code}, no kernel left`,
    { timeout: 60_000 },
    async () => {
      const r = await start(`signal-${signal}`, BUSY['a native call (rd_kafka_poll(rk, 60000))']!);
      r.cli.kill(signal);
      assert.equal(await r.exit, code);
      await gone(r.kernel, 10_000);
      const saved = parseNotebook(readFileSync(r.out, 'utf8'));
      const outputs = saved.cells[0]!.outputs;
      assert.deepEqual(outputs[0], { kind: 'stream', name: 'stdout', text: `kernel pid ${r.kernel}\n` });
      assert.match(
        JSON.stringify(outputs.at(-1)),
        new RegExp(`after ${signal} and was killed with its kernel`),
      );
    },
  );
}

test(
  'SIGTERM while the cell is in a loop the kernel checks: it is interrupted (not killed) and the run exits 143',
  { timeout: 60_000 },
  async () => {
    const r = await start('signal-loop', BUSY['a loop the kernel checks']!);
    r.cli.kill('SIGTERM');
    assert.equal(await r.exit, 143);
    await gone(r.kernel, 10_000);
    const outputs = parseNotebook(readFileSync(r.out, 'utf8')).cells[0]!.outputs;
    assert.deepEqual(outputs.at(-1), {
      kind: 'error',
      name: 'Interrupted',
      message: 'cell 1 was stopped by SIGTERM',
      stack: '',
    });
  },
);

test('a stop requested before the kernel is ready (a signal while bindings are generated) runs no cell', async () => {
  const stop = new StopRequests();
  stop.request({ why: 'SIGINT', exitCode: 130 });
  const nb = writeNotebook(join(dir, 'early.rdkafka'), ['console.log("ran")']);
  const printed: string[] = [];
  const s = await runNotebook(
    { ...parseRunArgs([nb, '--bindings', bindings()]), quiet: true },
    (_n, t) => printed.push(String(t)),
    {
      stop,
    },
  );
  assert.equal(s.code, 130);
  assert.equal(s.cellsRun, 0);
  assert.equal(s.stopped, 'SIGINT');
  assert.doesNotMatch(printed.join(''), /ran/);
});
