// `rdkafka-workbench lib add|list|remove|show`: the librdkafka versions the workbench can run (library
// manager in versions/). Progress on stderr, results on stdout; a failure is one sentence (exit 1), bad
// usage exit 2.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  addVersion,
  cacheRoot,
  describeLeftOut,
  findLibrary,
  LibraryError,
  listInstalled,
  removeVersion,
  systemLibrary,
  type AddProgress,
  type AddResult,
} from '../versions/index.ts';
import { probeFeatures } from '../versions/features.ts';
import { readDoc } from '../versions/docs.ts';

export const LIB_USAGE = `usage: rdkafka-workbench lib add SOURCE... [--url TEMPLATE] [--force] [-- CONFIGURE-ARGS...]
       rdkafka-workbench lib list [--json]
       rdkafka-workbench lib remove VERSION...
       rdkafka-workbench lib show VERSION|system [--json]

SOURCE is a version (2.15.1, downloaded from librdkafka's GitHub releases; --url or
RDKAFKA_WORKBENCH_SOURCE_URL change the URL template, e.g. https://mirror/librdkafka-{version}.tar.gz),
a source .tar.gz, a source folder (a git checkout), an installed librdkafka (a folder with
lib/librdkafka.so.1 and include/), or npm:PACKAGE@VERSION of a package that bundles librdkafka's source
(npm:node-rdkafka@3.6.1 has 2.12.0, npm:@confluentinc/kafka-javascript@1.10.1 has 2.15.1).
Arguments after -- go to librdkafka's ./configure (e.g. -- --enable-zstd --disable-ssl).`;

type Write = (name: 'stdout' | 'stderr', s: string) => unknown;
const defaultWrite: Write = (name, s) => process[name].write(s);

class UsageError extends Error {}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const tilde = (p: string) => (p.startsWith(homedir() + '/') ? `~${p.slice(homedir().length)}` : p);

/** Progress as one rewritten line on a terminal, else a line per step (compiling: every tenth). */
function progressPrinter(write: Write, tty: boolean): { onProgress: (p: AddProgress) => void; end(): void } {
  let lastStep = '';
  let lastDecile = -1;
  let shown = false;
  return {
    onProgress(p) {
      if (tty) {
        const cols = process.stderr.columns || 100;
        write('stderr', `\r\x1b[K${p.message.slice(0, cols - 1)}`);
        shown = true;
        return;
      }
      if (p.step === 'compile' && p.total) {
        const decile = Math.floor(((p.done ?? 0) / p.total) * 10);
        if (decile === lastDecile) return;
        lastDecile = decile;
        write('stderr', `compiling: file ${p.done} of ${p.total}\n`);
        return;
      }
      if (p.step === lastStep && p.step !== 'source') return;
      lastStep = p.step;
      write('stderr', `${p.message}\n`);
    },
    end() {
      if (tty && shown) write('stderr', '\r\x1b[K');
      shown = false;
    },
  };
}

function addSummary(r: AddResult): string {
  const m = r.manifest;
  const d = m.durations;
  const steps = ['fetch', 'configure', 'compile', 'bindings']
    .filter((k) => d[k])
    .map((k) => `${k} ${seconds(d[k]!)}`)
    .join(', ');
  const head = r.already
    ? `librdkafka ${m.version} is already installed${r.byOther ? ' (another lib add finished it while this one waited)' : ''}: nothing to do (answered in ${seconds(r.elapsedMs)})`
    : `librdkafka ${m.version} installed in ${seconds(r.elapsedMs)}${steps ? ` (${steps})` : ''}`;
  const lines = [
    head,
    `  path      ${r.dir}`,
    `  source    ${m.source.spec}${m.configureArgs?.length ? ` (./configure ${m.configureArgs.join(' ')})` : ''}`,
    `  features  ${m.features.builtIn.join(', ') || 'none'}`,
    `  left out  ${describeLeftOut(m.features.leftOut)}`,
    `  functions ${m.functions.exported} exported (${m.functions.mock} of them the mock cluster's)${m.functions.exported < m.functions.declared ? `, ${m.functions.declared - m.functions.exported} declared but not exported` : ''}`,
  ];
  if (!r.already)
    lines.push(
      `  use it    rdkafka-workbench run NOTEBOOK --librdkafka ${m.version}, or "librdkafka": "${m.version}" in a notebook's metadata`,
    );
  return lines.join('\n') + '\n';
}

async function add(argv: string[], write: Write): Promise<number> {
  const sources: string[] = [];
  let url: string | undefined;
  let force = false;
  const dashes = argv.indexOf('--');
  const configureArgs = dashes >= 0 ? argv.slice(dashes + 1) : [];
  if (dashes >= 0) argv = argv.slice(0, dashes);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--url') {
      url = argv[++i];
      if (!url) throw new UsageError('--url needs a URL template with {version} in it');
    } else if (a.startsWith('--url=')) url = a.slice(6);
    else if (a === '--force') force = true;
    else if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
    else sources.push(a);
  }
  if (!sources.length) throw new UsageError('lib add needs a SOURCE');
  const tty = Boolean(process.stderr.isTTY) && write === defaultWrite;
  const ctrl = new AbortController();
  const onSignal = () => ctrl.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for (const source of sources) {
      const printer = progressPrinter(write, tty);
      try {
        const r = await addVersion(source, {
          ...(url ? { urlTemplate: url } : {}),
          force,
          ...(configureArgs.length ? { configureArgs } : {}),
          signal: ctrl.signal,
          onProgress: printer.onProgress,
        });
        printer.end();
        write('stdout', addSummary(r));
      } catch (e) {
        printer.end();
        throw e;
      }
    }
    return 0;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Whether a bindings folder holds bindings of `version` (its report says which header made it). */
