// The CLI as a child process that a test can signal: a wait for what it says on stderr (rejected, with its
// output, if it exits first), and its exit code with everything it printed.
import { spawn } from 'node:child_process';
import { cliPath } from './repo.ts';

export interface CliExit {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startCli(args: string[]): {
  /** Resolves once stderr so far matches `re`. */
  whenStderr(re: RegExp): Promise<void>;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<CliExit>;
} {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waits: { re: RegExp; res: () => void; rej: (e: Error) => void }[] = [];
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
    for (const w of [...waits])
      if (w.re.test(stderr)) {
        waits.splice(waits.indexOf(w), 1);
        w.res();
      }
  });
  const exited = new Promise<CliExit>((res) =>
    child.on('exit', (code) => {
      for (const w of waits.splice(0))
        w.rej(new Error(`the CLI exited (${code}) before its stderr matched ${w.re}:\n${stdout}\n${stderr}`));
      res({ code, stdout, stderr });
    }),
  );
  return {
    whenStderr: (re) =>
      new Promise((res, rej) => {
        if (re.test(stderr)) res();
        else waits.push({ re, res, rej });
      }),
    kill: (signal) => child.kill(signal),
    exited,
  };
}
