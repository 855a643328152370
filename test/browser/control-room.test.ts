// The control room in real Chromium: the panel page as the extension builds it, hosted by the test (as
// the extension's panel host does) over a real kernel on librdkafka's mock cluster. Faults clicked while a
// cell is busy in a synchronous produce loop, requests on a librdkafka with request tracking, statistics
// of a short run charted from the first sample, field docs, and the layout at half an editor's width.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { KernelClient } from '../../extension/kernel/client.ts';
import { statsDocsFor } from '../../extension/panel/docs.ts';
import type { CellOutput, KernelEvent, PanelKernelInfo } from '../../protocol/index.ts';
import { ensureBindings } from '../support/bindings.ts';
import { kernelScript } from '../support/repo.ts';
import { installedVersion, missingVersion } from '../support/cached-version.ts';
import { FAULT_LOOP, printedResult, produceFor, producerCell } from '../support/control-room.ts';
import { collectProblems, counter, launch, resultsDir, waitCounter } from './browser.ts';
import { hostPanel, stubVsCodeApi } from './panel-host.ts';
import { PANEL_ORIGIN, servePanel } from './panel-page.ts';
import { CONSUMER, PRODUCER, consumerStats, producerStats, recordedStream } from './stream.ts';

let browser: Browser;
let bindingsDir: string;
const kernels: KernelClient[] = [];

before(async () => {
  bindingsDir = await ensureBindings();
  browser = await launch();
});
after(async () => {
  for (const k of kernels) await k.shutdown().catch(() => {});
  await browser?.close();
});

async function context(width = 1200): Promise<BrowserContext> {
  const c = await browser.newContext({ viewport: { width, height: 860 } });
  await stubVsCodeApi(c);
  await servePanel(c, PANEL_ORIGIN, 'librdkafka events: control-room.rdkafka');
  return c;
}

async function kernel(opts: {
  bindingsDir: string;
  library?: string;
  bootstrap?: string;
}): Promise<KernelClient> {
  const k = await KernelClient.start({ bootstrap: 'mock', ...opts, cwd: process.cwd(), kernelScript });
  kernels.push(k);
  return k;
}

/** Runs a cell; resolves its outputs, failing the test on a cell error. */
async function run(k: KernelClient, cell: number, source: string): Promise<CellOutput[]> {
  const outputs: CellOutput[] = [];
  const r = await k.execute(cell, source, (o) => outputs.push(o));
  const err = outputs.find((o) => o.kind === 'error');
  assert.equal(
    r.status,
    'ok',
    `cell ${cell} failed: ${err?.kind === 'error' ? err.stack || err.message : ''}`,
  );
  return outputs;
}

/** What a cell printed as `RESULT <json>`. */
const resultOf = (outputs: CellOutput[]): unknown => {
  const text = outputs.map((o) => (o.kind === 'stream' ? o.text : '')).join('');
  const r = printedResult(text);
  assert.ok(r !== undefined, `the cell printed its result: ${text.slice(0, 500)}`);
  return r;
};

const info = (k: KernelClient): PanelKernelInfo => ({
  librdkafka: k.info.librdkafka.version,
  bootstrap: 'mock',
  state: 'idle',
  interactive: true,
});

