// "Export for a librdkafka Issue": one folder with what librdkafka's issue template asks for, and one
// markdown summary to paste into a GitHub issue. Takes data (the notebook with its outputs, the events,
// the run's facts), not a kernel, so the extension, `run --bundle` and `trace --bundle` share it. No
// vscode. Secrets never reach it: configurations come redacted from the kernel, and every text written
// is scrubbed of the secret values the caller knows plus those the notebook writes as literals.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { CellOutput, EventData, KernelEvent } from '../../protocol/index.ts';
import type { CellData } from '../notebook/format.ts';
import { notebookAsC } from './clike.ts';
import { scrubber, secretLiterals } from './secrets.ts';

export interface BundleInput {
  /** Title of the run (the notebook's file name). */
  title: string;
  /** The notebook's cells with the outputs of the run. */
  cells: readonly CellData[];
  events: readonly KernelEvent[];
  /** Exact events per type, including those the kernel only counted under load (defaults to counting `events`). */
  counts?: Record<string, number>;
  librdkafka: { version: string; versionInt?: number; library?: string } | null;
  /** "mock" or the cluster's bootstrap servers. */
  bootstrap: string | null;
  /** What made it: "VS Code", "rdkafka-workbench run", "rdkafka-workbench trace". */
  tool: string;
  /** How the run ended ("ok", "error", "interrupted"…), when it ended. */
  status?: string;
  startedAt?: number;
  durationMs?: number;
  /** Secret values to scrub (credentials, values the kernel's handles held). */
  secrets?: readonly string[];
}

export interface BundleResult {
  dir: string;
  /** Files written, relative to dir. */
  files: string[];
  /** The markdown summary (also ISSUE.md). */
  summary: string;
}

/** Events of one type with their data typed. */
function ofType<T extends KernelEvent['type']>(events: readonly KernelEvent[], type: T) {
  return events.filter((e): e is Extract<KernelEvent, { type: T }> => e.type === type);
}

function osDescription(): string {
  let distro: string;
  try {
    distro = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    distro = '';
  }
  return `${distro ? `${distro}, ` : ''}${os.type()} ${os.release()} ${os.arch()}`;
}

const fence = (lang: string, text: string) => {
  const ticks = /```/.test(text) ? '````' : '```';
  return `${ticks}${lang}\n${text.replace(/\s+$/, '')}\n${ticks}`;
};

function outputText(o: CellOutput): string {
  switch (o.kind) {
    case 'stream':
      return o.text;
    case 'error':
      return `${o.stack || `${o.name}: ${o.message}`}\n`;
    default: {
      const d = o.data;
      const t = d['text/plain'] ?? d['text/markdown'] ?? JSON.stringify(d['application/json'] ?? d);
      return `${String(t).replace(/\s+$/, '')}\n`;
    }
  }
}

/** A log event as librdkafka's default logger prints it: `%7|<time>|FAC|handle: message`. */
function logLine(e: Extract<KernelEvent, { type: 'log' }>): string {
  const d = e.data as EventData<'log'>;
  return `%${d.level}|${(e.time / 1000).toFixed(3)}|${d.facility}|${e.handle ?? '-'}| ${d.message}`;
}

/** librdkafka's default logger lines (`%7|…|FAC|name| …`) a cell printed to stderr (no log_cb set). */
function defaultLoggerLines(cells: readonly CellData[]): string[] {
  const out: string[] = [];
  for (const c of cells)
    for (const o of c.outputs)
      if (o.kind === 'stream' && o.name === 'stderr')
        for (const line of o.text.split('\n')) if (/^%\d\|\d+(\.\d+)?\|/.test(line)) out.push(line);
  return out;
}

/** Every librdkafka log line of the run: log events and default-logger lines, each once. */
function allLogLines(input: BundleInput): string[] {
  const events = ofType(input.events, 'log');
  const seen = new Set(events.map((e) => `${e.data.facility}|${e.data.message}`));
  const lines = events.map(logLine);
  for (const l of defaultLoggerLines(input.cells)) {
    const m = /^%\d\|[^|]*\|([^|]*)\|[^|]*\|\s?(.*)$/.exec(l);
    if (!m || !seen.has(`${m[1]}|${m[2]}`)) lines.push(l);
  }
  return lines;
}

function propertiesFile(name: string, d: EventData<'handle_config'>): string {
  const lines = [`# ${name} (${d.kind}): rd_kafka_conf_dump() just before rd_kafka_new()`];
  if (d.redacted.length) lines.push(`# secrets redacted: ${d.redacted.join(', ')}`);
  for (const k of Object.keys(d.config).sort()) lines.push(`${k}=${d.config[k]}`);
  return lines.join('\n') + '\n';
}

/** Log lines quoted in the summary (the whole log is in logs.txt). */
const LOG_EXCERPT = 40;

const safeName = (s: string) => s.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'handle';

