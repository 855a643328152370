// Child processes for the benchmark: each case runs in its own process and answers with one JSON line.
import { spawn } from 'node:child_process';

export interface ProcResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export function run(
  cmd: string,
  args: readonly string[],
  opts: { timeoutMs?: number; cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ProcResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: opts.cwd,
      env: opts.env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL')
        reject(new Error(`${cmd} timed out after ${(opts.timeoutMs ?? 120_000) / 1000} s`));
      else resolve({ stdout, stderr, code });
    });
  });
}

/** The last line of `text` that parses as a JSON object, or null. */
export function lastJson(text: string): Record<string, unknown> | null {
  const lines = text.trim().split('\n').reverse();
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      return JSON.parse(t) as Record<string, unknown>;
    } catch {
      /* not this line */
    }
  }
  return null;
}

/** Runs a case program and returns its JSON answer; a failure names the program and its last words. */
export async function runJson(
  cmd: string,
  args: readonly string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<Record<string, unknown>> {
  const r = await run(cmd, args, opts);
  const json = lastJson(r.stdout);
  if (r.code !== 0 || !json) {
    const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' / ');
    throw new Error(
      `${cmd.split('/').pop()} exited ${r.code}${json ? ` (${JSON.stringify(json)})` : ''}: ${tail || 'no output'}`,
    );
  }
  return json;
}