describe('control room: faults from the panel', () => {
  test('"broker 1 down" during a synchronous produce loop fails delivery reports within message.timeout.ms; "up" makes them succeed again', async () => {
    const k = await kernel({ bindingsDir });
    const c = await context();
    const page = await c.newPage();
    const problems = collectProblems(page);
    const host = await hostPanel(page, `${PANEL_ORIGIN}/`, { kernel: k, info: info(k) });
    const timeoutMs = 2000;
    await run(k, 1, producerCell(timeoutMs));
    // What the loaded rdkafka_mock.h offers appears as the Faults bar (per broker: down, up, rtt…).
    await page.getByTestId('fault-broker-1-down').waitFor();
    assert.ok(await page.getByTestId('fault-broker-3-up').isVisible());
    assert.ok(await page.getByTestId('fault-leader').isVisible());
    assert.ok(await page.getByTestId('fault-push').isVisible());
    assert.ok(await page.getByTestId('fault-coordinator').isVisible());

    // Produce in a synchronous loop until failures have come and then successes again (or 60 s).
    const loop = run(k, 2, FAULT_LOOP);
    // Events reach the panel while the loop runs; the click is served at once by the control thread.
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="dr-count"]')?.textContent) > 5,
    );
    const downAnswer = host.nextFault();
    await page.getByTestId('fault-broker-1-down').click();
    const down = await downAnswer;
    assert.equal(down.ok, true, down.message);
    assert.equal(down.cell, 2, 'the action was served while cell 2 was running');
    assert.equal(down.c, 'rd_kafka_mock_broker_set_down(mcluster, 1);');
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="dr-error-count"]')?.textContent) > 0,
      undefined,
      { timeout: timeoutMs + 10_000 },
    );
    const upAnswer = host.nextFault();
    await page.getByTestId('fault-broker-1-up').click();
    const up = await upAnswer;
    assert.equal(up.ok, true, up.message);
    assert.equal(up.cell, 2);
    await page.getByTestId('fault-status').filter({ hasText: '✓' }).waitFor();

    const { drs } = resultOf(await loop) as { drs: [number, number][] };
    const firstFail = drs.find((d) => d[1] !== 0);
    assert.ok(firstFail, 'delivery reports failed while broker 1 was down');
    assert.equal(firstFail[1], -192, 'they failed with _MSG_TIMED_OUT');
    assert.ok(
      firstFail[0] - down.time <= timeoutMs + 1500,
      `the first failure came ${firstFail[0] - down.time} ms after "down" (message.timeout.ms ${timeoutMs}, librdkafka scans timeouts every second)`,
    );
    assert.ok(
      drs.some((d) => d[1] === 0 && d[0] > up.time),
      'delivery reports succeeded again after "up"',
    );
    // Both actions are on the timeline as fault events, on its lane, with their C calls.
    await page.getByTestId('filter-type-fault').click();
    await page.locator('.tl-row', { hasText: 'rd_kafka_mock_broker_set_up(MOCK_CLUSTER, 1);' }).waitFor();
    const lanes = JSON.parse((await page.getByTestId('lanes').getAttribute('data-counts')) ?? '{}');
    assert.ok(
      lanes.fault >= 4,
      `the fault lane counts the cell's 2 mock calls and the panel's 2 (${lanes.fault})`,
    );
    await page.screenshot({ path: new URL('panel-faults-timeline.png', resultsDir()).pathname });
    assert.deepEqual(problems, []);
    await c.close();
  });

  test('a refused action says why, and an action before the mock cluster exists says how to start it', async () => {
    const k = await kernel({ bindingsDir });
    // Not started yet: the kernel refuses, naming what to do.
    const early = await k.control.fault('rd_kafka_mock_broker_set_down', [1]);
    assert.equal(early.ok, false);
    assert.match(early.message, /mock cluster has not started yet: run a cell that uses BOOTSTRAP/);
    await run(k, 1, 'BOOTSTRAP');
    const bad = await k.control.fault('rd_kafka_mock_broker_set_down', ['two']);
    assert.match(bad.message, /broker_id must be an integer/);
    const unknown = await k.control.fault('rd_kafka_mock_no_such_thing', []);
    assert.match(unknown.message, /not a mock-cluster action of this librdkafka/);
    const wrongCount = await k.control.fault('rd_kafka_mock_broker_set_rtt', [1]);
    assert.match(wrongCount.message, /takes 2 argument\(s\) after the cluster \(broker_id, rtt_ms\), got 1/);
    // A kernel on a real cluster has no mock to act on, and says so.
    const real = await kernel({ bindingsDir, bootstrap: '127.0.0.1:9' });
    const none = await real.control.fault('rd_kafka_mock_broker_set_down', [1]);
    assert.match(none.message, /uses the cluster at 127\.0\.0\.1:9, not librdkafka's mock cluster/);
  });
});

