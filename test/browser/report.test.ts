// The standalone report of a recorded run, opened in real Chromium: counts, filters, charts, themes.
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { writeReport } from '../../cli/report.ts';
import {
  collectProblems,
  counter,
  cspViolations,
  launch,
  resultsDir,
  seriesPixels,
  waitCounter,
  watchCsp,
} from './browser.ts';
import { CONSUMER, countOf, PRODUCER, recordedStream, RECORDED } from './stream.ts';

const events = recordedStream();
const file = join(tmpdir(), `rdkafka-report-${process.pid}.html`);
let browser: Browser;

before(async () => {
  await writeReport(events, file, {
    title: 'quickstart.rdkafka',
    source: 'examples/quickstart.rdkafka',
    status: 'ok',
    librdkafka: '2.0.2',
    durationMs: 5020,
  });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  rmSync(file, { force: true });
});

async function open(colorScheme: 'light' | 'dark' = 'light') {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1280, height: 860 } });
  await watchCsp(context);
  // A self-contained report fetches nothing: fail loudly if it tries.
  const requests: string[] = [];
  context.on('request', (r) => {
    if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
  });
  const page = await context.newPage();
  const problems = collectProblems(page);
  await page.goto(pathToFileURL(file).href);
  await waitCounter(page, 'event-count', String(events.length));
  return { context, page, problems, requests };
}

