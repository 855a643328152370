// Runs the C compiler: one child process, stdin in, stdout/stderr out, with a time limit and an output
// limit that scale with the size of the headers it reads (a header can make cc1 work for minutes, or
// print gigabytes, from a few kilobytes of macros). Past either, the compiler and every process it
// started (cc1, as) are killed and the step fails with one sentence saying so.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { GenError } from './errors.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunLimits {
  /** What the compiler is doing, for the message: "preprocessing /usr/include/librdkafka/rdkafka.h". */
  step: string;
  /** The generator stage, as GenError names it ('preprocess', 'layout'). */
  stage: string;
  /** Milliseconds before the compiler is killed. */
  timeLimitMs: number;
  /** Bytes of stdout before the compiler is killed. */
  outputLimit: number;
}

/**
 * Compiler arguments that include `headers` before the source, in order. Paths go as arguments, byte for
 * byte: written into an `#include "…"` line, a path with a newline or a backslash would name another file.
 */
export function includeArgs(headers: string[]): string[] {
  return headers.flatMap((h) => ['-include', h]);
}

/** Bytes of the files the compiler reads (missing files count as nothing: the compiler will say so). */
export function inputBytes(files: string[]): number {
  let n = 0;
  for (const f of files) {
    try {
      n += statSync(f).size;
    } catch {
      // not there
    }
  }
  return n;
}

/**
 * Limits for a compiler step over `bytes` of headers: 20 s plus 2 s per MB (librdkafka's own rdkafka.h,
 * 0.4 MB, preprocesses in under 0.1 s here: a hundredfold margin on a loaded machine), and 64 MB plus
 * 50 times the input of output.
 */
export function compilerLimits(bytes: number, step: string, stage: string): RunLimits {
  const mb = bytes / (1024 * 1024);
  return {
    step,
    stage,
    timeLimitMs: Math.round(20_000 + 2_000 * mb),
    outputLimit: 64 * 1024 * 1024 + 50 * bytes,
  };
}

/** Every process below `pid` (Linux /proc; elsewhere none are found and only the compiler is killed). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(e)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  for (let todo = [pid]; todo.length;) {
    const next = children.get(todo.pop()!) ?? [];
    out.push(...next);
    todo.push(...next);
  }
  return out;
}

function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  for (const p of [...descendants(pid), pid])
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** Runs `compiler args…` with `input` on stdin. A missing compiler or a limit reached becomes a GenError. */
export function runCompiler(
  compiler: string,
  args: string[],
  input: string,
  limits?: RunLimits,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(compiler, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let failed: GenError | null = null;
    const fail = (message: string) => {
      if (failed) return;
      failed = new GenError(message, limits?.stage ?? 'preprocess');
      killTree(child.pid);
    };
    const timer = limits
      ? setTimeout(
          () =>
            fail(
              `The C compiler (${compiler}) did not finish ${limits.step} within ${seconds(limits.timeLimitMs)}, the limit for headers of this size, and was stopped: librdkafka's rdkafka.h takes well under a second; check that the header is librdkafka's (its macros may expand without end).`,
            ),
          limits.timeLimitMs,
        )
      : null;
    child.stdout.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (limits && outBytes > limits.outputLimit)
        return fail(
          `The C compiler (${compiler}) printed more than ${Math.round(limits.outputLimit / 1024 / 1024)} MB while ${limits.step}, the limit for headers of this size, and was stopped: check that the header is librdkafka's (its macros may expand without end).`,
        );
      if (!failed) out.push(d);
    });
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
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
      );
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      if (failed) return reject(failed);
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
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