describe('control room: requests lane and view', () => {
  const missing = missingVersion('2.15.1');
  /** A kernel on librdkafka 2.15.1 (request tracking) and its panel in a page of its own. */
  async function panelOn2151() {
    const v2151 = await installedVersion('2.15.1');
    const k = await kernel({ bindingsDir: v2151.bindingsDir, library: v2151.library });
    const c = await context();
    const page = await c.newPage();
    const problems = collectProblems(page);
    await hostPanel(page, `${PANEL_ORIGIN}/`, { kernel: k, info: info(k) });
    return { k, c, page, problems };
  }

  test(
    'on 2.15.1 the requests lane shows Produce requests and the retries after pushed errors',
    { skip: missing ?? false },
    async () => {
      const { k, c, page, problems } = await panelOn2151();
      await run(k, 1, producerCell(10_000));
      // Push 3 NOT_LEADER_FOR_PARTITION errors for Produce with the panel's form.
      await page.getByTestId('fault-push-ApiKey').selectOption({ label: 'Produce' });
      await page.getByTestId('fault-push-cnt').fill('3');
      await page.getByTestId('fault-push-err').selectOption({ label: 'NOT_LEADER_FOR_PARTITION (6)' });
      await page.getByTestId('fault-push').click();
      await page.getByTestId('fault-status').filter({ hasText: '✓' }).waitFor();
      await run(
        k,
        2,
        `rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('faults'), RD_KAFKA_V_VALUE('one'), RD_KAFKA_V_END);
rd_kafka_flush(rk, 8000);
console.log('RESULT ' + JSON.stringify(drs));`,
      );
      const lanes = async () =>
        JSON.parse((await page.getByTestId('lanes').getAttribute('data-counts')) ?? '{}');
      await page.waitForFunction(() => {
        const c = JSON.parse(
          document.querySelector('[data-testid="lanes"]')?.getAttribute('data-counts') ?? '{}',
        );
        return c.request > 0;
      });
      assert.ok((await lanes()).request > 0, 'the timeline has a requests lane');
      await page.getByTestId('tab-requests').click();
      const row = page.locator('[data-testid="requests-table"] tr', { hasText: 'Produce' });
      await row.waitFor();
      // The requests come from the tracking poll (every 100 ms): wait for the one that went through too.
      await page
        .waitForFunction(
          () => {
            const table = document.querySelector('[data-testid="requests-table"]');
            const heads = [...(table?.querySelectorAll('th') ?? [])].map((t) => t.textContent);
            const tr = [...(table?.querySelectorAll('tr') ?? [])].find((r) =>
              r.textContent?.startsWith('Produce'),
            );
            const td = [...(tr?.querySelectorAll('td') ?? [])].map((t) => t.textContent ?? '');
            return td[heads.indexOf('retries')] === '3' && Number(td[heads.indexOf('total')]) >= 4;
          },
          undefined,
          { timeout: 10_000 },
        )
        .catch(() => {}); // the assertions below say what is missing
      const cells = await row.locator('td').allTextContents();
      const headers = await page.locator('[data-testid="requests-table"] th').allTextContents();
      const col = (name: string) => cells[headers.indexOf(name)]!;
      assert.ok(
        Number(col('total')) >= 4,
        `Produce sent at least 4 times (3 errored + the one that went through): ${cells}`,
      );
      assert.equal(col('retries'), '3', 'each errored Produce was retried');
      assert.match(col('pushed errors'), /^3 \(3× NOT_LEADER_FOR_PARTITION\)$/);
      assert.ok(Number(col('broker 1')) >= 4, 'they went to broker 1, the partition leader');
      // Other APIs the client used show too (ApiVersion, Metadata).
      assert.match((await page.getByTestId('requests-table').textContent()) ?? '', /Metadata/);
      await page.screenshot({ path: new URL('panel-requests.png', resultsDir()).pathname });
      assert.deepEqual(problems, []);
      await c.close();
    },
  );

  test(
    "on 2.15.1, past 2,000 requests the Requests view says the mock's list was cleared and for how long requests could go unseen",
    { skip: missing ?? false },
    async () => {
      const { k, c, page, problems } = await panelOn2151();
      // One Produce request per message, one at a time: 2,100 of them.
      await run(
        k,
        1,
        `const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, e, e.length);
rd_kafka_conf_set(conf, 'linger.ms', '0', e, e.length);
rd_kafka_conf_set(conf, 'batch.num.messages', '1', e, e.length);
rd_kafka_conf_set(conf, 'max.in.flight', '1', e, e.length);
globalThis.rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
for (let i = 0; i < 2100; i++) rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('many'), RD_KAFKA_V_VALUE('v'), RD_KAFKA_V_END);
rd_kafka_flush(rk, 30000);`,
      );
      await page.getByTestId('tab-requests').click();
      // The list is cleared in the first lull the kernel's 100 ms reads find: idle cells until the note shows.
      const note = page.getByTestId('requests-unseen');
      for (let i = 2; i < 100 && !(await note.isVisible()); i++) await run(k, i, 'rd_kafka_poll(rk, 100);');
      assert.match(
        (await note.textContent()) ?? '',
        /^The mock's request list was read and cleared 1 time\(s\) \(each in a lull, after 100 ms without a new request\): .* in the [\d.]+ µs in all between a read and its clear may be missing here/,
      );
      assert.ok(
        Number(/^(\d+) requests/.exec((await page.getByTestId('requests-total').textContent()) ?? '')?.[1]) >
          2000,
        'every request before the clear is counted',
      );
      assert.deepEqual(problems, []);
      await c.close();
    },
  );

  test('on a librdkafka without request tracking (the system 2.0.2) the view says why it is empty', async (t) => {
    const k = await kernel({ bindingsDir });
    if (k.info.librdkafka.versionInt >= 0x02030000) {
      t.skip(`the system librdkafka is ${k.info.librdkafka.version}, which tracks requests`);
      return;
    }
    const c = await context();
    const page = await c.newPage();
    await hostPanel(page, `${PANEL_ORIGIN}/`, { kernel: k, info: info(k) });
    await run(k, 1, 'BOOTSTRAP');
    await page.getByTestId('tab-requests').click();
    await page
      .getByTestId('requests-empty')
      .filter({ hasText: `librdkafka ${k.info.librdkafka.version} has no mock request tracking` })
      .waitFor();
    assert.match((await page.getByTestId('requests-empty').textContent()) ?? '', /2\.3/);
    await c.close();
  });
});

