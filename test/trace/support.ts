// What the tracer's tests share: `rdkafka-workbench mock` as the broker, the CLI run as a user runs it
// (a child process, output captured), C test programs compiled against the system librdkafka.
import { after, before } from 'node:test';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { KernelEvent } from '../../protocol/index.ts';
import { addCounts } from '../../trace/reader.ts';
import { ensureBindings } from '../support/bindings.ts';
import { cliPath, repoRoot } from '../support/repo.ts';

export const work = mkdtempSync(join(tmpdir(), 'wb-trace-test-'));

export interface Mock {
  bootstrap: string;
  child: ChildProcess;
  /** What it said on stderr so far. */
  stderr(): string;
  /** Stops it with SIGTERM (or `signal`); resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `rdkafka-workbench mock` (with `extra` options) and waits for its BOOTSTRAP= line. */
export function startMock(bindings: string, brokers = 3, extra: string[] = []): Promise<Mock> {
  const child = spawn(
    process.execPath,
    [cliPath, 'mock', '--brokers', String(brokers), '--bindings', bindings, ...extra],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /^BOOTSTRAP=(.+)$/.exec(line);
      if (m)
        resolve({
          bootstrap: m[1]!,
          child,
          stderr: () => stderr,
          stop: (signal: NodeJS.Signals = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
    });
    void exited.then((code) => reject(new Error(`rdkafka-workbench mock exited ${code}: ${stderr.trim()}`)));
  });
}

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command line to its end (stdin closed), capturing its output. */
export function runCommand(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { env, maxBuffer: 64 << 20, timeout: 120_000, encoding: 'utf8' },
      (err, stdout, stderr) => {
        const e = err as (Error & { code?: number | string; signal?: NodeJS.Signals }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          signal: e?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
    child.stdin?.end();
  });
}

/** `rdkafka-workbench trace --events FILE … -- program args`: the run and the events it wrote. */
export async function trace(
  bindings: string,
  program: string[],
  opts: { env?: NodeJS.ProcessEnv; extra?: string[] } = {},
): Promise<Ran & { events: KernelEvent[]; eventsFile: string }> {
  const eventsFile = join(work, `events-${Math.random().toString(36).slice(2)}.jsonl`);
  const r = await runCommand(
    process.execPath,
    [
      cliPath,
      'trace',
      '--bindings',
      bindings,
      '--events',
      eventsFile,
      ...(opts.extra ?? []),
      '--',
      ...program,
    ],
    opts.env,
  );
  let events: KernelEvent[] = [];
  try {
    events = readFileSync(eventsFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as KernelEvent);
  } catch {
    // no events file: the tests say what they expected
  }
  return { ...r, events, eventsFile };
}

/** What the program itself wrote to stderr: this command's own lines taken out. */
export const programStderr = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => !l.startsWith('rdkafka-workbench trace:'))
    .join('\n');

/** Exact events per type, counted ones (under load) included. */
export function counts(events: readonly KernelEvent[]): Record<string, number> {
  const out: Record<string, number> = {};
  addCounts(out, events);
  return out;
}

/** Compiles test/trace/programs/NAME.c against the system librdkafka. */
export function compileProgram(name: string): string {
  const out = join(work, name);
  const r = spawnSync(
    'cc',
    ['-O1', '-Wall', '-o', out, join(repoRoot, 'test/trace/programs', `${name}.c`), '-lrdkafka', '-lpthread'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`cc could not compile ${name}.c: ${r.stderr}`);
  return out;
}

/** A test program's "kind key=value …" lines, as records. */
export function said(stdout: string, kind: string): Record<string, string>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith(`${kind} `) || l === kind)
    .map((l) =>
      Object.fromEntries(
        l
          .split(' ')
          .slice(1)
          .map((kv) => kv.split('=', 2) as [string, string]),
      ),
    );
}

/** The events of one type, typed. */
export const ofType = <T extends KernelEvent['type']>(events: KernelEvent[], type: T) =>
  events.filter((e) => e.type === type) as Extract<KernelEvent, { type: T }>[];

export interface ProgramUnderTest {
  bindings: string;
  mock: Mock;
  /** The compiled test program. */
  program: string;
  /** The environment it runs with: BOOTSTRAP the mock cluster. */
  env: NodeJS.ProcessEnv;
}

/** For a test file: before its tests the bindings, `rdkafka-workbench mock` and test/trace/programs/NAME.c
 * compiled; after them the mock stopped. The fields are set when the tests run. */
export function programUnderTest(name: string): ProgramUnderTest {
  const p = {} as ProgramUnderTest;
  before(async () => {
    p.bindings = await ensureBindings();
    p.mock = await startMock(p.bindings);
    p.program = compileProgram(name);
    p.env = { ...process.env, BOOTSTRAP: p.mock.bootstrap };
  });
  after(async () => {
    await p.mock.stop();
  });
  return p;
}
