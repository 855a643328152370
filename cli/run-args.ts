// The command line of `rdkafka-workbench run`: one table of options (a new option is one row: its flags,
// its value, what it sets), the checks between options, and the usage text made from the table.
import { join } from 'node:path';
import { parseParameterArgs, ParameterError } from '../extension/notebook/parameters.ts';

export interface RunOptions {
  notebook: string;
  bindings: string;
  bootstrap?: string;
  events?: string;
  inplace?: boolean;
  out?: string;
  /** Seconds the whole run may take (its running cell is then stopped, see cli/stop.ts). */
  timeout?: number;
  report?: string;
  library?: string;
  quiet?: boolean;
  cwd: string;
  /** An installed librdkafka version (or "system") to run on, instead of the notebook's "librdkafka". */
  librdkafka?: string;
  /** --bindings was given on the command line (it then wins over the notebook's "librdkafka"). */
  bindingsGiven?: boolean;
  /** --matrix: the versions to run the notebook on, one after another (cli/matrix.ts). */
  matrix?: string;
  parallel?: number;
  /** `-p NAME=VALUE`: set in a cell injected after the parameters cell (extension/notebook/parameters.ts). */
  parameters?: Record<string, unknown>;
  /** Folder for an issue export of the run (cli/bundle.ts). */
  bundle?: string;
}

/** Bad usage or input: nothing ran (exit code 2). */
export class UsageError extends Error {}

export interface RunOption {
  /** e.g. ['--out'] or ['-p', '--parameter']. */
  flags: string[];
  /** The value's placeholder in the usage text (e.g. 'FILE'); absent: a switch. */
  value?: string;
  /** Sets what the option means on `o`; throws UsageError for a bad value. */
  apply(o: Partial<RunOptions>, value: string): void;
}

/** The longest --timeout: Node's timers hold at most 2^31-1 ms, and a longer one fired at once (after 1 ms). */
export const MAX_TIMEOUT_S = Math.floor((2 ** 31 - 1) / 1000);

/** A --timeout value in seconds, or a UsageError saying what it must be. */
export const seconds = (flag: string, v: string) => {
  const t = Number(v);
  if (!(t > 0) || !Number.isFinite(t)) throw new UsageError(`${flag} needs a positive number of seconds`);
  if (t > MAX_TIMEOUT_S)
    throw new UsageError(`${flag} ${v} is too long: at most ${MAX_TIMEOUT_S} seconds (about 24 days)`);
  return t;
};

export const RUN_OPTIONS: RunOption[] = [
  { flags: ['--bindings'], value: 'DIR', apply: (o, v) => (o.bindings = v) },
  { flags: ['--bootstrap'], value: 'mock|HOST:PORT', apply: (o, v) => (o.bootstrap = v) },
  { flags: ['--events'], value: 'FILE.jsonl', apply: (o, v) => (o.events = v) },
  { flags: ['--inplace'], apply: (o) => (o.inplace = true) },
  { flags: ['--out'], value: 'FILE', apply: (o, v) => (o.out = v) },
  { flags: ['--timeout'], value: 'SECONDS', apply: (o, v) => (o.timeout = seconds('--timeout', v)) },
  { flags: ['--report'], value: 'FILE.html', apply: (o, v) => (o.report = v) },
  // An issue export (ISSUE.md, configurations, logs, statistics… secrets left out): cli/bundle.ts.
  { flags: ['--bundle'], value: 'DIR', apply: (o, v) => (o.bundle = v) },
  { flags: ['--library'], value: 'PATH', apply: (o, v) => (o.library = v) },
  { flags: ['--quiet'], apply: (o) => (o.quiet = true) },
  { flags: ['--librdkafka'], value: 'VERSION', apply: (o, v) => (o.librdkafka = v) },
  { flags: ['--matrix'], value: 'VERSION,VERSION,…|all', apply: (o, v) => (o.matrix = v) },
  {
    flags: ['-p', '--parameter'],
    value: 'NAME=VALUE',
    apply: (o, v) => {
      try {
        o.parameters = { ...o.parameters, ...parseParameterArgs([v]) };
      } catch (e) {
        throw new UsageError((e as ParameterError).message);
      }
    },
  },
  {
    flags: ['--parallel'],
    value: 'N',
    apply: (o, v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError('--parallel needs a whole number of runs, 1 or more');
      o.parallel = n;
    },
  },
];

/** Checks between options, after all are read: each throws UsageError. */
export const RUN_CHECKS: Array<(o: Partial<RunOptions>) => void> = [
  (o) => {
    if (!o.notebook) throw new UsageError('which notebook? give the path of a .rdkafka file');
  },
  (o) => {
    if (o.inplace && o.out) throw new UsageError('--inplace and --out exclude each other: pick one');
  },
  (o) => {
    if (o.librdkafka !== undefined && (o.library || o.bindings))
      throw new UsageError(
        '--librdkafka picks the library and its bindings: leave out --library and --bindings',
      );
  },
  (o) => {
    if (o.matrix !== undefined && (o.librdkafka !== undefined || o.library || o.inplace || o.out))
      throw new UsageError(
        '--matrix runs the notebook once per version: leave out --librdkafka, --library, --inplace and --out',
      );
  },
  (o) => {
    if (o.parallel !== undefined && o.matrix === undefined)
      throw new UsageError('--parallel goes with --matrix');
  },
  (o) => {
    if (o.bindings) o.bindingsGiven = true;
  },
];

export const RUN_USAGE = (() => {
  const parts = RUN_OPTIONS.map((r) => `[${r.flags[0]}${r.value ? ` ${r.value}` : ''}]`);
  const lines = ['usage: rdkafka-workbench run NOTEBOOK.rdkafka'];
  for (const p of parts) {
    if (lines[lines.length - 1]!.length + p.length > 110) lines.push('      ');
    lines[lines.length - 1] += ` ${p}`;
  }
  return lines.join('\n');
})();

export function parseRunArgs(argv: string[], cwd = process.cwd()): RunOptions {
  const o: Partial<RunOptions> & { cwd: string } = { cwd };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const row = RUN_OPTIONS.find((r) => r.flags.includes(a));
    if (row) {
      let v = '';
      if (row.value) {
        const next = argv[++i];
        if (next === undefined || next.startsWith('--')) throw new UsageError(`${a} needs a value`);
        v = next;
      }
      row.apply(o, v);
      continue;
    }
    if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    if (o.notebook)
      throw new UsageError(`only one notebook can be run at a time (got ${o.notebook} and ${a})`);
    o.notebook = a;
  }
  for (const check of RUN_CHECKS) check(o);
  return { bindings: join(cwd, '.rdkafka', 'bindings'), ...o, notebook: o.notebook! } as RunOptions;
}