/** The chart figure's recorded axes. */
async function axes(page: Page, title: string) {
  return page.evaluate((t) => {
    const f = [...document.querySelectorAll<HTMLElement>('figure.chart')].find((x) => x.dataset.chart === t);
    if (!f) throw new Error(`no chart ${t}`);
    const d = f.dataset;
    return {
      points: Number(d.points),
      xMin: Number(d.xMin),
      xMax: Number(d.xMax),
      yMin: Number(d.yMin),
      yMax: Number(d.yMax),
      xTicks: JSON.parse(d.xTicks ?? '[]') as string[],
      yTicks: JSON.parse(d.yTicks ?? '[]') as string[],
      yLabelWidth: Number(d.yLabelWidth),
      yAxisWidth: Number(d.yAxisWidth),
    };
  }, title);
}

describe('control room: statistics that explain themselves', () => {
  test('a 2-second run with statistics.interval.ms 500 charts from the first sample: the x axis spans the run, the labels fit', async () => {
    const k = await kernel({ bindingsDir });
    const c = await context();
    const page = await c.newPage();
    await hostPanel(page, `${PANEL_ORIGIN}/`, {
      kernel: k,
      info: info(k),
      docs: statsDocsFor(bindingsDir, k.info.librdkafka.version),
    });
    await run(
      k,
      1,
      `${producerCell(5000, "rd_kafka_conf_set(conf, 'statistics.interval.ms', '500', e, e.length);")}\n${produceFor(2000)}`,
    );
    await page.getByTestId('tab-stats').click();
    const stats =
      k.info &&
      (await page.waitForFunction(
        () => Number(document.querySelector('[data-testid="stats-count"]')?.textContent) >= 2,
      ));
    assert.ok(stats);
    const title = 'Producer queue (msg_cnt, msg_size)';
    await page.waitForFunction((t) => {
      const f = [...document.querySelectorAll<HTMLElement>('figure.chart')].find(
        (x) => x.dataset.chart === t,
      );
      return f?.dataset.xMin !== undefined && Number(f.dataset.points) >= 2;
    }, title);
    const a = await axes(page, title);
    const span = a.xMax - a.xMin;
    assert.ok(span > 0.4 && span < 4, `the x axis spans the run (${span.toFixed(2)} s), not years`);
    for (const label of a.xTicks)
      assert.match(label, /^\d\d:\d\d:\d\d(\.\d+)?$/, `x labels are times of day: ${a.xTicks}`);
    assert.ok(a.xTicks.length >= 2, `at least two x labels: ${a.xTicks}`);
    assert.equal(a.yMin, 0, 'the y axis starts at zero');
    assert.ok(
      a.yLabelWidth > 0 && a.yLabelWidth + 18 <= a.yAxisWidth,
      `y labels (${a.yLabelWidth}px) and the axis title fit the axis (${a.yAxisWidth}px)`,
    );
    for (const l of a.yTicks) assert.doesNotMatch(l, /0000/, `y labels are compact: ${a.yTicks}`);
    await page.screenshot({ path: new URL('panel-stats-short-run.png', resultsDir()).pathname });
    await c.close();
  });

  test('a single sample is a point with its value; a handle without statistics says how to turn them on', async () => {
    const c = await context();
    const page = await c.newPage();
    const host = await hostPanel(page, `${PANEL_ORIGIN}/`, {
      kernel: null,
      info: { librdkafka: '2.0.2', bootstrap: 'mock', state: 'idle', interactive: true },
    });
    const t0 = Date.now();
    const one: KernelEvent[] = [
      {
        seq: 1,
        time: t0,
        handle: PRODUCER,
        cell: 1,
        type: 'handle_created',
        data: { kind: 'producer', name: PRODUCER },
      },
      { seq: 2, time: t0 + 1, handle: PRODUCER, cell: 1, type: 'stats', data: producerStats(0) },
      {
        seq: 3,
        time: t0 + 2,
        handle: 'rdkafka#producer-9',
        cell: 2,
        type: 'handle_created',
        data: { kind: 'producer', name: 'rdkafka#producer-9' },
      },
      {
        seq: 4,
        time: t0 + 3,
        handle: 'rdkafka#producer-9',
        cell: 2,
        type: 'handle_config',
        data: {
          name: 'rdkafka#producer-9',
          kind: 'producer',
          config: { 'statistics.interval.ms': '0' },
          redacted: [],
        },
      },
    ];
    await host.post({ type: 'events', events: one });
    await waitCounter(page, 'stats-count', '1');
    await page.getByTestId('tab-stats').click();
    const title = 'Producer queue (msg_cnt, msg_size)';
    await page.waitForFunction(
      (t) =>
        [...document.querySelectorAll<HTMLElement>('figure.chart')].find((x) => x.dataset.chart === t)
          ?.dataset.xMin !== undefined,
      title,
    );
    const a = await axes(page, title);
    assert.equal(a.points, 1);
    assert.ok(
      Math.abs(a.xMax - a.xMin - 2) < 0.01,
      `one sample: a second either side (${a.xMax - a.xMin} s)`,
    );
    const t = (t0 + 1) / 1000;
    assert.ok(a.xMin < t && t < a.xMax, 'the sample is inside the x range');
    assert.ok(a.yMax >= 100, `the y range holds the value 100 (${a.yMin}–${a.yMax})`);
    await page.getByTestId('stats-handle').selectOption('rdkafka#producer-9');
    await page
      .getByTestId('stats-empty')
      .filter({ hasText: 'rdkafka#producer-9 produced no statistics: statistics.interval.ms is 0' })
      .waitFor();
    assert.match(
      (await page.getByTestId('stats-empty').textContent()) ?? '',
      /rd_kafka_conf_set\(conf, "statistics.interval.ms", "1000"/,
    );
    await c.close();
  });

  const docs = statsDocsFor(process.env.RDKAFKA_WORKBENCH_BINDINGS ?? '.rdkafka/bindings', null);
  test(
    "fields explain themselves from the version's STATISTICS.md (tree leaves and chart series): meaning, type, unit; sentinels marked; consumer_lag and consumer_lag_stored told apart",
    { skip: docs.docs ? false : docs.missing },
    async () => {
      const c = await context();
      const page = await c.newPage();
      const host = await hostPanel(page, `${PANEL_ORIGIN}/`, {
        kernel: null,
        info: { librdkafka: '2.0.2', bootstrap: 'mock', state: 'idle', interactive: true },
        docs: statsDocsFor(bindingsDir, null),
      });
      const t0 = Date.now();
      const cons = consumerStats(1) as Record<string, any>;
      // A partition with no committed offset yet: librdkafka reports -1001 and a lag of -1.
      const part = Object.values(
        Object.values(cons.topics as Record<string, any>)[0].partitions as Record<string, any>,
      ).find((p) => p.partition >= 0);
      part.committed_offset = -1001;
      await host.post({
        type: 'events',
        events: [
          { seq: 1, time: t0, handle: CONSUMER, cell: 1, type: 'stats', data: consumerStats(0) },
          { seq: 2, time: t0 + 1000, handle: CONSUMER, cell: 1, type: 'stats', data: cons },
        ],
      });
      await waitCounter(page, 'stats-count', '2');
      await page.getByTestId('tab-stats').click();
      await page.getByTestId('stats-docs-source').filter({ hasText: 'STATISTICS.md' }).waitFor();
      const lag = page.locator(
        'figure.chart[data-chart="Consumer lag behind the committed offset (consumer_lag)"]',
      );
      const stored = page.locator(
        'figure.chart[data-chart="Consumer lag behind the stored offset (consumer_lag_stored)"]',
      );
      assert.match((await lag.locator('.chart-note').textContent()) ?? '', /committed offset/);
      assert.match((await stored.locator('.chart-note').textContent()) ?? '', /stored/);
      // A chart's series explain their field when hovered, as the tree's leaves do.
      const series = (chart: string, name: string) =>
        page.locator(`figure.chart[data-chart="${chart}"] .u-legend .u-series`, { hasText: name });
      assert.match(
        (await series('Messages per second (txmsgs, rxmsgs)', 'rxmsgs/s').getAttribute('title')) ?? '',
        /^rxmsgs \(int[^)]*\): Total number of messages consumed/,
      );
      assert.match(
        (await series('Broker round-trip time (rtt avg, p99)', 'p99').first().getAttribute('title')) ?? '',
        /^brokers › rtt › p99 \(int gauge, µs\): 99th percentile/,
      );
      assert.match(
        (await series('Consumer lag behind the stored offset (consumer_lag_stored)', '[')
          .first()
          .getAttribute('title')) ?? '',
        /consumer_lag_stored/,
      );
      // Open the tree down to a broker's rtt.p99 and select it.
      const tree = page.getByTestId('stats-tree');
      const open = async (keys: string[]) => {
        for (let i = 1; i <= keys.length; i++)
          await page.evaluate(
            (p) => {
              const d = document.querySelector<HTMLDetailsElement>(`details[data-path='${p}']`);
              if (!d) throw new Error(`no branch ${p}`);
              if (!d.open) d.querySelector('summary')!.click();
            },
            JSON.stringify(keys.slice(0, i)),
          );
      };
      const broker = Object.keys(cons.brokers as object).find((b) => (cons.brokers as any)[b].nodeid >= 0)!;
      await open(['brokers', broker, 'rtt']);
      const p99 = tree.locator(`.jt-leaf[data-path='${JSON.stringify(['brokers', broker, 'rtt', 'p99'])}']`);
      assert.match((await p99.getAttribute('title')) ?? '', /rtt › p99 \(int gauge, µs\): 99th percentile/);
      await p99.click();
      assert.equal(await page.getByTestId('field-doc-where').textContent(), 'brokers › rtt › p99');
      assert.match((await page.getByTestId('field-doc-meta').textContent()) ?? '', /int gauge · µs/);
      // The -1001 committed offset is marked as a sentinel, not a number.
      const topic = Object.keys(cons.topics as object)[0]!;
      await open(['topics', topic, 'partitions', String(part.partition)]);
      const committed = tree.locator('.jt-leaf.jt-sentinel', { hasText: 'committed_offset: -1001' });
      await committed.waitFor();
      assert.match((await committed.textContent()) ?? '', /invalid or unknown offset/);
      await committed.click();
      assert.match(
        (await page.getByTestId('field-doc-sentinel').textContent()) ?? '',
        /-1001 is a sentinel.*not charted/,
      );
      await page.screenshot({ path: new URL('panel-stats-docs.png', resultsDir()).pathname });
      await c.close();
    },
  );
});

