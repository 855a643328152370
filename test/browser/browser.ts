// Launching Debian's Chromium with playwright-core (flags from the project's verified facts), and the
// helpers the browser tests share: serving pages from fake origins, reading counters, checking charts drew.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../vscode/host.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Repository root: the nearest folder above this bundle (dist/test/browser, dist/bench) with our package.json. */
export const ROOT = findRoot(new URL('./', import.meta.url));
function findRoot(dir: URL): URL {
  for (let d = dir; ; d = new URL('../', d)) {
    if (
      existsSync(new URL('package.json', d)) &&
      JSON.parse(readFileSync(new URL('package.json', d), 'utf8')).name === 'rdkafka-workbench'
    )
      return d;
    if (d.pathname === '/') throw new Error(`no rdkafka-workbench package.json above ${dir.pathname}`);
  }
}
export const RESULTS = new URL('test-results/', ROOT);

export async function launch(extraArgs: string[] = []): Promise<Browser> {
  // A fresh profile each time: playwright-core's launch uses a temporary user-data dir.
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_FLAGS, ...extraArgs],
    headless: true,
  });
}

export function resultsDir(): URL {
  mkdirSync(RESULTS, { recursive: true });
  return RESULTS;
}

export const readRoot = (path: string): Buffer => readFileSync(new URL(path, ROOT));

/** Problems the page reported: console errors, uncaught exceptions and CSP violations. */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

/** Record CSP violations inside the page (they are also console errors, but this names the directive). */
export async function watchCsp(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    (window as unknown as { __csp: string[] }).__csp = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __csp: string[] }).__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
}

export async function counter(page: Page, testid: string): Promise<string> {
  return (await page.getByTestId(testid).first().textContent())?.trim() ?? '';
}

/** Wait until a counter shows `value` (the panel redraws on the next animation frame). */
export async function waitCounter(page: Page, testid: string, value: string, timeout = 5000): Promise<void> {
  await page
    .waitForFunction(
      ([id, v]) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === v,
      [testid, value] as const,
      { timeout },
    )
    .catch(async () => {
      throw new Error(`counter ${testid} shows "${await counter(page, testid)}", expected "${value}"`);
    });
}

/**
 * How many canvas pixels of the chart titled `title` have the colour of one of its series (read from
 * uPlot's legend markers): more than a handful means a series itself was drawn, not just axes and grid.
 */
export async function seriesPixels(page: Page, title: string): Promise<number> {
  return page.evaluate((t) => {
    const fig = [...document.querySelectorAll<HTMLElement>('figure.chart')].find(
      (f) => f.dataset.chart === t,
    );
    if (!fig) throw new Error(`no chart titled ${t}`);
    const canvas = fig.querySelector('canvas');
    const colours = [...fig.querySelectorAll<HTMLElement>('.u-legend .u-series .u-marker')]
      .map((m) => /rgba?\((\d+), (\d+), (\d+)/.exec(getComputedStyle(m).borderColor))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [Number(m[1]), Number(m[2]), Number(m[3])] as const);
    if (!canvas || colours.length === 0) return 0;
    const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < px.length; i += 4) {
      if (px[i + 3]! < 200) continue;
      for (const [r, g, b] of colours) {
        if (Math.abs(px[i]! - r) < 24 && Math.abs(px[i + 1]! - g) < 24 && Math.abs(px[i + 2]! - b) < 24) {
          n++;
          break;
        }
      }
    }
    return n;
  }, title);
}
