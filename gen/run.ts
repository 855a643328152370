// Runs the C compiler: one child process, stdin in, stdout/stderr out.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { GenError } from './errors.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `compiler args…` with `input` on stdin. A missing compiler becomes a GenError. */
export function runCompiler(compiler: string, args: string[], input: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(compiler, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'ENOENT'
          ? new GenError(
              `No C compiler '${compiler}' was found: install one (apt-get install gcc) or pass --cc with the path of a C compiler.`,
              'preprocess',
            )
          : new GenError(
              `Could not run the C compiler '${compiler}' (${e.message}): check --cc.`,
              'preprocess',
            ),
      ),
    );
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
    child.stdin.on('error', () => {}); // the compiler may exit before reading everything
    child.stdin.end(input);
  });
}

/** The first `error:` line of a compiler's stderr, without the file prefix noise. */
export function firstError(stderr: string): string {
  const line = (
    stderr.split('\n').find((l) => /\berror\b/.test(l)) ??
    stderr.split('\n').find((l) => l.trim()) ??
    ''
  ).trim();
  // `path/file.h:12:3: fatal error: msg` → `msg (file.h line 12)`
  const m = /^(.*?):(\d+):(?:\d+:)?\s*(?:fatal )?error:\s*(.*)$/.exec(line);
  if (!m) return line;
  return m[1] === '<stdin>' ? m[3]! : `${m[3]} (${basename(m[1]!)} line ${m[2]})`;
}
