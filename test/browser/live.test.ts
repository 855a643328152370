// The panel page as the extension builds it (panelHtml), served from its own origin, fed live through the
// host's message interface: window.postMessage({type:'events', events}) and {type:'reset'}.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { KernelEvent } from '../../protocol/index.ts';
import {
  collectProblems,
  counter,
  cspViolations,
  launch,
  resultsDir,
  waitCounter,
  watchCsp,
} from './browser.ts';
import { PANEL_ORIGIN, servePanel } from './panel-page.ts';
import { PRODUCER, producerStats } from './stream.ts';

const ORIGIN = PANEL_ORIGIN;
const OTHER = 'http://elsewhere.test';
let browser: Browser;

before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A context serving the panel at ORIGIN/ and a page at OTHER/ that embeds it in an iframe. */
async function serve(colorScheme: 'light' | 'dark' = 'light'): Promise<BrowserContext> {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1200, height: 800 } });
  await watchCsp(context);
  // Stands in for VS Code's acquireVsCodeApi, recording what the panel posts to its host.
  await context.addInitScript(() => {
    const posted: unknown[] = [];
    // Like VS Code, the webview state outlives the page (here: sessionStorage across reloads).
    Object.assign(window, {
      __posted: posted,
      acquireVsCodeApi: () => ({
        postMessage: (m: unknown) => posted.push(m),
        getState: () => JSON.parse(sessionStorage.getItem('state') ?? 'null'),
        setState: (v: unknown) => sessionStorage.setItem('state', JSON.stringify(v)),
      }),
    });
  });
  await servePanel(context, ORIGIN);
  await context.route(`${OTHER}/**`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!DOCTYPE html><iframe id="panel" src="${ORIGIN}/" width="1000" height="700"></iframe>`,
    }),
  );
  return context;
}

let seq = 0;
const ev = (type: string, data: Record<string, unknown>, handle: string | null = PRODUCER): KernelEvent =>
  ({ seq: ++seq, time: Date.now(), handle, cell: 1, type, data }) as KernelEvent;
const dr = (partition: number, err = 0): KernelEvent =>
  ev('dr', {
    topic: 'live',
    partition,
    offset: seq,
    err,
    ...(err ? { errName: '_MSG_TIMED_OUT' } : {}),
    latencyUs: 1500,
    len: 10,
  });

async function post(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, window.origin), message);
}

async function openPanel(context: BrowserContext) {
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(`${ORIGIN}/`);
  await page.getByTestId('event-count').waitFor();
  return { page, problems };
}

describe('live panel (panelHtml + host messages)', () => {
  test('says ready to its host, then shows posted events as they arrive', async () => {
    const context = await serve();
    const { page, problems } = await openPanel(context);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted), [
      { type: 'ready' },
    ]);
    assert.equal(await counter(page, 'event-count'), '0');

    const first = [ev('handle_created', { kind: 'producer', name: PRODUCER }), dr(0), dr(1), dr(2, -192)];
    await post(page, { type: 'events', events: first });
    await waitCounter(page, 'event-count', '4');
    assert.equal(await counter(page, 'dr-count'), '3');
    assert.equal(await counter(page, 'dr-error-count'), '1');

    const second = [
      ev('log', { level: 6, facility: 'INIT', message: 'live log line arrives' }),
      ev('stats', producerStats(0)),
      ev('stats', producerStats(1)),
    ];
    await post(page, { type: 'events', events: second });
    await waitCounter(page, 'log-count', '1');
    await waitCounter(page, 'stats-count', '2');
    // Under load the kernel sends some events only as counts: the totals include them.
    const third = [ev('dropped', { counts: { dr: 1000 } }, null)];
    await post(page, { type: 'events', events: third });
    await waitCounter(page, 'dr-count', '1003');
    assert.equal(
      await page.getByTestId('dr-count').getAttribute('title'),
      '3 received individually, 1000 only counted under load',
    );
    // Following the tail: the newest event is on screen.
    await page.locator('.tl-row', { hasText: 'txmsgs=' }).last().waitFor();
    await page.locator('.tl-row', { hasText: 'live log line arrives' }).waitFor();

    await page.getByTestId('tab-handles').click();
    // The open view is kept in the webview state: a re-created webview opens on it again.
    await page.reload();
    await page.getByTestId('event-count').waitFor();
    assert.equal(await page.getByTestId('tab-handles').getAttribute('aria-selected'), 'true');
    // The host replays the history to a webview that says ready again.
    await post(page, { type: 'reset' });
    await post(page, { type: 'events', events: [...first, ...second, ...third] });
    await waitCounter(page, 'event-count', '1007');
    await page.locator('[data-testid="handles-table"] td', { hasText: PRODUCER }).first().waitFor();
    assert.match((await page.getByTestId('handles-table').textContent()) ?? '', /producer.*live/);
    // A handle's name leads to its events in the timeline.
    await page.locator('[data-testid="handles-table"] button', { hasText: PRODUCER }).click();
    assert.equal(await page.getByTestId('tab-timeline').getAttribute('aria-selected'), 'true');
    assert.equal(await page.getByTestId('filter-handle').inputValue(), PRODUCER);
    await waitCounter(page, 'timeline-shown', '7'); // all but the handle-less `dropped` notice
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    await page.screenshot({ path: new URL('panel-live-handles-light.png', resultsDir()).pathname });
    await context.close();
  });

  test('reset empties every view; pause freezes the list while counters keep counting', async () => {
    const context = await serve('dark');
    const { page } = await openPanel(context);
    await post(page, { type: 'events', events: [dr(0), dr(1)] });
    await waitCounter(page, 'event-count', '2');
    await post(page, { type: 'reset' });
    await waitCounter(page, 'event-count', '0');
    assert.equal(await counter(page, 'dr-count'), '0');

    await post(page, { type: 'events', events: [dr(0)] });
    await waitCounter(page, 'timeline-shown', '1');
    await page.getByTestId('pause').click();
    await post(page, { type: 'events', events: [dr(1), dr(2), dr(3)] });
    await waitCounter(page, 'event-count', '4');
    assert.equal(await counter(page, 'timeline-shown'), '1', 'the paused list did not move');
    assert.match((await page.locator('.timeline-status').textContent()) ?? '', /paused, 3 new/);
    await page.getByTestId('pause').click();
    await waitCounter(page, 'timeline-shown', '4');
    await page.screenshot({ path: new URL('panel-live-timeline-dark.png', resultsDir()).pathname });
    await context.close();
  });

  test('ignores malformed messages and renders event text as text, never as markup', async () => {
    const context = await serve();
    const { page, problems } = await openPanel(context);
    await post(page, { type: 'events', events: 'not a list' });
    await post(page, { type: 'eval', code: 'alert(1)' });
    await post(page, 'events');
    await post(page, {
      type: 'events',
      events: [
        { type: 'dr' },
        null,
        ev('log', { level: 3, facility: 'X', message: '<img src=x id=injected>' }),
      ],
    });
    await waitCounter(page, 'event-count', '1');
    // An event type this panel does not know (a newer kernel) is shown as it is, not dropped.
    await post(page, { type: 'events', events: [{ ...ev('future_kind', { answer: 42 }), extra: true }] });
    await waitCounter(page, 'event-count', '2');
    await page.locator('.tl-row', { hasText: '{"answer":42}' }).waitFor();
    await page.getByTestId('filter-type-future_kind').waitFor();
    assert.match((await page.locator('.notice').textContent()) ?? '', /2 malformed event\(s\) ignored/);
    await page.locator('.tl-row', { hasText: '<img src=x id=injected>' }).waitFor();
    assert.equal(await page.locator('#injected').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('accepts messages only from its own origin', async () => {
    const context = await serve();
    const page = await context.newPage();
    await page.goto(`${OTHER}/`);
    const frame = page.frameLocator('#panel');
    await frame.getByTestId('event-count').waitFor();
    // The embedding page (another origin) posts the host's exact shape: ignored.
    await page.evaluate(
      (events) =>
        (document.getElementById('panel') as HTMLIFrameElement).contentWindow!.postMessage(
          { type: 'events', events },
          '*',
        ),
      [dr(0), dr(1)],
    );
    await page.waitForTimeout(300);
    assert.equal((await frame.getByTestId('event-count').textContent())?.trim(), '0');
    // The same message from the panel's own origin (as VS Code's relay sends it) is accepted.
    const inner = page.frames().find((f) => f.url().startsWith(ORIGIN))!;
    await inner.evaluate(
      (events) => window.postMessage({ type: 'events', events }, window.origin),
      [dr(0), dr(1)],
    );
    await inner.waitForFunction(
      () => document.querySelector('[data-testid="event-count"]')?.textContent === '2',
    );
    await context.close();
  });

  test('follows a VS Code theme: its colour variables, high-contrast class, charts recoloured on change', async () => {
    const context = await serve();
    const { page, problems } = await openPanel(context);
    const now = Date.now();
    const spread = Array.from({ length: 400 }, (_, i) => ({ ...dr(i % 3), time: now - 8000 + i * 20 }));
    await post(page, { type: 'events', events: spread });
    await waitCounter(page, 'dr-count', '400');
    await page.getByTestId('tab-delivery').click();
    await page.waitForSelector('figure.chart canvas');
    // What VS Code does on a theme switch: new --vscode-* values on <html>, a new class on <body>.
    await page.evaluate(() => {
      const vars: Record<string, string> = {
        '--vscode-editor-background': '#000000',
        '--vscode-foreground': '#ffffff',
        '--vscode-panel-border': '#6fc3df',
        '--vscode-contrastBorder': '#6fc3df',
        '--vscode-contrastActiveBorder': '#f38518',
        '--vscode-charts-blue': '#00ffff',
        '--vscode-charts-orange': '#ffff00',
      };
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.className = 'vscode-high-contrast';
      document.body.dataset.vscodeThemeKind = 'vscode-high-contrast';
    });
    assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(0, 0, 0)');
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLElement>('.u-legend .u-series .u-marker')].some(
        (m) => getComputedStyle(m).borderColor === 'rgb(0, 255, 255)',
      ),
    );
    const cyan = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('figure.chart canvas')!;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < px.length; i += 4)
        if (px[i]! < 30 && px[i + 1]! > 225 && px[i + 2]! > 225 && px[i + 3]! > 200) n++;
      return n;
    });
    assert.ok(cyan > 50, `the rate series is redrawn in the theme's chart colour (${cyan} px)`);
    await page.screenshot({ path: new URL('panel-live-delivery-high-contrast.png', resultsDir()).pathname });
    assert.deepEqual(problems, []);
    await context.close();
  });
});
