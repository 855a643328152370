// The real Apache Kafka broker for the kafka suite, started through `scripts/kafka.sh` (never mocked).
//
// Under `node --test` every test file is its own process; they share ONE broker for the whole suite: the
// first file starts it with the test runner's pid as owner (scripts/kafka.sh stops it once the runner
// exits), later files find it running through the same state file. A file run on its own starts its own
// broker and stops it in `after`. A test that must kill a broker (the failure test) asks for a private one.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, type TestContext } from 'node:test';
import { repoRoot } from './paths.ts';

export interface Broker {
  bootstrap: string;
  pid: number;
  dir: string;
  /** Seconds from `start` to the first metadata answer, as measured by scripts/kafka.sh. */
  readySeconds: number | null;
  stateFile: string;
  /** Stops this broker (a no-op for the shared one: its owner, the test runner, outlives this file). */
  stop(): Promise<void>;
}

export type BrokerOrReason = { broker: Broker; reason?: undefined } | { broker?: undefined; reason: string };

interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sh(args: string[], env: Record<string, string>, timeoutMs: number): Promise<ShellResult> {
  return new Promise((resolve) => {
    execFile(
      args[0]!,
      args.slice(1),
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({
          code,
          stdout: String(stdout),
          stderr: String(stderr) + (err && err.killed ? `\n(killed after ${timeoutMs} ms)` : ''),
        });
      },
    );
  });
}

/** KEY=VALUE lines of scripts/kafka.sh's stdout. */
export function parseStartOutput(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Starts (or joins) a broker recorded in `stateFile`, owned by process `owner`. */
async function start(stateFile: string, owner: number, ownStop: boolean): Promise<BrokerOrReason> {
  const env = { RDKAFKA_WORKBENCH_KAFKA_STATE: stateFile };
  // flock: two test files starting at once must not both start a broker for the same state file.
  const res = await sh(
    [
      'flock',
      '-o',
      '-w',
      '200',
      join(tmpdir(), 'rdkafka-workbench-kafka-start.lock'),
      'bash',
      'scripts/kafka.sh',
      'start',
      '--owner',
      String(owner),
    ],
    env,
    240_000,
  );
  const kv = parseStartOutput(res.stdout);
  if (res.code !== 0 || !kv.BOOTSTRAP || !kv.PID) {
    const tail = res.stderr
      .replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '') // the script's bold progress lines
      .trim()
      .split('\n')
      .slice(-12)
      .join('\n');
    return { reason: `scripts/kafka.sh start exited ${res.code}: ${tail || '(no output)'}` };
  }
  const broker: Broker = {
    bootstrap: kv.BOOTSTRAP,
    pid: Number(kv.PID),
    dir: kv.DIR ?? '',
    readySeconds: kv.READY_SECONDS ? Number(kv.READY_SECONDS) : null,
    stateFile,
    stop: async () => {
      if (ownStop) await stopBroker(stateFile);
    },
  };
  return { broker };
}

export async function stopBroker(stateFile: string): Promise<void> {
  await sh(['bash', 'scripts/kafka.sh', 'stop'], { RDKAFKA_WORKBENCH_KAFKA_STATE: stateFile }, 60_000);
}

/** The suite's shared broker (see the top of this file). */
export function sharedBroker(): Promise<BrokerOrReason> {
  const underRunner = process.env.NODE_TEST_CONTEXT !== undefined;
  if (!underRunner) return privateBroker('solo');
  return start(join(tmpdir(), `rdkafka-workbench-kafka-suite-${process.ppid}.state`), process.ppid, false);
}

/** A broker of this process alone, stopped by `broker.stop()` (or when this process exits). */
export function privateBroker(tag: string): Promise<BrokerOrReason> {
  return start(join(tmpdir(), `rdkafka-workbench-kafka-${tag}-${process.pid}.state`), process.pid, true);
}

let announced = false;
/**
 * The broker, or — when none could be had — one loud line saying why, then a failure under CI=true
 * (the suite must prove the workbench there) or a skip with that reason locally.
 */
export function requireBroker(t: TestContext, got: BrokerOrReason | undefined): Broker | null {
  if (got?.broker) return got.broker;
  const reason = got?.reason ?? 'the broker was not started (before() did not run)';
  const line = `KAFKA BROKER UNAVAILABLE — real-Kafka tests cannot run: ${reason.replace(/\s+/g, ' ')}`;
  if (!announced) {
    console.error(`\n!!!!! ${line}\n`);
    announced = true;
  }
  if (process.env.CI === 'true') throw new Error(line);
  t.skip(line);
  return null;
}

/**
 * A test file's broker: registers the file's before/after hooks (the shared broker unless `start` says
 * otherwise) and returns what each test calls with its context to get the broker, or to fail/skip loudly.
 */
export function useBroker(
  start: () => Promise<BrokerOrReason> = sharedBroker,
): (t: TestContext) => Broker | null {
  let got: BrokerOrReason | undefined;
  before(async () => {
    got = await start();
  });
  after(async () => {
    await got?.broker?.stop();
  });
  return (t) => requireBroker(t, got);
}
