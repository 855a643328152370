// Running notebooks headless exactly as a user would (`node dist/cli.mjs run …`), and reading back what
// they left: exit status, printed output, the `--events` JSON lines and the outputs written with `--out`.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { KernelEvent } from '../../protocol/index.ts';
import { parseNotebook, serializeNotebook, type NotebookData } from '../../extension/notebook/format.ts';
import { cliPath, repoRoot } from './paths.ts';

export interface RunOptions {
  bootstrap: string;
  /** --timeout of the runner, in seconds. */
  timeout: number;
  /** Called with each chunk the runner prints on stdout, as it comes. */
  onStdout?: (chunk: string) => void;
  /** Extra seconds past --timeout before the test gives up on the runner and kills it (then `hung`). */
  grace?: number;
}

export interface RunResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** The runner outlived --timeout plus the grace and had to be killed by the test. */
  hung: boolean;
  events: KernelEvent[];
  /** The notebook with outputs, as written by `--out` (null when the runner wrote none). */
  notebook: NotebookData | null;
  eventsFile: string;
}

const workDirs: string[] = [];
/** A temp folder for one run's files, removed when the test process exits. */
export function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rdkafka-workbench-kafka-test-'));
  if (workDirs.push(dir) === 1)
    process.on('exit', () => workDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return dir;
}

/** Reads a JSON-lines events file (missing file: no events). */
export function readEvents(file: string): KernelEvent[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as KernelEvent);
}

/**
 * A copy of a template notebook with `{{NAME}}` replaced in its code cells (topic and group names unique to
 * one test, so runs never see each other's data). Written to a temp folder; returns its path.
 */
export function instantiate(template: string, vars: Record<string, string>, dir = workDir()): string {
  const nb = parseNotebook(readFileSync(template, 'utf8'), template);
  for (const cell of nb.cells) {
    cell.source = cell.source.replace(/\{\{(\w+)\}\}/g, (all, name: string) => {
      const v = vars[name];
      if (v === undefined) throw new Error(`${basename(template)}: no value for ${all}`);
      return v;
    });
  }
  const out = join(dir, basename(template));
  writeFileSync(out, serializeNotebook(nb));
  return out;
}

export function runNotebook(file: string, opts: RunOptions): Promise<RunResult> {
  const dir = workDir();
  const eventsFile = join(dir, 'events.jsonl');
  const outFile = join(dir, 'out.rdkafka');
  const args = [
    cliPath,
    'run',
    file,
    '--bootstrap',
    opts.bootstrap,
    '--events',
    eventsFile,
    '--out',
    outFile,
    '--timeout',
    String(opts.timeout),
  ];
  // Same override as the kernel tests: bindings generated elsewhere (default: the runner's .rdkafka/bindings).
  if (process.env.RDKAFKA_WORKBENCH_BINDINGS) args.push('--bindings', process.env.RDKAFKA_WORKBENCH_BINDINGS);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      opts.onStdout?.(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const guard = setTimeout(
      () => {
        hung = true;
        child.kill('SIGKILL');
      },
      (opts.timeout + (opts.grace ?? 20)) * 1000,
    );
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      let notebook: NotebookData | null = null;
      if (existsSync(outFile)) notebook = parseNotebook(readFileSync(outFile, 'utf8'), outFile);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        seconds: (Date.now() - started) / 1000,
        hung,
        events: readEvents(eventsFile),
        notebook,
        eventsFile,
      });
    });
  });
}

/** Everything the code cells of a run notebook printed on stdout, in order. */
export function printed(nb: NotebookData | null): string {
  if (!nb) return '';
  return nb.cells
    .flatMap((c) => c.outputs)
    .map((o) => (o.kind === 'stream' && o.name === 'stdout' ? o.text : ''))
    .join('');
}

/** A failed run explained in one message: exit, the tail of what it printed, its error outputs. */
export function explain(r: RunResult): string {
  const errors = (r.notebook?.cells ?? [])
    .flatMap((c) => c.outputs)
    .filter((o) => o.kind === 'error')
    .map((o) => (o.kind === 'error' ? `${o.name}: ${o.message}` : ''));
  const tail = (s: string) => s.trim().split('\n').slice(-25).join('\n');
  return [
    `runner exit ${r.code ?? r.signal} after ${r.seconds.toFixed(1)} s${r.hung ? ' (HUNG, killed by the test)' : ''}`,
    errors.length ? `cell errors:\n${errors.join('\n')}` : '',
    `stdout (tail):\n${tail(r.stdout)}`,
    `stderr (tail):\n${tail(r.stderr)}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** Lines `KEY=VALUE` a notebook printed to report its results to the test (e.g. `CONSUMED=[…]`). */
export function reported(r: RunResult, key: string): string | undefined {
  const text = r.notebook ? printed(r.notebook) : r.stdout;
  const lines = text.split('\n').filter((l) => l.startsWith(`${key}=`));
  return lines.length ? lines[lines.length - 1]!.slice(key.length + 1) : undefined;
}