function bindingsOf(dir: string, version: string): 'current' | 'missing' | string {
  const report = join(dir, 'report.json');
  if (!existsSync(report)) return 'missing';
  try {
    const v = (JSON.parse(readFileSync(report, 'utf8')) as { librdkafka?: { version?: string } }).librdkafka
      ?.version;
    return v === version ? 'current' : `made from librdkafka ${v}'s header`;
  } catch {
    return 'unreadable';
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

function list(argv: string[], write: Write): number {
  const json = argv.includes('--json');
  for (const a of argv) if (a !== '--json') throw new UsageError(`unknown option ${a}`);
  const { versions, incomplete } = listInstalled();
  const sys = systemLibrary();
  let sysFeatures: string[] | null = null;
  if (sys?.library) {
    try {
      const conf = sys.docs.configuration ? readDoc(sys.docs.configuration) : null;
      sysFeatures = probeFeatures(sys.library, conf).builtIn;
    } catch {
      sysFeatures = null;
    }
  }
  const sysBindings = join(process.cwd(), '.rdkafka', 'bindings');
  if (json) {
    write(
      'stdout',
      JSON.stringify(
        {
          cache: cacheRoot(),
          system: sys && {
            version: sys.version,
            library: sys.library,
            header: sys.header,
            features: sysFeatures,
            bindings: { dir: sysBindings, state: bindingsOf(sysBindings, sys.version) },
          },
          versions: versions.map((v) => ({
            version: v.version,
            path: v.paths.dir,
            library: v.paths.library,
            source: v.manifest.source.spec,
            builtAt: v.manifest.builtAt,
            features: v.manifest.features.builtIn,
            leftOut: v.manifest.features.leftOut,
            bindings: { dir: v.paths.bindings, current: v.bindingsCurrent },
          })),
          incomplete,
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const rows = [['VERSION', 'PATH', 'BINDINGS', 'FEATURES']];
  if (sys)
    rows.push([
      `${sys.version} (system)`,
      sys.library ?? `${sys.header} (no library found)`,
      bindingsOf(sysBindings, sys.version) === 'current' ? 'current' : 'generated on first run',
      sysFeatures?.join(',') ?? '?',
    ]);
  for (const v of versions)
    rows.push([
      v.version,
      tilde(v.paths.dir),
      v.bindingsCurrent ? 'current' : 'stale (regenerated on next use)',
      v.manifest.features.builtIn.join(','),
    ]);
  write('stdout', table(rows));
  if (!versions.length)
    write(
      'stdout',
      `no built versions in ${tilde(cacheRoot())}: add one with rdkafka-workbench lib add SOURCE\n`,
    );
  for (const n of incomplete)
    write('stdout', `${n}: incomplete (an interrupted lib add); lib add it again or lib remove ${n}\n`);
  return 0;
}

async function remove(argv: string[], write: Write): Promise<number> {
  if (!argv.length) throw new UsageError('lib remove needs a VERSION');
  for (const a of argv) if (a.startsWith('--')) throw new UsageError(`unknown option ${a}`);
  for (const v of argv) {
    const r = await removeVersion(v);
    write('stdout', `removed librdkafka ${r.version} (${r.dir})\n`);
  }
  return 0;
}

function show(argv: string[], write: Write): number {
  const json = argv.includes('--json');
  const specs = argv.filter((a) => a !== '--json');
  if (specs.length !== 1) throw new UsageError('lib show needs one VERSION (or system)');
  const r = findLibrary(specs[0]);
  if (json) write('stdout', JSON.stringify(r, null, 2) + '\n');
  else
    write(
      'stdout',
      [
        `librdkafka ${r.label}`,
        `  library       ${r.library}`,
        `  bindings      ${r.bindingsDir}`,
        `  include       ${r.include}`,
        ...Object.entries(r.docs).map(([k, p]) => `  ${k.padEnd(13)} ${p}`),
      ].join('\n') + '\n',
    );
  return 0;
}

export async function main(argv: string[], write: Write = defaultWrite): Promise<number> {
  const [sub, ...rest] = argv;
  try {
    switch (sub) {
      case 'add':
        return await add(rest, write);
      case 'list':
        return list(rest, write);
      case 'remove':
      case 'rm':
        return await remove(rest, write);
      case 'show':
        return show(rest, write);
      case '--help':
      case '-h':
      case 'help':
        write('stdout', LIB_USAGE + '\n');
        return 0;
      default:
        throw new UsageError(sub ? `unknown lib command '${sub}'` : 'which lib command?');
    }
  } catch (e) {
    if (e instanceof UsageError) {
      write('stderr', `rdkafka-workbench lib: ${e.message}\n\n${LIB_USAGE}\n`);
      return 2;
    }
    if (e instanceof LibraryError) {
      write('stderr', `error: ${e.message}\n`);
      return e.kind === 'usage' ? 2 : 1;
    }
    write(
      'stderr',
      `error: lib ${sub} failed unexpectedly (${(e as Error).message.split('\n')[0]}); rerun with RDKAFKA_WORKBENCH_DEBUG=1 for details\n`,
    );
    if (process.env.RDKAFKA_WORKBENCH_DEBUG) write('stderr', `${(e as Error).stack}\n`);
    return 1;
  }
}