/** Properties a reader of an issue looks at first (the rest is in config/). */
const KEY_PROPS = [
  'bootstrap.servers',
  'security.protocol',
  'sasl.mechanisms',
  'acks',
  'enable.idempotence',
  'transactional.id',
  'group.id',
  'group.protocol',
  'partition.assignment.strategy',
  'auto.offset.reset',
  'enable.auto.commit',
  'linger.ms',
  'batch.size',
  'message.timeout.ms',
  'request.timeout.ms',
  'retries',
  'debug',
  'statistics.interval.ms',
];

export function summaryMarkdown(input: BundleInput, files: string[]): string {
  const ev = input.events;
  const counts = input.counts ?? countEvents(ev);
  const configs = ofType(ev, 'handle_config');
  const features =
    configs.map((c) => c.data.config['builtin.features']).find(Boolean) ?? '(no handle was created)';
  const errors = ofType(ev, 'error');
  const failedDr = ofType(ev, 'dr').filter((e) => e.data.err !== 0);
  const faults = ofType(ev, 'fault');
  const mock = ofType(ev, 'mock_cluster')[0];
  const lib = input.librdkafka;
  const logs = allLogLines(input);
  const out: string[] = [];
  out.push(`## ${input.title}: librdkafka ${lib?.version ?? '(unknown version)'}`, '');
  out.push('Description', '===========', '<your issue description goes here>', '');
  out.push('How to reproduce', '================');
  out.push(
    `Run the notebook below with rdkafka workbench (${input.tool}) against ${input.bootstrap === 'mock' ? "librdkafka's embedded mock cluster (3 brokers)" : `the cluster at ${input.bootstrap ?? '(unknown)'}`}. Its cells, in order, are in \`notebook.c\`.`,
  );
  if (faults.length)
    out.push(
      '',
      'Mock-cluster calls made during the run (faults), in order:',
      '',
      ...faults.map(
        (f) =>
          `- ${new Date(f.time).toISOString()}${f.cell !== null ? ` (during cell ${f.cell})` : ''}, from the ${f.data.source}: \`${f.data.c || f.data.fn}\`${f.data.refused ? ` refused: ${f.data.refused}` : f.data.err ? ` returned ${f.data.errName ?? f.data.err}` : ''}`,
      ),
    );
  out.push('', 'Checklist', '=========', '');
  out.push(
    `- [x] librdkafka version (release number or git tag): \`${lib?.version ?? 'unknown'}\`${lib?.library ? ` (${lib.library})` : ''}`,
  );
  out.push(
    `- [ ] Apache Kafka version: ${input.bootstrap === 'mock' ? "librdkafka's mock cluster" : '<fill in>'}`,
  );
  out.push('- [x] librdkafka client configuration: see below and `config/`');
  out.push(`- [x] Operating system: \`${osDescription()}\``);
  out.push(
    `- [x] Provide logs (with \`debug=..\` as necessary) from librdkafka: \`logs.txt\` (${logs.length} lines)`,
  );
  out.push('- [ ] Provide broker log excerpts');
  out.push('- [ ] Critical issue');
  out.push('', '### Build', '', `builtin.features: \`${features}\``);
  if (mock)
    out.push(
      '',
      `Mock request tracking: ${mock.data.requestTracking.on ? 'on' : `off (${mock.data.requestTracking.reason})`}.`,
    );
  out.push('', '### Client configuration (modified properties; secrets redacted)', '');
  if (configs.length === 0) out.push('No handle was created.');
  for (const c of configs) {
    // What the cells set (differs from a new conf), else the properties an issue reader looks at first.
    const keys = c.data.modified ?? KEY_PROPS.filter((k) => k in c.data.config);
    const props = keys.filter((k) => k !== 'builtin.features').map((k) => `${k}=${c.data.config[k]}`);
    out.push(
      `${c.data.name} (${c.data.kind}):`,
      '',
      fence('properties', props.join('\n') || '(defaults)'),
      '',
    );
  }
  out.push('### What happened', '');
  out.push(
    `Status: ${input.status ?? 'not finished'}${input.durationMs !== undefined ? `, ${(input.durationMs / 1000).toFixed(1)} s` : ''}.`,
    '',
    '| event | count |',
    '|---|---|',
    ...Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([t, n]) => `| ${t} | ${n} |`),
  );
  const firstErrors = [
    ...errors.map((e) => ({
      time: e.time,
      text: `error ${e.data.errName}: ${e.data.reason}`,
      handle: e.handle,
    })),
    ...failedDr.map((e) => ({
      time: e.time,
      text: `delivery failed: ${e.data.errName ?? e.data.err} (${e.data.topic} [${e.data.partition}])`,
      handle: e.handle,
    })),
  ]
    .sort((a, b) => a.time - b.time)
    .slice(0, 10);
  if (firstErrors.length)
    out.push(
      '',
      'First errors:',
      '',
      ...firstErrors.map((e) =>
        `- ${new Date(e.time).toISOString()} ${e.handle ?? ''} ${e.text}`.replace(/\s+/g, ' '),
      ),
    );
  const failedCells = input.cells
    .map((c, i) => ({ i, err: c.outputs.find((o) => o.kind === 'error') }))
    .filter((x) => x.err);
  if (failedCells.length)
    out.push(
      '',
      'Cells that failed:',
      '',
      ...failedCells.map((x) => {
        const e = x.err as Extract<CellOutput, { kind: 'error' }>;
        return `- cell ${x.i + 1}: ${e.name}: ${e.message}`;
      }),
    );
  out.push(
    '',
    '<details><summary>The notebook (notebook.c)</summary>',
    '',
    fence('c', notebookAsC(input.cells, input.title)),
    '',
    '</details>',
  );
  if (logs.length)
    out.push(
      '',
      `<details><summary>Last ${Math.min(LOG_EXCERPT, logs.length)} of ${logs.length} log lines (logs.txt)</summary>`,
      '',
      fence('', logs.slice(-LOG_EXCERPT).join('\n')),
      '',
      '</details>',
    );
  out.push('', '### Files', '', ...files.filter((f) => f !== 'ISSUE.md').map((f) => `- \`${f}\``), '');
  out.push('<sub>Exported by rdkafka workbench. Secret properties are redacted.</sub>', '');
  return out.join('\n');
}

