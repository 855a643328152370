// A stand-in for a VS Code executable (test/vscode/shim.sh runs this): takes the command line
// @vscode/test-electron's runTests builds, starts code-server (VS Code in a browser) with the smoke-test
// driver, opens the workbench in headless Chromium with the extension under development and its tests, and
// exits with the tests' exit code. So the same suites run unchanged in a desktop VS Code wherever one can be
// downloaded. While it runs it serves, at RDKAFKA_TEST_SHIM_URL, `POST /screenshot?name=N` (the suites keep
// screenshots of the window in test-results/), `POST /log` (lines the suites print, written to stdout:
// a remote extension host's console does not reach this process) and `GET /frames` (each frame's URL and
// visible text, so a suite can check what a webview rendered), `GET /dom?selector=S` (matching elements of
// every frame), `POST /click?name=N[&within=CSS&text=T]` (a button, as a user clicks it), `POST /key?keys=K`
// (a key press), and for the control-room suite `POST /click?selector=S` (clicks the first element matching
// S in whichever frame has one), `GET /query?selector=S` (each match's data-* attributes, text and box, in
// every frame) and `POST /viewport?width=W&height=H`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import {
  CHROMIUM_FLAGS,
  TRUST_SETTINGS,
  codeServerArgs,
  hostPaths,
  parseVSCodeArgs,
  workbenchUrl,
} from './host.ts';

