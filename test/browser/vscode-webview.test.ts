// The panel inside a real VS Code webview (code-server, which embeds VS Code; see FACTS.md): the page
// panelHtml builds, under VS Code's own CSP, resource URIs, theme variables and message relay. A tiny fixture
// extension plays the host. Checked in VS Code's light, dark and high-contrast themes (screenshots in
// test-results/). Needs the host that test/vscode/install-host.sh installs (test/browser/setup.sh runs it).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { Browser, Frame, Page } from 'playwright-core';
import { codeServerArgs, hostPaths, workbenchUrl } from '../vscode/host.ts';
import { launch, resultsDir, ROOT } from './browser.ts';
import { countOf, recordedStream } from './stream.ts';

const paths = hostPaths();
const missing =
  existsSync(paths.codeServerEntry) && existsSync(paths.node)
    ? ''
    : 'code-server is not installed (bash test/vscode/install-host.sh installs it)';
const root = fileURLToPath(ROOT).replace(/\/$/, '');
const events = recordedStream();
let scratch = '';
let ext = '';
let browser: Browser;

before(async () => {
  if (missing) return;
  scratch = mkdtempSync(join(tmpdir(), 'rdkafka-panel-vscode-'));
  ext = join(scratch, 'extension');
  mkdirSync(ext);
  writeFileSync(
    join(ext, 'package.json'),
    JSON.stringify({
      name: 'panel-check',
      publisher: 'rdkafka-workbench',
      version: '0.0.0',
      engines: { vscode: '^1.100.0' },
      main: './extension.cjs',
      activationEvents: ['onStartupFinished'],
    }),
  );
  writeFileSync(join(ext, 'events.json'), JSON.stringify({ root, events }));
  await esbuild.build({
    entryPoints: [join(root, 'test/browser/fixtures/panel-extension/extension.ts')],
    outfile: join(ext, 'extension.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'warning',
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

async function codeServer(theme: string): Promise<{ server: ChildProcess; port: number; dir: string }> {
  const dir = mkdtempSync(join(scratch, 'session-'));
  mkdirSync(join(dir, 'user', 'User'), { recursive: true });
  writeFileSync(
    join(dir, 'user', 'User', 'settings.json'),
    JSON.stringify({
      'workbench.colorTheme': theme,
      'workbench.startupEditor': 'none',
      'chat.disableAIFeatures': true,
    }),
  );
  const port = 20000 + Math.floor(Math.random() * 30000);
  const server = spawn(
    paths.node,
    codeServerArgs(paths, {
      port,
      userDataDir: join(dir, 'user'),
      extensionsDir: join(dir, 'ext'),
      trust: false,
    }),
    {
      stdio: 'ignore',
      env: { ...process.env, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') },
    },
  );
  for (let i = 0; i < 240; i++) {
    if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}`);
    if (
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { server, port, dir };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('code-server did not answer on /healthz within 60 s');
}

/** The webview's content frame: the one holding the panel's counters. */
async function panelFrame(page: Page, timeoutMs = 90_000): Promise<Frame> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const f of page.frames())
      if (await f.evaluate(() => !!document.querySelector('[data-testid="event-count"]')).catch(() => false))
        return f;
    await page.waitForTimeout(500);
  }
  throw new Error('the panel did not appear in a VS Code webview');
}

const themes = [
  ['light', 'Default Light Modern', (r: number) => r > 200],
  ['dark', 'Default Dark Modern', (r: number) => r < 60],
  ['high-contrast', 'Default High Contrast', (r: number) => r < 10],
] as const;

describe('events panel in a real VS Code webview (code-server)', { skip: missing || false }, () => {
  for (const [name, theme, bgFits] of themes) {
    test(`receives the host's events and follows the ${name} theme`, { timeout: 180_000 }, async () => {
      const { server, port, dir } = await codeServer(theme);
      const page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
      const webviewErrors: string[] = [];
      page.on(
        'console',
        (m) =>
          m.type() === 'error' &&
          /webview\.js|panel\.css|Content Security Policy/.test(m.text() + (m.location().url ?? '')) &&
          webviewErrors.push(m.text()),
      );
      try {
        await page.goto(workbenchUrl(port, { folder: dir, extensionDevelopmentPaths: [ext] }));
        const frame = await panelFrame(page);
        await frame.waitForFunction(
          (n) => document.querySelector('[data-testid="event-count"]')?.textContent === String(n),
          events.length,
          { timeout: 30_000 },
        );
        const text = (id: string) =>
          frame.evaluate((i) => document.querySelector(`[data-testid="${i}"]`)?.textContent, id);
        assert.equal(await text('dr-count'), String(countOf(events, 'dr')));
        assert.equal(await text('stats-count'), String(countOf(events, 'stats')));
        assert.equal(await text('log-count'), String(countOf(events, 'log')));
        // VS Code's theme reaches the panel: its body class and its colour variables.
        const look = await frame.evaluate(() => ({
          kind: document.body.dataset.vscodeThemeKind ?? '',
          cls: document.body.className,
          bg: getComputedStyle(document.body).backgroundColor,
          editorBg: getComputedStyle(document.documentElement)
            .getPropertyValue('--vscode-editor-background')
            .trim(),
          codicon: getComputedStyle(document.querySelector('.codicon')!, '::before').fontFamily,
        }));
        assert.match(
          look.cls,
          name === 'high-contrast' ? /vscode-high-contrast/ : new RegExp(`vscode-${name}`),
        );
        assert.ok(look.editorBg, 'VS Code set --vscode-editor-background');
        const r = Number(/\d+/.exec(look.bg)?.[0]);
        assert.ok(bgFits(r), `background ${look.bg} fits the ${name} theme`);
        assert.match(look.codicon, /codicon/, 'codicons load through the webview');
        await frame.click('[data-testid="tab-delivery"]');
        await page.waitForTimeout(600);
        await page.screenshot({ path: join(fileURLToPath(resultsDir()), `panel-vscode-${name}.png`) });
        assert.deepEqual(webviewErrors, []);
      } finally {
        await page.close();
        server.kill();
      }
    });
  }
});
