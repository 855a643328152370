// `run --report FILE.html`: a standalone, self-contained HTML report of a headless run. The events panel's
// own bundle and stylesheet are inlined (plus the codicon font as a data: URL) and the events are embedded as
// JSON, so the file opens anywhere, offline, and looks like the panel. Nothing is fetched from the network.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KernelEvent } from '../protocol/index.ts';

export interface ReportMeta {
  /** Heading, e.g. the notebook's file name. */
  title?: string;
  /** Notebook path that was run. */
  source?: string;
  /** librdkafka version string of the run. */
  librdkafka?: string;
  /** Bootstrap used ("mock" or HOST:PORT). */
  bootstrap?: string;
  /** Epoch milliseconds when the run started. */
  startedAt?: number;
  durationMs?: number;
  /** How the run ended ("ok", "error", …). */
  status?: string;
  /** The run's events: how many were observed, how many the report holds in detail (cli/event-sample.ts). */
  events?: { total: number; detailed: number; sampled: boolean };
  /** A section of trusted, already escaped HTML (and its CSS) shown above the panel, e.g. the version matrix. */
  extra?: { html: string; css?: string };
}

interface Assets {
  script: string;
  style: string;
  codicons: string;
}

/** The repository (or installed package) root: the nearest folder up with our package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'rdkafka-workbench')
          return dir;
      } catch {
        /* keep looking */
      }
    }
    const up = dirname(dir);
    if (up === dir)
      throw new Error(
        'writeReport: cannot find the rdkafka-workbench package folder (with dist/webview.js) above ' +
          fileURLToPath(import.meta.url),
      );
    dir = up;
  }
}

let cached: Assets | null = null;
function loadAssets(): Assets {
  if (cached) return cached;
  const root = packageRoot();
  const scriptPath = join(root, 'dist', 'webview.js');
  if (!existsSync(scriptPath))
    throw new Error(`writeReport: ${scriptPath} is missing; build it with "node scripts/build.mjs"`);
  const script = readFileSync(scriptPath, 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/, '');
  const style = readFileSync(join(root, 'media', 'panel.css'), 'utf8');
  let codicons = '';
  try {
    const css = createRequire(join(root, 'package.json')).resolve('@vscode/codicons/dist/codicon.css');
    const font = readFileSync(join(dirname(css), 'codicon.ttf')).toString('base64');
    codicons = readFileSync(css, 'utf8').replace(
      /url\(["']?\.\/codicon\.ttf[^)]*\)/g,
      `url("data:font/ttf;base64,${font}")`,
    );
  } catch {
    // Without the codicons package the report still works; buttons keep their text labels.
  }
  cached = { script, style, codicons };
  return cached;
}

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON safe inside a <script> element: no "</script", "<!--" or line separators can end or confuse it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Code (or CSS) safe inside its element: an end tag inside a string would otherwise close it early. */
const inlineSafe = (code: string, tag: 'script' | 'style'): string =>
  code.replace(new RegExp(`</(${tag})`, 'gi'), '<\\/$1').replace(/<!--/g, '<\\!--');

/** The report page as a string (pure apart from reading the bundled assets once). */
export function reportHtml(events: readonly KernelEvent[], meta: ReportMeta = {}): string {
  const a = loadAssets();
  const nonce = randomBytes(18).toString('base64');
  const csp = [
    "default-src 'none'",
    'img-src data:',
    'font-src data:',
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const title = meta.title ?? 'librdkafka run report';
  const facts: [string, string][] = [];
  if (meta.source) facts.push(['notebook', meta.source]);
  if (meta.status) facts.push(['status', meta.status]);
  if (meta.startedAt !== undefined) facts.push(['started', new Date(meta.startedAt).toISOString()]);
  if (meta.durationMs !== undefined) facts.push(['duration', `${(meta.durationMs / 1000).toFixed(2)} s`]);
  if (meta.librdkafka) facts.push(['librdkafka', meta.librdkafka]);
  if (meta.bootstrap) facts.push(['bootstrap', meta.bootstrap]);
  const n = (x: number) => x.toLocaleString('en-US');
  if (meta.events) {
    facts.push(['events', n(meta.events.total)]);
    facts.push([
      'details',
      meta.events.sampled
        ? `sampled: ${n(meta.events.detailed)} of the ${n(meta.events.total)} events are here in detail (the first and the last of each type); every count is exact`
        : 'every event is here in detail',
    ]);
  } else facts.push(['events in this file', n(events.length)]);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rdkafka-workbench">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">
${inlineSafe(a.codicons, 'style')}
${inlineSafe(a.style, 'style')}
.report-meta { display: flex; flex-wrap: wrap; gap: 4px 16px; padding: 6px 10px 0; margin: 0; color: var(--c-muted); }
.report-meta dt { display: inline; }
.report-meta dd { display: inline; margin: 0 0 0 4px; color: var(--c-fg); }
${inlineSafe(meta.extra?.css ?? '', 'style')}
</style>
</head>
<body data-title="${escapeHtml(title)}" data-mode="report">
<dl class="report-meta" data-testid="report-meta">${facts.map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`).join('')}</dl>
${meta.extra?.html ?? ''}
<div id="app"></div>
<script type="application/json" id="rdkafka-events">${jsonForScript(events)}</script>
<script nonce="${nonce}">
${inlineSafe(a.script, 'script')}
</script>
</body>
</html>
`;
}

/** Write the standalone report of `events` to `file` (created with its folder; replaced atomically). */
export async function writeReport(events: KernelEvent[], file: string, meta?: ReportMeta): Promise<void> {
  const html = reportHtml(events, meta);
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, html);
  await rename(tmp, path);
}