const TIMEOUT_MS = Number(process.env.RDKAFKA_TEST_TIMEOUT_MS || 15 * 60_000);
const log = (msg: string) => process.stderr.write(`[shim] ${msg}\n`);

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => res(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null)
      throw new Error(`code-server exited with code ${child.exitCode} before it listened`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${ms / 1000} s`);
}

async function main(): Promise<number> {
  const args = parseVSCodeArgs(process.argv.slice(2));
  const paths = hostPaths();
  for (const [what, p] of Object.entries(paths)) {
    if (!existsSync(p)) {
      log(`${what} not found at ${p}: run test/vscode/install-host.sh first`);
      return 1;
    }
  }
  const scratch = mkdtempSync(join(tmpdir(), 'rdkafka-vscode-'));
  const userDataDir = join(scratch, 'user-data');
  const extensionsDir = join(scratch, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  // Quiet, deterministic window: no welcome page, no trust prompt (an untrusted folder opens restricted).
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.enableExperiments': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.emptyWindow': false,
        'security.workspace.trust.banner': 'never',
        'update.mode': 'none',
        // RDKAFKA_TEST_TS_RESTRICTED=0: a profile as it comes (the intellisense-off session).
        ...(process.env.RDKAFKA_TEST_TS_RESTRICTED === '0' ? {} : TRUST_SETTINGS),
        ...(process.env.RDKAFKA_TEST_VERBOSE === '1' ? { 'typescript.tsserver.log': 'verbose' } : {}),
      },
      null,
      2,
    ),
  );

  const port = await freePort();
  const resultsDir = resolve(process.env.RDKAFKA_TEST_RESULTS || 'test-results');
  mkdirSync(resultsDir, { recursive: true });
  let page: Page | undefined;

  // Screenshots and log lines on request of the suites running inside the extension host.
  const shots = createHttpServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/log') {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      process.stdout.write(Buffer.concat(chunks));
      res.writeHead(200).end();
      return;
    }
    if (url.pathname === '/eval' && page && process.env.RDKAFKA_TEST_VERBOSE === '1') {
      // Debugging aid (verbose runs only): evaluate the body in the frames whose text contains ?match=.
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const match = url.searchParams.get('match') ?? '';
      const out: unknown[] = [];
      for (const f of page.frames()) {
        const text = await f.evaluate(() => document.body?.innerText ?? '').catch(() => '');
        if (text.includes(match))
          out.push(
            await f
              .evaluate(Buffer.concat(chunks).toString('utf8'))
              .catch((e: Error) => `error: ${e.message}`),
          );
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
      return;
    }
    if (url.pathname === '/dom' && page) {
      // The elements matching ?selector= in every frame, shadow roots included: lets a suite check the DOM a
      // webview rendered (a notebook output's table), not only its text.
      const selector = url.searchParams.get('selector') ?? '*';
      const found = await Promise.all(
        page.frames().map(async (f) => ({
          url: f.url(),
          elements: await f
            .evaluate((sel: string) => {
              const out: { html: string; text: string }[] = [];
              const visit = (root: Document | ShadowRoot) => {
                for (const el of root.querySelectorAll(sel))
                  out.push({ html: el.outerHTML.slice(0, 20000), text: (el as HTMLElement).innerText ?? '' });
                for (const el of root.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
              };
              visit(document);
              return out;
            }, selector)
            .catch(() => []),
        })),
      );
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(found.filter((f) => f.elements.length)));
      return;
    }
    if (url.pathname === '/click' && page && url.searchParams.has('name')) {
      // Clicks a button of the workbench by its accessible name (?name=), inside the first element matching
      // ?within= that holds ?text= when given (a notification toast): what a user's click does.
      const name = url.searchParams.get('name') ?? '';
      const within = url.searchParams.get('within');
      const text = url.searchParams.get('text');
      try {
        let scope = within ? page.locator(within) : page.locator('body');
        if (text) scope = scope.filter({ hasText: text });
        await scope.first().getByRole('button', { name, exact: true }).first().click({ timeout: 10_000 });
        res.writeHead(200).end('clicked');
      } catch (e) {
        res.writeHead(404).end(String((e as Error).message).split('\n')[0]);
      }
      return;
    }
    if (url.pathname === '/key' && page) {
      // Presses a key combination in the window (?keys=Control+Space), as the user would.
      await page.keyboard.press(url.searchParams.get('keys') ?? 'Escape');
      res.writeHead(200).end('pressed');
      return;
    }
    if (url.pathname === '/frames' && page) {
      // What every frame (the workbench, webviews) shows: lets a suite check what a webview rendered.
      const frames = await Promise.all(
        page.frames().map(async (f) => ({
          url: f.url(),
          text: await f
            .evaluate(() => ({ origin: window.origin, body: document.body?.innerText ?? '' }))
            .catch((e: Error) => ({ origin: '', body: `(${e.message})` })),
        })),
      );
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(frames.map((f) => ({ url: f.url, origin: f.text.origin, text: f.text.body }))));
      return;
    }
    const selector = url.searchParams.get('selector') ?? '';
    if (url.pathname === '/click' && page && selector) {
      // What a user's click does, in the webview's own frame: suites drive the panel's controls with it.
      let clicked = false;
      const why: string[] = [];
      for (const f of page.frames()) {
        const el = await f.$(selector).catch(() => null);
        if (!el) continue;
        await el.scrollIntoViewIfNeeded().catch(() => {});
        await el.click({ timeout: 5000 }).then(
          () => (clicked = true),
          (e: Error) => why.push(e.message.split('\n').slice(0, 12).join(' | ')),
        );
        if (clicked) break;
      }
      res
        .writeHead(clicked ? 200 : 404)
        .end(clicked ? 'clicked' : why.length ? why.join('; ') : `no element ${selector}`);
      return;
    }
    if (url.pathname === '/query' && page && selector) {
      const found = [];
      for (const f of page.frames()) {
        const r = await f
          .$$eval(selector, (els) =>
            els.map((el) => {
              const b = el.getBoundingClientRect();
              const h = el as HTMLElement;
              return {
                data: { ...h.dataset },
                text: (h.innerText ?? h.textContent ?? '').slice(0, 2000),
                box: { x: b.x, y: b.y, width: b.width, height: b.height },
                scrollWidth: h.scrollWidth,
                clientWidth: h.clientWidth,
                frameWidth: window.innerWidth,
              };
            }),
          )
          .catch(() => []);
        found.push(...r);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
      return;
    }
    if (url.pathname === '/viewport' && page) {
      const width = Number(url.searchParams.get('width')) || 1400;
      const height = Number(url.searchParams.get('height')) || 900;
      await page.setViewportSize({ width, height });
      res.writeHead(200).end('ok');
      return;
    }
    const name = (url.searchParams.get('name') || 'screenshot').replace(/[^\w.-]/g, '_');
    if (url.pathname !== '/screenshot' || !page) {
      res.writeHead(404).end('no page');
      return;
    }
    try {
      const file = join(resultsDir, `${name}.png`);
      await page.screenshot({ path: file });
      res.writeHead(200).end(file);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
  await new Promise<void>((r) => shots.listen(0, '127.0.0.1', () => r()));
  const shimUrl = `http://127.0.0.1:${(shots.address() as AddressInfo).port}`;

  // runTests always asks for --disable-workspace-trust; RDKAFKA_TEST_TRUST=1 keeps trust on (untrusted-suite).
  const serverArgs = codeServerArgs(paths, {
    port,
    userDataDir,
    extensionsDir,
    trust: !args.disableWorkspaceTrust || process.env.RDKAFKA_TEST_TRUST === '1',
  });
  // Its own process group, so that the end of the run also ends what it spawned (extension hosts, kernels).
  const server = spawn(paths.node, serverArgs, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      XDG_CONFIG_HOME: join(scratch, 'config'),
      XDG_DATA_HOME: join(scratch, 'data'),
      RDKAFKA_TEST_SHIM_URL: shimUrl,
    },
  });
  const verbose = process.env.RDKAFKA_TEST_VERBOSE === '1';
  server.stdout!.on('data', (d: Buffer) => verbose && process.stderr.write(`[code-server] ${d}`));
  // code-server's own complaints (missing optional modules, no marketplace) are noise unless the run fails.
  let serverErr = '';
  server.stderr!.on('data', (d: Buffer) => {
    if (verbose) process.stderr.write(`[code-server] ${d}`);
    else serverErr = (serverErr + d.toString()).slice(-8000);
  });

  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, server, 60_000);
    browser = await chromium.launch({
      executablePath: paths.chromium,
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    const exited = new Promise<number>((res) => {
      void page!.exposeFunction('codeAutomationExit', (code: number) => res(Number(code) || 0));
      timer = setTimeout(() => {
        log(`tests did not finish within ${TIMEOUT_MS / 1000} s`);
        res(1);
      }, TIMEOUT_MS);
    });
    await page.exposeFunction('codeAutomationLog', (level: string, args: unknown) => {
      const text = Array.isArray(args)
        ? args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')
        : String(args);
      // The marketplace is unreachable here: its errors are noise.
      if (
        verbose ||
        (level === 'error' &&
          !/open-vsx|ENOTFOUND|marketplace|listener LEAK|refused to show dialog in tests/.test(text))
      )
        process.stderr.write(`[workbench ${level}] ${text}\n`);
    });
    page.on('pageerror', (e) => verbose && log(`page error: ${e.message}`));
    // Webviews' consoles too (their errors say why a panel stays empty).
    page.on(
      'console',
      (m) =>
        verbose &&
        m.type() !== 'debug' &&
        log(`console ${m.type()} [${m.location().url?.slice(-60) ?? ''}]: ${m.text()}`),
    );
    const url = workbenchUrl(port, { ...args, folder: args.folder && resolve(args.folder) });
    log(`opening ${url}`);
    await page.goto(url);
    const code = await exited;
    if (code !== 0 && serverErr) process.stderr.write(`[code-server, last output]\n${serverErr}\n`);
    return code;
  } catch (e) {
    log(`failed: ${(e as Error).message}`);
    return 1;
  } finally {
    clearTimeout(timer);
    await browser?.close().catch(() => {});
    const group = (sig: NodeJS.Signals) => {
      try {
        process.kill(-server.pid!, sig);
      } catch {
        /* already gone */
      }
    };
    group('SIGTERM');
    shots.close();
    await new Promise((r) => setTimeout(r, 1000));
    group('SIGKILL');
    if (process.env.RDKAFKA_TEST_KEEP) log(`kept ${scratch}`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

process.exit(await main());
