// Building librdkafka from its source the way its README says: its own ./configure, then make in src/ (only
// the shared library target, librdkafka.so.1), in a temporary copy so that the user's folder is never
// written to. Progress comes from make's own command lines: one `-c FILE.c` per compiled file.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  rmSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  statSync,
  type WriteStream,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { LibraryError } from './errors.ts';
import type { Prepared } from './source.ts';
import { runLogged, which } from './tools.ts';

export interface BuildProgress {
  step: 'configure' | 'compile' | 'link';
  message: string;
  done?: number;
  total?: number;
}

export interface Built {
  /** src/ of the tree that was built (holds librdkafka.so.1 and the headers). */
  src: string;
  root: string;
  /** Temporary tree to remove afterwards (a copy of the user's folder), or null. */
  temp: string | null;
  compiler: string | null;
  configureMs: number;
  compileMs: number;
}

export interface BuildOptions {
  log: WriteStream;
  logPath: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (p: BuildProgress) => void;
  jobs?: number;
  /** Passed to ./configure as they are (--disable-ssl, --enable-zstd, --disable-optimization, …). */
  configureArgs?: string[];
}

/** The programs a build needs, each missing one named with the Debian package that brings it. */
export function checkTools(root: string, env: NodeJS.ProcessEnv = process.env): { cc: string } {
  const cc = env.CC
    ? which(env.CC.split(/\s+/)[0]!, env) && env.CC
    : (which('cc', env) && 'cc') || (which('gcc', env) && 'gcc');
  if (!cc)
    throw new LibraryError(
      `no C compiler was found (${env.CC ? `CC=${env.CC} is not on PATH` : 'neither cc nor gcc is on PATH'}): install one (Debian: apt-get install gcc libc6-dev) and run lib add again`,
      'tools',
    );
  if (!which('make', env))
    throw new LibraryError(
      'make was not found on PATH: install it (Debian: apt-get install make) and run lib add again',
      'tools',
    );
  if (!which('bash', env))
    throw new LibraryError(
      "bash was not found on PATH, and librdkafka's configure is a bash script: install it (Debian: apt-get install bash)",
      'tools',
    );
  if (existsSync(join(root, 'lds-gen.py')) && !which('python3', env))
    throw new LibraryError(
      "python3 was not found on PATH, and librdkafka's build runs it (lds-gen.py writes the linker script): install it (Debian: apt-get install python3) and run lib add again",
      'tools',
    );
  return { cc };
}

/** Build outputs and VCS data of a user's tree: never copied, so the copy builds from scratch. */
const NOT_COPIED =
  /(^|\/)(\.git|node_modules)$|\.(o|d|a|so(\.\d+)*|lds|pc)$|(^|\/)(Makefile\.config|config\.h|config\.cache|config\.log(\.old)?)$/;

export async function buildFromSource(p: Prepared, o: BuildOptions): Promise<Built> {
  const env = o.env ?? process.env;
  const { cc } = checkTools(p.root, env);
  let root = p.root;
  let temp: string | null = null;
  if (p.shared) {
    temp = mkdtempSync(join(tmpdir(), 'rdkafka-workbench-build-'));
    root = join(temp, 'librdkafka');
    cpSync(p.root, root, { recursive: true, filter: (src) => !NOT_COPIED.test(relative(p.root, src)) });
  }
  try {
    // npm and some tarballs drop the executable bits the build relies on.
    for (const f of ['configure', 'lds-gen.py'])
      if (existsSync(join(root, f))) chmodSync(join(root, f), statSync(join(root, f)).mode | 0o111);
    const compiler = firstLine(cc, ['--version'], env);
    const what = `librdkafka ${p.version}`;

    const args = o.configureArgs ?? [];
    o.onProgress?.({
      step: 'configure',
      message: `configuring ${what} (./configure${args.map((a) => ` ${a}`).join('')})`,
    });
    let t = performance.now();
    const conf = await runLogged('bash', ['./configure', ...args], {
      cwd: root,
      env,
      log: o.log,
      signal: o.signal,
    });
    cancelled(o.signal);
    if (conf.code !== 0) throw failure(`configure of ${what} failed (${exitText(conf)})`, o.logPath);
    const configureMs = performance.now() - t;

    const src = join(root, 'src');
    const target = 'librdkafka.so.1';
    const total = countCompiles(src, target, env);
    const jobs = o.jobs ?? Math.max(1, availableParallelism());
    let done = 0;
    let linking = false;
    t = performance.now();
    o.onProgress?.({ step: 'compile', message: `compiling ${what}: 0 of ${total} files`, done: 0, total });
    const make = await runLogged('make', ['-C', src, `-j${jobs}`, target], {
      cwd: root,
      env,
      log: o.log,
      signal: o.signal,
      onLine: (line) => {
        const m = /\s-c\s+(\S+\.c)(?:\s|$)/.exec(line);
        if (m) {
          done++;
          o.onProgress?.({
            step: 'compile',
            message: `compiling ${what}: file ${done} of ${total} (${m[1]})`,
            done,
            total,
          });
        } else if (!linking && /Creating shared library|-shared\s/.test(line)) {
          linking = true;
          o.onProgress?.({ step: 'link', message: `linking ${target}` });
        }
      },
    });
    cancelled(o.signal);
    if (make.code !== 0) throw failure(`building ${what} failed (make ${exitText(make)})`, o.logPath);
    if (!existsSync(join(src, target)))
      throw failure(`building ${what} produced no src/${target}`, o.logPath);
    return { src, root, temp, compiler, configureMs, compileMs: performance.now() - t };
  } catch (e) {
    if (temp) rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}

function cancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new LibraryError('lib add was cancelled: nothing was installed', 'cancelled');
}

function exitText(r: { code: number | null; signal: string | null }): string {
  return r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
}

/** How many files make will compile for `target` (a dry run), so that progress can say "N of M". */
function countCompiles(src: string, target: string, env: NodeJS.ProcessEnv): number {
  try {
    const out = execFileSync('make', ['-n', '-C', src, target], {
      env,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out.split('\n').filter((l) => /\s-c\s+\S+\.c(?:\s|$)/.test(l)).length;
  } catch {
    return 0;
  }
}

function firstLine(cmd: string, args: string[], env: NodeJS.ProcessEnv): string | null {
  try {
    return (
      execFileSync(cmd.split(/\s+/)[0]!, args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split('\n')[0]!
        .trim() || null
    );
  } catch {
    return null;
  }
}

// mklove colours its messages: ESC [ … m and ESC ( B.
const ANSI = new RegExp(String.fromCharCode(27) + '(\\[[0-9;]*m|\\(B)', 'g');

/** The end of a log, without colour codes: what a failure message quotes. */
export function logTail(path: string, lines = 12): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  const clean = text
    .replace(ANSI, '')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean);
  return clean.slice(-lines);
}

function failure(what: string, logPath: string): LibraryError {
  const tail = logTail(logPath);
  const firstError = tail.find((l) => /error:|Error \d|failed/i.test(l));
  return new LibraryError(
    `${what}${firstError ? `: ${firstError.trim()}` : ''}; nothing was installed. The log's last lines:\n${tail.map((l) => `  ${l}`).join('\n')}\nFull log: ${logPath}`,
    'build',
    logPath,
  );
}