export function countEvents(events: readonly KernelEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) {
    if (e.type === 'dropped')
      for (const [t, n] of Object.entries(e.data.counts)) counts[t] = (counts[t] ?? 0) + n;
    else counts[e.type] = (counts[e.type] ?? 0) + 1;
  }
  return counts;
}

/** The bundle's files as name → content (pure: what writeBundle writes). */
export function bundleFiles(input: BundleInput): Map<string, string> {
  const secrets = [...(input.secrets ?? []), ...input.cells.flatMap((c) => secretLiterals(c.source))];
  const scrub = scrubber(secrets);
  const files = new Map<string, string>();
  const ev = input.events;
  const configs = ofType(ev, 'handle_config');
  files.set(
    'environment.json',
    JSON.stringify(
      {
        librdkafka: input.librdkafka,
        builtinFeatures: configs.map((c) => c.data.config['builtin.features']).find(Boolean) ?? null,
        os: osDescription(),
        node: process.version,
        tool: input.tool,
        bootstrap: input.bootstrap,
        status: input.status ?? null,
        startedAt: input.startedAt !== undefined ? new Date(input.startedAt).toISOString() : null,
        durationMs: input.durationMs ?? null,
      },
      null,
      2,
    ) + '\n',
  );
  files.set('notebook.c', notebookAsC(input.cells, input.title));
  const used = new Set<string>();
  for (const c of configs) {
    let name = `config/${safeName(c.data.name)}.properties`;
    for (let i = 2; used.has(name); i++) name = `config/${safeName(c.data.name)}-${i}.properties`;
    used.add(name);
    files.set(name, propertiesFile(c.data.name, c.data));
  }
  files.set(
    'outputs.txt',
    input.cells
      .map((c, i) =>
        c.kind === 'code'
          ? `──── cell ${i + 1} ────\n${c.outputs.map(outputText).join('') || '(no output)\n'}`
          : '',
      )
      .filter(Boolean)
      .join('\n'),
  );
  files.set('logs.txt', allLogLines(input).join('\n') + '\n');
  files.set(
    'stats.jsonl',
    ofType(ev, 'stats')
      .map((e) => JSON.stringify({ time: e.time, handle: e.handle, stats: e.data }))
      .join('\n') + '\n',
  );
  files.set('events.jsonl', ev.map((e) => JSON.stringify(e)).join('\n') + '\n');
  files.set('counts.json', JSON.stringify(input.counts ?? countEvents(ev), null, 2) + '\n');
  files.set('ISSUE.md', summaryMarkdown(input, ['ISSUE.md', ...files.keys()].sort()));
  for (const [k, v] of files) files.set(k, scrub(v));
  return files;
}

/** Throws unless the export may write into `dir`: new, empty, or an earlier export (which it replaces). */
export function checkBundleDir(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return; // does not exist yet
  }
  const earlier = names.includes('ISSUE.md') && names.includes('environment.json');
  if (names.length && !earlier)
    throw new Error(`${dir} is not empty and holds no earlier export: choose a new or empty folder`);
}

/** Writes the bundle into `dir` (created; an earlier export there is replaced, other files never touched). */
export async function writeBundle(dir: string, input: BundleInput): Promise<BundleResult> {
  const target = resolve(dir);
  checkBundleDir(target);
  const files = bundleFiles(input);
  await mkdir(target, { recursive: true });
  await rm(join(target, 'config'), { recursive: true, force: true });
  for (const [name, text] of files) {
    const path = join(target, name);
    await mkdir(dirname(path), { recursive: true });
    // Beside, then renamed: a crash never leaves half a file.
    await writeFile(`${path}.${process.pid}.tmp`, text);
    await rename(`${path}.${process.pid}.tmp`, path);
  }
  return { dir: target, files: [...files.keys()].sort(), summary: files.get('ISSUE.md')! };
}
