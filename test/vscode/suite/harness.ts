// A small test runner for the extension host (no mocha: one bundle, no dynamic requires). Tests run in
// order; each has a timeout. Results go to the console, to the shim's /log (a remote extension host's
// console reaches no terminal) and, as JSON, to RDKAFKA_TEST_RESULTS_FILE for run.main.ts to count.
import { writeFileSync } from 'node:fs';

interface Test {
  name: string;
  fn: () => Promise<void> | void;
  timeoutMs: number;
  skip?: string;
}

const tests: Test[] = [];
let prefix = '';

export function suite(name: string, body: () => void): void {
  const outer = prefix;
  prefix = `${outer}${name} › `;
  body();
  prefix = outer;
}

export function test(name: string, fn: () => Promise<void> | void, timeoutMs = 60_000): void {
  tests.push({ name: prefix + name, fn, timeoutMs });
}

/** A test that cannot run here; `why` is printed in its place. */
export function skip(name: string, why: string): void {
  tests.push({ name: prefix + name, fn: () => {}, timeoutMs: 0, skip: why });
}

export async function log(line: string): Promise<void> {
  console.log(line);
  const shim = process.env.RDKAFKA_TEST_SHIM_URL;
  if (shim) await fetch(`${shim}/log`, { method: 'POST', body: line + '\n' }).catch(() => {});
}

/** Asks the shim for a screenshot of the window (test-results/NAME.png); false where no shim runs. */
export async function screenshot(name: string): Promise<string | undefined> {
  const shim = process.env.RDKAFKA_TEST_SHIM_URL;
  if (!shim) return undefined;
  const res = await fetch(`${shim}/screenshot?name=${encodeURIComponent(name)}`, { method: 'POST' });
  if (!res.ok) throw new Error(`screenshot failed: ${await res.text()}`);
  return res.text();
}

/** Every frame's URL and visible text (webviews included); undefined where no shim runs (desktop VS Code). */
export async function frames(): Promise<{ url: string; origin: string; text: string }[] | undefined> {
  const shim = process.env.RDKAFKA_TEST_SHIM_URL;
  if (!shim) return undefined;
  const res = await fetch(`${shim}/frames`);
  return (await res.json()) as { url: string; origin: string; text: string }[];
}

/** Elements matching `selector` in every frame (webviews and shadow roots included); undefined without a shim. */
export async function dom(
  selector: string,
): Promise<{ url: string; elements: { html: string; text: string }[] }[] | undefined> {
  const shim = process.env.RDKAFKA_TEST_SHIM_URL;
  if (!shim) return undefined;
  const res = await fetch(`${shim}/dom?selector=${encodeURIComponent(selector)}`);
  return (await res.json()) as { url: string; elements: { html: string; text: string }[] }[];
}

/**
 * Clicks the workbench button named `name` (inside the first `within` element holding `text`, when given)
 * as a user would; throws when there is none. False where no shim runs.
 */
export async function click(name: string, within?: string, text?: string): Promise<boolean> {
  const shim = process.env.RDKAFKA_TEST_SHIM_URL;
  if (!shim) return false;
  const q = new URLSearchParams({ name, ...(within ? { within } : {}), ...(text ? { text } : {}) });
  const res = await fetch(`${shim}/click?${q}`, { method: 'POST' });
  if (!res.ok) throw new Error(`no button "${name}" to click: ${await res.text()}`);
  return true;
}

/** Presses keys in the window (Playwright's names: "Control+Space"); false where no shim runs. */
export async function press(keys: string): Promise<boolean> {
  const shim = process.env.RDKAFKA_TEST_SHIM_URL;
  if (!shim) return false;
  await fetch(`${shim}/key?keys=${encodeURIComponent(keys)}`, { method: 'POST' });
  return true;
}

export interface Results {
  passed: number;
  failed: number;
  skipped: number;
  failures: { name: string; error: string }[];
}

export async function runAll(session: string): Promise<Results> {
  const results: Results = { passed: 0, failed: 0, skipped: 0, failures: [] };
  // RDKAFKA_TEST_GREP: run only the tests whose name holds one of its `|`-separated parts.
  const filters = process.env.RDKAFKA_TEST_GREP?.split('|').filter(Boolean);
  for (const t of tests) {
    if (filters?.length && !filters.some((f) => t.name.includes(f))) continue;
    if (t.skip) {
      results.skipped++;
      await log(`  - ${t.name} (skipped: ${t.skip})`);
      continue;
    }
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        Promise.resolve().then(t.fn),
        new Promise(
          (_, rej) =>
            (timer = setTimeout(
              () => rej(new Error(`timed out after ${t.timeoutMs / 1000} s`)),
              t.timeoutMs,
            )),
        ),
      ]);
      results.passed++;
      await log(`  ✓ ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      const error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      results.failed++;
      results.failures.push({ name: t.name, error });
      await log(`  ✗ ${t.name} (${Date.now() - started} ms)\n${error.replace(/^/gm, '      ')}`);
    } finally {
      clearTimeout(timer);
    }
  }
  // Not the "N passed, N failed" shape: run.main.ts prints that once, summed over sessions.
  await log(
    `${session}: ${results.passed} of ${results.passed + results.failed} tests passed, ${results.skipped} skipped`,
  );
  const file = process.env.RDKAFKA_TEST_RESULTS_FILE;
  if (file) writeFileSync(file, JSON.stringify(results));
  return results;
}

/**
 * Clicks the first element matching `selector` in any frame (a webview's controls), trying again for up to
 * `ms` while the element is missing or not clickable yet (a webview still laying out); undefined without a shim.
 */
export async function clickInFrames(selector: string, ms = 10_000): Promise<boolean | undefined> {
  const shim = process.env.RDKAFKA_TEST_SHIM_URL;
  if (!shim) return undefined;
  const until = Date.now() + ms;
  for (;;) {
    const res = await fetch(`${shim}/click?selector=${encodeURIComponent(selector)}`, { method: 'POST' });
    if (res.ok) return true;
    const why = await res.text();
    if (Date.now() > until) {
      await log(`    click ${selector}: ${why}`);
      return false;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

export interface FrameElement {
  data: Record<string, string>;
  text: string;
  box: { x: number; y: number; width: number; height: number };
  scrollWidth: number;
  clientWidth: number;
  frameWidth: number;
}

/** Every element matching `selector` in every frame, with its data-* attributes and box; undefined without a shim. */
export async function queryFrames(selector: string): Promise<FrameElement[] | undefined> {
  const shim = process.env.RDKAFKA_TEST_SHIM_URL;
  if (!shim) return undefined;
  const res = await fetch(`${shim}/query?selector=${encodeURIComponent(selector)}`);
  return (await res.json()) as FrameElement[];
}

/** Resizes the window (where a shim runs). */
export async function setViewport(width: number, height: number): Promise<boolean> {
  const shim = process.env.RDKAFKA_TEST_SHIM_URL;
  if (!shim) return false;
  return (await fetch(`${shim}/viewport?width=${width}&height=${height}`, { method: 'POST' })).ok;
}