describe('control room: the standalone report', () => {
  test('a run --report page explains statistics fields offline and offers no controls', async () => {
    const { writeReport } = await import('../../cli/report.ts');
    const { reportContext } = await import('../../cli/report-context.ts');
    const { pathToFileURL } = await import('node:url');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const file = join(tmpdir(), `rdkafka-report-context-${process.pid}.html`);
    const context = reportContext(bindingsDir, '2.0.2', 'mock');
    await writeReport(recordedStream(), file, { title: 'r.rdkafka', context });
    const c = await browser.newContext({ viewport: { width: 1200, height: 860 } });
    const page = await c.newPage();
    await page.goto(pathToFileURL(file).href);
    await page.getByTestId('event-count').waitFor();
    assert.equal(await page.getByTestId('export').isVisible(), false, 'no export button in a report');
    assert.equal(await page.getByTestId('faults').isVisible(), false, 'no Faults bar in a report');
    await page.getByTestId('tab-stats').click();
    const source = page.getByTestId('stats-docs-source');
    if (context?.statsDocs) await source.filter({ hasText: "librdkafka 2.0.2's STATISTICS.md" }).waitFor();
    else await source.filter({ hasText: 'No STATISTICS.md' }).waitFor();
    await c.close();
  });
});

describe('control room: event details and the layout at half an editor', () => {
  test("an event's cell is a link that asks the host to reveal that cell", async () => {
    const c = await context();
    const page = await c.newPage();
    const host = await hostPanel(page, `${PANEL_ORIGIN}/`, {
      kernel: null,
      info: { librdkafka: '2.0.2', bootstrap: 'mock', state: 'idle', interactive: true },
    });
    await host.post({ type: 'events', events: recordedStream().slice(0, 30) });
    await waitCounter(page, 'event-count', '30');
    // The consumer was created in cell 2 of the recorded run.
    await page.locator('.tl-row', { hasText: `consumer ${CONSUMER}` }).click();
    await page.getByTestId('detail-cell-link').filter({ hasText: 'cell 2' }).click();
    assert.deepEqual(host.posted.at(-1), { type: 'revealCell', cell: 2 });
    await c.close();
  });

  test('at 600 px wide: the Faults bar keeps each input with its name, no overlapping tables, no cut columns, y labels and axis titles fit', async () => {
    // The Faults bar as a kernel's panel shows it: the mock_cluster event of a real kernel (the system
    // rdkafka_mock.h's actions), after the recorded run.
    const k = await kernel({ bindingsDir });
    const seen: KernelEvent[] = [];
    k.onEvents((batch) => seen.push(...batch));
    await run(k, 1, 'BOOTSTRAP');
    const mock = seen.find((e) => e.type === 'mock_cluster');
    assert.ok(mock, 'the kernel published its mock cluster');
    const c = await context(600);
    const page = await c.newPage();
    const problems = collectProblems(page);
    const host = await hostPanel(page, `${PANEL_ORIGIN}/`, {
      kernel: null,
      info: { librdkafka: k.info.librdkafka.version, bootstrap: 'mock', state: 'idle', interactive: true },
    });
    const recorded = recordedStream();
    const events = [...recorded, { ...mock, seq: recorded.length + 1 }];
    await host.post({ type: 'events', events });
    await waitCounter(page, 'event-count', String(events.length));
    await page.getByTestId('fault-broker-1-down').waitFor();
    const faults = await page.evaluate(() => {
      const bar = document.querySelector<HTMLElement>('[data-testid="faults"]')!;
      const torn: string[] = [];
      const names = [...bar.querySelectorAll<HTMLElement>('.param-name')];
      for (const name of names) {
        const control = name.nextElementSibling as HTMLElement | null;
        const a = name.getBoundingClientRect();
        const b = control?.getBoundingClientRect();
        if (!b || Math.abs((a.top + a.bottom) / 2 - (b.top + b.bottom) / 2) > b.height / 2)
          torn.push(name.textContent ?? '');
      }
      const outside = [...bar.querySelectorAll<HTMLElement>('button, input, select')]
        .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
        .map((e) => e.dataset.testid ?? e.textContent);
      return { names: names.length, torn, outside, cut: bar.scrollWidth > bar.clientWidth + 1 };
    });
    assert.ok(faults.names >= 6, `the forms name their inputs (${faults.names})`);
    assert.deepEqual(faults.torn, [], 'each input is on the line of its name');
    assert.deepEqual(faults.outside, [], 'every control of the Faults bar is within the panel');
    assert.equal(faults.cut, false, 'nothing in the Faults bar is cut');
    await page.screenshot({ path: new URL('panel-600-faults.png', resultsDir()).pathname });
    // Narrower still (beside a notebook with the side bars open, ~360 px): the bar leaves most of the
    // panel to the views, its own rows scroll.
    await page.setViewportSize({ width: 360, height: 860 });
    const narrow = await page.evaluate(() => ({
      tabsTop: document.querySelector('.tabs')!.getBoundingClientRect().top,
      outside: [
        ...document.querySelectorAll<HTMLElement>(
          '[data-testid="faults"] button, [data-testid="faults"] select',
        ),
      ]
        .filter((e) => e.getBoundingClientRect().right > innerWidth + 1)
        .map((e) => e.dataset.testid ?? e.textContent),
    }));
    assert.ok(narrow.tabsTop <= 0.6 * 860, `the views' tabs start at ${narrow.tabsTop} px of 860`);
    assert.deepEqual(narrow.outside, [], 'at 360 px every control of the Faults bar is within the panel');
    await page.screenshot({ path: new URL('panel-360-faults.png', resultsDir()).pathname });
    await page.setViewportSize({ width: 600, height: 860 });
    const overlaps = () =>
      page.evaluate(() => {
        const boxes = [...document.querySelectorAll('.view:not([hidden]) .tables > section')].map((s) =>
          s.getBoundingClientRect(),
        );
        let n = 0;
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i]!;
            const b = boxes[j]!;
            if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
              n++;
          }
        return { n, count: boxes.length };
      });
    const cut = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('.view:not([hidden]) table.data')]
          .map((t) => {
            const box = t.closest<HTMLElement>('.table-box') ?? t.parentElement!;
            const view = t.closest<HTMLElement>('.view')!.getBoundingClientRect();
            const r = t.getBoundingClientRect();
            return {
              id: t.dataset.testid,
              tooWide: t.scrollWidth > box.clientWidth + 1,
              outside: r.right > view.right + 1,
            };
          })
          .filter((x) => x.tooWide || x.outside),
      );
    await page.getByTestId('tab-delivery').click();
    await page.getByTestId('dr-by-error').waitFor();
    const o = await overlaps();
    assert.equal(o.count, 2, 'both delivery tables are shown');
    assert.equal(o.n, 0, 'the "By topic and partition" and "By error code" tables do not overlap');
    assert.deepEqual(await cut(), []);
    await page.screenshot({ path: new URL('panel-600-delivery.png', resultsDir()).pathname, fullPage: true });
    await page.getByTestId('tab-handles').click();
    await page.getByTestId('handles-table').waitFor();
    assert.deepEqual(await cut(), [], 'the Handles table (with its "by type" column) fits');
    const lastHeader = await page.locator('[data-testid="handles-table"] th').last().boundingBox();
    assert.ok(lastHeader && lastHeader.x + lastHeader.width <= 600, 'the "by type" column is on screen');
    await page.getByTestId('tab-stats').click();
    await page.waitForSelector('.view.stats figure.chart[data-y-axis-width]');
    const charts = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.view:not([hidden]) figure.chart:not([hidden])')]
        .filter((f) => f.dataset.yAxisWidth)
        .map((f) => ({
          t: f.dataset.chart,
          label: Number(f.dataset.yLabelWidth),
          axis: Number(f.dataset.yAxisWidth),
          right: f.getBoundingClientRect().right,
        })),
    );
    assert.ok(charts.length >= 3);
    for (const ch of charts) {
      assert.ok(
        ch.label + 18 <= ch.axis,
        `${ch.t}: y labels ${ch.label}px and the title fit the axis ${ch.axis}px`,
      );
      assert.ok(ch.right <= 600, `${ch.t} is within the panel`);
    }
    await page.screenshot({ path: new URL('panel-600-stats.png', resultsDir()).pathname, fullPage: true });
    await page.getByTestId('tab-timeline').click();
    await page.screenshot({ path: new URL('panel-600-timeline.png', resultsDir()).pathname });
    assert.equal(await counter(page, 'event-count'), String(events.length));
    assert.deepEqual(problems, []);
    await c.close();
  });
});
