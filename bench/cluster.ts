// The broker the cases talk to: a 3-broker librdkafka mock cluster in its own process (bench/c/mock_cluster),
// or a real cluster given with --bootstrap. Topics are created up front, with the partition counts asked.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { run } from './proc.ts';

export interface Cluster {
  bootstrap: string;
  kind: 'mock' | 'real';
  createTopic(name: string, partitions: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startMock(program: string, brokers = 3): Promise<Cluster> {
  const child: ChildProcessWithoutNullStreams = spawn(program, [String(brokers)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d));
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string) => void> = [];
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = (what: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`mock cluster did not answer ${what} within 10 s: ${stderr.trim()}`)),
        10_000,
      );
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
      void exited.then(() =>
        reject(new Error(`mock cluster exited while waiting for ${what}: ${stderr.trim()}`)),
      );
    });
  const first = await nextLine('its bootstrap servers');
  if (!first.startsWith('bootstrap '))
    throw new Error(`mock cluster said '${first}' instead of its bootstrap servers`);
  return {
    bootstrap: first.slice('bootstrap '.length),
    kind: 'mock',
    async createTopic(name, partitions) {
      const answer = nextLine(`topic ${name}`);
      child.stdin.write(`topic ${name} ${partitions}\n`);
      const line = await answer;
      if (!line.startsWith('ok ')) throw new Error(`mock cluster could not create topic ${name}: ${line}`);
    },
    async stop() {
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

export function realCluster(bootstrap: string, topicsProgram: string, props: readonly string[]): Cluster {
  return {
    bootstrap,
    kind: 'real',
    async createTopic(name, partitions) {
      const r = await run(topicsProgram, [bootstrap, `${name}:${partitions}`, ...props], {
        timeoutMs: 60_000,
      });
      if (r.code !== 0)
        throw new Error(
          `could not create topic ${name} on ${bootstrap}: ${r.stderr.trim() || r.stdout.trim()}`,
        );
    },
    async stop() {},
  };
}