describe('standalone report', () => {
  test('is one self-contained file: no external references, events embedded safely', () => {
    const html = readFileSync(file, 'utf8');
    assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i, 'no external scripts, styles or images');
    assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org)/, 'no network URLs');
    assert.match(html, /Content-Security-Policy/);
    assert.equal(html.match(/<\/script>/g)?.length, 2, 'exactly the data block and the bundle');
  });

  test('event text that looks like markup or a script end stays text', async () => {
    const nasty =
      '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">\u2028';
    const hostile = join(tmpdir(), `rdkafka-report-hostile-${process.pid}.html`);
    await writeReport(
      [
        {
          seq: 1,
          time: Date.now(),
          handle: '</title><b>h</b>',
          cell: 0,
          type: 'log',
          data: { level: 3, facility: 'X', message: nasty },
        },
      ],
      hostile,
      { title: '<i>title</i>', source: '"quoted" & <tagged>' },
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems = collectProblems(page);
    await page.goto(pathToFileURL(hostile).href);
    await waitCounter(page, 'log-count', '1');
    await page.locator('.tl-row', { hasText: '</script><script>window.__pwned = 1</script>' }).waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('img, b, i').count(), 0);
    assert.equal(await page.title(), '<i>title</i>');
    assert.deepEqual(problems, []);
    await context.close();
    rmSync(hostile, { force: true });
  });

  test('shows the recorded totals in its counters', async () => {
    const { context, page, problems, requests } = await open();
    assert.equal(await counter(page, 'event-count'), String(events.length));
    assert.equal(await counter(page, 'dr-count'), String(RECORDED.drs));
    assert.equal(await counter(page, 'dr-error-count'), String(RECORDED.failedDrs));
    assert.equal(await counter(page, 'stats-count'), String(RECORDED.stats));
    assert.equal(await counter(page, 'log-count'), String(countOf(events, 'log')));
    assert.equal(await counter(page, 'error-count'), '1');
    assert.match((await page.getByTestId('report-meta').textContent()) ?? '', /quickstart\.rdkafka.*ok/);
    assert.deepEqual(await cspViolations(page), []);
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, []);
    await context.close();
  });

  test('filters the timeline by type, log level, handle and text', async () => {
    const { context, page } = await open();
    const shown = async (v: number) => waitCounter(page, 'timeline-shown', String(v));
    await shown(events.length);
    await page.getByTestId('filter-type-log').click();
    await shown(countOf(events, 'log'));
    // Only warnings and worse: the recorded stream has 2 warnings and 1 error line.
    await page.getByTestId('filter-level').selectOption('4');
    await shown(3);
    await page.getByTestId('filter-level').selectOption('7');
    await page.getByTestId('filter-type-log').click();
    await page.getByTestId('filter-text').fill('_MSG_TIMED_OUT');
    await shown(RECORDED.failedDrs);
    await page.getByTestId('filter-text').fill('');
    await page.getByTestId('filter-handle').selectOption('rdkafka#consumer-2');
    await shown(events.filter((e) => e.handle === CONSUMER).length); // created, its stats, destroyed
    assert.equal(events.filter((e) => e.handle === CONSUMER).length, 4);
    // The logs total at the top leads to the logs.
    await page.getByTestId('filter-handle').selectOption('');
    await page.getByTestId('log-count').click();
    await shown(countOf(events, 'log'));
    await page.getByTestId('filter-type-log').click();
    // Clicking a row shows the full decoded event.
    await page.getByTestId('filter-handle').selectOption('');
    await page.getByTestId('filter-type-error').click();
    await shown(1);
    await page.locator('.tl-row').first().click();
    assert.match(
      (await page.getByTestId('event-detail').textContent()) ?? '',
      /_TRANSPORT[\s\S]*Disconnected/,
    );
    await context.close();
  });

  test('keyboard: tabs switch with arrow keys and the list moves with arrows', async () => {
    const { context, page } = await open();
    await page.getByTestId('tab-timeline').focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByTestId('tab-delivery').getAttribute('aria-selected'), 'true');
    await page.keyboard.press('ArrowLeft');
    await page.getByTestId('timeline').focus();
    await page.keyboard.press('Home');
    assert.match((await page.getByTestId('event-detail').textContent()) ?? '', /handle_created #1/);
    await page.keyboard.press('ArrowDown');
    assert.match((await page.getByTestId('event-detail').textContent()) ?? '', /handle_created #2/);
    await context.close();
  });

  test('delivery reports: totals by partition and error, percentiles, charts drawn', async () => {
    const { context, page } = await open();
    await page.getByTestId('tab-delivery').click();
    await waitCounter(page, 'dr-total', String(RECORDED.drs));
    const byPartition = (await page.getByTestId('dr-by-partition').textContent()) ?? '';
    assert.match(byPartition, /orders/);
    assert.equal(await page.locator('[data-testid="dr-by-partition"] tbody tr').count(), 4);
    const byError = await page.locator('[data-testid="dr-by-error"] tbody tr').allTextContents();
    assert.deepEqual(byError, [
      `NO_ERROR0${RECORDED.drs - RECORDED.failedDrs}`,
      `_MSG_TIMED_OUT-192${RECORDED.failedDrs}`,
    ]);
    assert.equal(await page.locator('[data-testid="dr-failures"] tbody tr').count(), RECORDED.failedDrs);
    // Latencies were 0.8–9.8 ms, and 3 timed out after 300 s: p50 in ms, p99 still below the timeouts.
    assert.match((await page.getByTestId('dr-p50').textContent()) ?? '', /ms$/);
    assert.match((await page.getByTestId('dr-p99').textContent()) ?? '', /ms$/);
    assert.ok((await seriesPixels(page, 'Delivery reports per second')) > 50, 'the rate series was drawn');
    await page.screenshot({
      path: new URL('panel-report-delivery-light.png', resultsDir()).pathname,
      fullPage: true,
    });
    await context.close();
  });

  test('statistics: charts from the stats JSON and the latest stats tree with changes', async () => {
    const { context, page } = await open();
    await page.getByTestId('tab-stats').click();
    await page.waitForSelector('figure.chart canvas');
    assert.ok((await seriesPixels(page, 'Messages per second (txmsgs, rxmsgs)')) > 20, 'txmsgs/s was drawn');
    assert.ok((await seriesPixels(page, 'Broker round-trip time (rtt avg, p99)')) > 20, 'rtt was drawn');
    const tree = (await page.getByTestId('stats-tree').textContent()) ?? '';
    assert.match(tree, /changed/, 'changes since the previous stats are marked');
    await page.locator('[data-testid="stats-tree"] summary', { hasText: 'brokers' }).click();
    // The consumer's stats: per-partition lag and the group's rebalance count.
    await page.getByTestId('stats-handle').selectOption(CONSUMER);
    await page.waitForFunction(() =>
      /consumer · 2 stats/.test(document.querySelector('.view.stats .toolbar')?.textContent ?? ''),
    );
    assert.ok(
      (await seriesPixels(page, 'Consumer lag behind the committed offset (consumer_lag)')) > 20,
      'consumer_lag was drawn',
    );
    assert.ok((await seriesPixels(page, 'Rebalances (cgrp.rebalance_cnt)')) > 20, 'rebalance_cnt was drawn');
    await page.getByTestId('stats-handle').selectOption(PRODUCER);
    // Opening a branch shows its children: the recorded broker names.
    await page.waitForFunction(() =>
      /127\.0\.0\.1:\d+\/\d/.test(document.querySelector('[data-testid="stats-tree"]')?.textContent ?? ''),
    );
    await context.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    test(`renders in the ${scheme} theme (screenshots in test-results/)`, async () => {
      const { context, page } = await open(scheme);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
      assert.equal(dark, scheme === 'dark');
      const [r] = /\d+/.exec(bg)!.map(Number);
      assert.ok(scheme === 'dark' ? r! < 80 : r! > 200, `background ${bg} fits the ${scheme} theme`);
      for (const tab of ['timeline', 'delivery', 'stats', 'handles']) {
        await page.getByTestId(`tab-${tab}`).click();
        await page.waitForTimeout(350);
        await page.screenshot({ path: new URL(`panel-report-${tab}-${scheme}.png`, resultsDir()).pathname });
      }
      await context.close();
    });
  }
});
