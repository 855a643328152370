// The control room in the real VS Code host: the events panel's Faults bar clicked (in the webview, through
// the shim) while a cell produces in a synchronous loop, the recorded fault cells it leaves in the
// notebook, the export command, a 2-second run's statistics axes, the panel at 600 px, a cell link.
import * as vscode from 'vscode';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clickInFrames, log, queryFrames, screenshot, setViewport, skip, suite, test } from './harness.ts';
import {
  api,
  assert,
  closeAllEditors,
  EXTENSION_ID,
  NOTEBOOK_TYPE,
  outputText,
  runCells,
  scratchNotebook,
  waitFor,
} from './util.ts';
import {
  BUNDLE_FILES,
  FAULT_LOOP,
  filesUnder,
  printedResult,
  produceFor,
  producerCell,
} from '../../support/control-room.ts';
import { versionPaths } from '../../../versions/paths.ts';

const TIMEOUT_MS = 2000;
const V2151 = '2.15.1';

const PRODUCER = producerCell(
  TIMEOUT_MS,
  "rd_kafka_conf_set(conf, 'statistics.interval.ms', '500', e, e.length);",
);

const sel = (testid: string) => `[data-testid="${testid}"]`;

/** A new notebook (a producer, then `second`) with its events panel open, both cells run. */
async function producerWithPanel(second: string): Promise<vscode.NotebookEditor> {
  await closeAllEditors();
  const editor = await scratchNotebook(PRODUCER, second);
  assert(await vscode.commands.executeCommand('rdkafka.openEventsPanel', editor.notebook.uri), 'no panel');
  const runs = await runCells(editor);
  assert(
    runs.every((r) => r.success),
    outputText(editor.notebook.cellAt(runs.findIndex((r) => !r.success))),
  );
  return editor;
}

/** A new notebook of `cells` with its events panel open, its first cell run and the Faults bar shown. */
async function withFaultsBar(...cells: string[]) {
  await closeAllEditors();
  const editor = await scratchNotebook(...cells);
  const nb = editor.notebook;
  assert(await vscode.commands.executeCommand('rdkafka.openEventsPanel', nb.uri), 'the panel did not open');
  const a = await api();
  const [first] = await runCells(editor, [0]);
  assert(first!.success, `cell 1 failed: ${outputText(nb.cellAt(0))}`);
  await waitFor(
    'the Faults bar',
    async () => (await queryFrames(sel('fault-broker-1-down')))?.length,
    20_000,
    250,
  );
  return { editor, nb, a };
}

export function registerControlRoom(): void {
  suite('control room', () => {
    if (!process.env.RDKAFKA_TEST_SHIM_URL) {
      skip(
        'faults clicked in the panel during a synchronous produce loop',
        'clicking inside a webview needs the code-server shim (test/vscode/shim.sh)',
      );
      return;
    }

    test('"broker 1 down" clicked in the panel during a synchronous produce loop fails delivery reports within message.timeout.ms and records a fault cell after the running cell; "up" makes them succeed', async () => {
      const { editor, nb, a } = await withFaultsBar(PRODUCER, FAULT_LOOP, '// the end');
      const loop = runCells(editor, [1], 90_000);
      await waitFor(
        'delivery reports while the loop runs',
        () => (a.panelStats(nb)?.byType.dr ?? 0) > 5,
        20_000,
      );
      assert(await clickInFrames(sel('fault-broker-1-down')), 'could not click "down"');
      const down = await waitFor(
        'the kernel to answer "down"',
        () => a.panelStats(nb)?.faults.find((f) => f.message),
        15_000,
      );
      assert(down.ok, `down failed: ${down.message}`);
      assert(down.ranDuring === 2, `served while cell 2 ran (was ${down.ranDuring})`);
      // Recorded right after the running cell, as ordinary code.
      assert(down.recordedAt === 3, `recorded as cell 3 (${down.recordedAt})`);
      assert(
        /^\/\/ Recorded from the events panel .*\nrd_kafka_mock_broker_set_down\(MOCK_CLUSTER, 1\);/m.test(
          nb.cellAt(2).document.getText(),
        ),
        `the recorded cell: ${nb.cellAt(2).document.getText()}`,
      );
      await waitFor(
        'failed delivery reports in the panel',
        () => (a.panelStats(nb)?.drFailed ?? 0) > 0,
        TIMEOUT_MS + 15_000,
      ).catch(async (e: Error) => {
        const s = a.panelStats(nb);
        await log(
          `    panel: ${JSON.stringify({ byType: s?.byType, drFailed: s?.drFailed, faults: s?.faults })}`,
        );
        await log(`    kernel: ${JSON.stringify(a.kernel(nb))}`);
        throw e;
      });
      assert(await clickInFrames(sel('fault-broker-1-up')), 'could not click "up"');
      const up = await waitFor(
        'the kernel to answer "up"',
        () => {
          const f = a.panelStats(nb)?.faults[1];
          return f?.message ? f : undefined;
        },
        15_000,
      );
      assert(up.ok, `up failed: ${up.message}`);
      assert(up.recordedAt === 4, `"up" recorded after "down" (${up.recordedAt})`);
      assert(
        /rd_kafka_mock_broker_set_up\(MOCK_CLUSTER, 1\);/.test(nb.cellAt(3).document.getText()),
        'the second recorded cell',
      );
      const [s] = await loop;
      assert(s!.success, `the loop failed: ${outputText(nb.cellAt(1))}`);
      const printed = printedResult(outputText(nb.cellAt(1))) as { drs: [number, number][] } | undefined;
      assert(printed, 'the loop printed its delivery reports');
      const { drs } = printed;
      const firstFail = drs.find((d) => d[1] !== 0);
      assert(firstFail, 'delivery reports failed while broker 1 was down');
      assert(
        firstFail[0] - down.time! <= TIMEOUT_MS + 1500,
        `the first failure came ${firstFail[0] - down.time!} ms after "down" (message.timeout.ms ${TIMEOUT_MS})`,
      );
      assert(
        drs.some((d) => d[1] === 0 && d[0] > up.time!),
        'delivery reports succeeded again after "up"',
      );
      assert(
        nb.cellAt(4).document.getText() === '// the end',
        'the cell after the loop stays where it was, after the recorded ones',
      );
      await screenshot('control-room-faults');
    }, 180_000);

    test("a fault clicked while a cell is blocked in rd_kafka_poll(rk, 60000) reaches the panel's timeline before the cell ends", async () => {
      const { editor, nb, a } = await withFaultsBar(
        `${producerCell(60_000)}
rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('faults'), RD_KAFKA_V_VALUE('x'), RD_KAFKA_V_END);
rd_kafka_flush(rk, 10000);`,
        `console.log('polling');
console.log('RESULT ' + rd_kafka_poll(rk, 60000));`,
      );
      // The producer is idle and connected to broker 1: the poll blocks until broker 1 goes down below and
      // the disconnection is served as an error.
      let ended = false;
      const blocked = runCells(editor, [1], 90_000).then((r) => {
        ended = true;
        return r;
      });
      await waitFor('the cell to start polling', () => outputText(nb.cellAt(1)).includes('polling'), 30_000);
      const before = a.panelStats(nb)?.byType.fault ?? 0;
      assert(await clickInFrames(sel('fault-broker-2-down')), 'could not click broker 2 "down"');
      await waitFor(
        'the fault event in the panel while rd_kafka_poll is blocked',
        () => (a.panelStats(nb)?.byType.fault ?? 0) > before,
        15_000,
      );
      assert(!ended, 'the fault event reached the panel while the cell was still blocked');
      assert(await clickInFrames(sel('fault-broker-1-down')), 'could not click broker 1 "down"');
      const [r] = await blocked;
      assert(r!.success, `the cell failed: ${outputText(nb.cellAt(1))}`);
      assert(
        /RESULT [1-9]/.test(outputText(nb.cellAt(1))),
        `the poll ended once it served the disconnection: ${outputText(nb.cellAt(1))}`,
      );
      await waitFor(
        'the second fault event in the panel',
        () => (a.panelStats(nb)?.byType.fault ?? 0) >= before + 2,
        15_000,
      );
      assert(a.panelStats(nb)?.byType.fault === before + 2, 'each fault event reached the panel once');
    }, 150_000);

    test("a 2-second run's statistics chart correctly in the panel: x axis spans the run, labels fit", async () => {
      const editor = await producerWithPanel(produceFor(2000));
      await waitFor(
        'the panel to get the statistics',
        async () => ((await api()).panelStats(editor.notebook)?.byType.stats ?? 0) >= 3,
        15_000,
      );
      assert(await clickInFrames(sel('tab-stats')), 'no Statistics tab');
      const charts = await waitFor(
        'the statistics charts',
        async () => {
          const f =
            (await queryFrames('figure.chart[data-chart="Producer queue (msg_cnt, msg_size)"]')) ?? [];
          return f.find((x) => Number(x.data.points) >= 2 && x.data.xMin) ? f : undefined;
        },
        20_000,
        500,
      );
      const c = charts.find((x) => Number(x.data.points) >= 2)!;
      const span = Number(c.data.xMax) - Number(c.data.xMin);
      assert(span > 0.3, `the x axis spans the run (${span} s)`);
      const xTicks = JSON.parse(c.data.xTicks ?? '[]') as string[];
      assert(
        xTicks.length >= 2 && xTicks.every((t) => /^\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(t)),
        `x labels are times: ${xTicks}`,
      );
      assert(Number(c.data.yMin) === 0, 'y from zero');
      assert(
        Number(c.data.yLabelWidth) + 18 <= Number(c.data.yAxisWidth),
        `y labels ${c.data.yLabelWidth}px and the axis title fit ${c.data.yAxisWidth}px`,
      );
      assert(span < 4, `a 2-second run spans about 2 s (${span.toFixed(2)} s)`);
      await log(`    stats chart: span ${span.toFixed(2)} s, x ${xTicks.join(' ')}, y ${c.data.yTicks}`);
      await screenshot('control-room-stats');
    }, 90_000);

    test('at 600 px wide (the panel beside the notebook) the Faults bar keeps each input with its name, the delivery tables do not overlap and the Handles table fits', async () => {
      const editor = await producerWithPanel(
        `for (let i = 0; i < 200; i++) rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('faults'), RD_KAFKA_V_VALUE('x'), RD_KAFKA_V_END);
rd_kafka_flush(rk, 5000);`,
      );
      await waitFor(
        'the delivery reports',
        async () => ((await api()).panelStats(editor.notebook)?.byType.dr ?? 0) >= 200,
        15_000,
      );
      // Half of an editor area: the panel beside the notebook at about 600 px (the chat side bar closed).
      await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
      const panelWidth = async () =>
        (await queryFrames('[data-testid="event-count"]'))?.find((x) => x.frameWidth > 0)?.frameWidth ?? 0;
      let viewport = 1400;
      try {
        for (let i = 0; i < 3; i++) {
          const w = await waitFor('the panel to lay out', panelWidth, 10_000, 250);
          if (Math.abs(w - 600) <= 20) break;
          viewport += 2 * (600 - w);
          assert(await setViewport(viewport, 900), 'the window could not be resized');
          await waitFor('the new width', async () => (await panelWidth()) !== w, 10_000, 250).catch(() => 0);
        }
        // The Faults bar (this kernel runs on the mock cluster): each input on the line of its name.
        const names = (await queryFrames('.faults .param-name'))?.filter((x) => x.box.width > 0) ?? [];
        const controls =
          (await queryFrames('.faults .param-name + input, .faults .param-name + select'))?.filter(
            (x) => x.box.width > 0,
          ) ?? [];
        assert(
          names.length >= 6 && names.length === controls.length,
          `the Faults bar's inputs (${names.length})`,
        );
        const torn = names
          .filter((n, i) => {
            const c = controls[i]!.box;
            return Math.abs(n.box.y + n.box.height / 2 - (c.y + c.height / 2)) > c.height / 2;
          })
          .map((n) => n.text);
        assert(torn.length === 0, `inputs torn from their names at 600 px: ${torn.join(', ')}`);
        await clickInFrames(sel('tab-delivery'));
        const sections = await waitFor(
          'the delivery tables',
          async () => {
            const s = (await queryFrames('.view.delivery:not([hidden]) .tables > section')) ?? [];
            return s.length === 2 && s.every((x) => x.box.width > 0) ? s : undefined;
          },
          15_000,
          250,
        );
        const width = sections[0]!.frameWidth;
        await log(`    panel width ${width}px (window ${viewport}px)`);
        assert(Math.abs(width - 600) <= 40, `the panel is about 600 px wide (${width})`);
        const [p, q] = sections.map((x) => x.box);
        const overlap =
          p!.x < q!.x + q!.width - 1 &&
          q!.x < p!.x + p!.width - 1 &&
          p!.y < q!.y + q!.height - 1 &&
          q!.y < p!.y + p!.height - 1;
        assert(
          !overlap,
          `"By topic and partition" and "By error code" overlap: ${JSON.stringify(sections.map((x) => x.box))}`,
        );
        await clickInFrames(sel('tab-handles'));
        const table = await waitFor(
          'the Handles table',
          async () => (await queryFrames('.view.handles .table-box'))?.find((x) => x.clientWidth > 0),
          10_000,
          250,
        );
        assert(
          table.scrollWidth <= table.clientWidth + 1,
          `the Handles table is cut (${table.scrollWidth} > ${table.clientWidth})`,
        );
        await clickInFrames(sel('tab-stats'));
        const charts = await waitFor(
          'charts',
          async () =>
            (await queryFrames('.view.stats figure.chart[data-y-axis-width]'))?.filter(
              (x) => x.box.width > 0,
            ),
          10_000,
          250,
        );
        for (const c of charts)
          assert(
            Number(c.data.yLabelWidth) + 18 <= Number(c.data.yAxisWidth),
            `${c.data.chart}: y labels clipped`,
          );
        await screenshot('control-room-600px');
      } finally {
        await setViewport(1400, 900);
      }
    }, 60_000);

    test("an event's cell link in the panel reveals that cell in the notebook", async () => {
      const nb =
        vscode.window.activeNotebookEditor?.notebook ?? vscode.window.visibleNotebookEditors[0]!.notebook;
      await clickInFrames(sel('tab-timeline'));
      await clickInFrames(sel('filter-type-fault'));
      // The first fault is the cell's own rd_kafka_mock_topic_create, in cell 1.
      assert(await clickInFrames('.tl-row'), 'no timeline row to select');
      assert(await clickInFrames(sel('detail-cell-link')), 'no cell link in the event details');
      await waitFor(
        'the cell to be selected',
        () =>
          vscode.window.activeNotebookEditor?.notebook === nb &&
          vscode.window.activeNotebookEditor.selection.start === 0,
        10_000,
      );
    }, 60_000);

    test('Export for a librdkafka Issue writes every part, and a sasl.password set in a cell appears nowhere', async () => {
      const secret = 'vscode-s3cret-0f9a';
      const editor = await scratchNotebook(
        `const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, e, e.length);
rd_kafka_conf_set(conf, 'sasl.password', '${secret}', e, e.length);
rd_kafka_conf_set(conf, 'statistics.interval.ms', '100', e, e.length);
const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('t'), RD_KAFKA_V_VALUE('v'), RD_KAFKA_V_END);
rd_kafka_flush(rk, 5000);
const until = Date.now() + 400; while (Date.now() < until) rd_kafka_poll(rk, 50);
console.log('done with', '${secret}'.length);`,
      );
      const [s] = await runCells(editor);
      assert(s!.success, outputText(editor.notebook.cellAt(0)));
      const dir = join(mkdtempSync(join(tmpdir(), 'rdkafka-export-')), 'issue');
      const written = await vscode.commands.executeCommand<string | undefined>(
        'rdkafka.exportForIssue',
        editor.notebook.uri,
        { dir, quiet: true },
      );
      assert(written === dir && existsSync(join(dir, 'ISSUE.md')), `the export was not written (${written})`);
      const files = filesUnder(dir);
      for (const f of BUNDLE_FILES) assert(files.includes(f), `${f} missing: ${files}`);
      assert(
        files.some((f) => f.startsWith('config/')),
        'no handle configuration',
      );
      for (const f of files)
        assert(!readFileSync(join(dir, f), 'utf8').includes(secret), `${f} holds the password`);
      assert(
        /sasl\.password=••••••/.test(readFileSync(join(dir, 'ISSUE.md'), 'utf8')),
        'the summary shows the password redacted',
      );
      rmSync(join(dir, '..'), { recursive: true, force: true });
      await closeAllEditors();
    }, 120_000);

    // The extension host's cache (npm test's setup builds 2.15.1 into it).
    const missing = existsSync(versionPaths(V2151).library)
      ? null
      : `librdkafka ${V2151} is not installed in ${versionPaths(V2151).library} (the test setup, node dist/test/support/librdkafka.main.mjs, builds it)`;
    if (missing)
      skip(
        'on 2.15.1 the requests lane shows Produce requests and the retry after an error pushed from the panel',
        missing,
      );
    else
      test('on 2.15.1 the requests lane shows Produce requests and the retry after an error pushed from the panel', async () => {
        const a = await api();
        const choice = a.kernelChoices().find((c) => c.spec === V2151);
        assert(choice, `no kernel for ${V2151} among ${a.kernelChoices().map((c) => c.label)}`);
        await closeAllEditors();
        const data = new vscode.NotebookData(
          [
            producerCell(10_000),
            `rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('faults'), RD_KAFKA_V_VALUE('one'), RD_KAFKA_V_END);
rd_kafka_flush(rk, 8000);
console.log(JSON.stringify(drs));`,
          ].map((c) => new vscode.NotebookCellData(vscode.NotebookCellKind.Code, c, 'typescript')),
        );
        data.metadata = { librdkafka: V2151 };
        const doc = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
        const editor = await vscode.window.showNotebookDocument(doc);
        await vscode.commands.executeCommand('notebook.selectKernel', {
          id: choice.id,
          extension: EXTENSION_ID,
        });
        assert(await vscode.commands.executeCommand('rdkafka.openEventsPanel', doc.uri), 'no panel');
        const [first] = await runCells(editor, [0]);
        assert(first!.success, outputText(doc.cellAt(0)));
        assert(a.kernel(doc)?.version === V2151, `the kernel runs ${a.kernel(doc)?.version}`);
        // The push form's defaults: one NOT_LEADER_FOR_PARTITION for Produce.
        await waitFor(
          'the Faults bar',
          async () => (await queryFrames(sel('fault-push')))?.length,
          20_000,
          250,
        );
        assert(await clickInFrames(sel('fault-push')), 'could not click "push"');
        const pushed = await waitFor(
          'the kernel to answer "push"',
          () => a.panelStats(doc)?.faults.find((f) => f.message),
          15_000,
        );
        assert(pushed.ok, `push failed: ${pushed.message}`);
        // Recorded after the cell that ran last, so the produce cell is now the third.
        assert(pushed.recordedAt === 2, `the push recorded as cell 2 (${pushed.recordedAt})`);
        assert(
          /rd_kafka_mock_push_request_errors/.test(doc.cellAt(1).document.getText()),
          doc.cellAt(1).document.getText(),
        );
        const [second] = await runCells(editor, [2]);
        assert(second!.success, outputText(doc.cellAt(2)));
        const lanes = await waitFor(
          'a requests lane',
          async () => {
            const [l] = (await queryFrames(sel('lanes'))) ?? [];
            const counts = JSON.parse(l?.data.counts ?? '{}') as Record<string, number>;
            return (counts.request ?? 0) > 0 ? counts : undefined;
          },
          15_000,
          250,
        );
        assert(lanes.request! > 0, 'the timeline has a requests lane');
        await clickInFrames(sel('tab-requests'));
        // The tracking poll brings requests up to 100 ms late: wait for the Produce that went through.
        let seenRow = '';
        const produce = await waitFor(
          'the Produce row with its retry',
          async () => {
            const heads = ((await queryFrames(`${sel('requests-table')} th`)) ?? []).map((x) =>
              x.text.trim(),
            );
            const row = ((await queryFrames(`${sel('requests-table')} tr`)) ?? []).find((r) =>
              r.text.startsWith('Produce'),
            );
            seenRow = `${heads.join(' | ')} / ${JSON.stringify(row?.text)}`;
            if (!row) return undefined;
            const cells = row.text.split('\t').map((x) => x.trim());
            const col = (name: string) => cells[heads.indexOf(name)] ?? '';
            return col('retries') === '1' && Number(col('total')) >= 2 ? { col, text: row.text } : undefined;
          },
          15_000,
          250,
        ).catch((e: Error) => {
          throw new Error(
            `${e.message}: the requests table showed ${seenRow}; the panel received ${JSON.stringify(a.panelStats(doc)?.byType)}; cell 3: ${outputText(doc.cellAt(2))}`,
          );
        });
        assert(/^1 \(1× NOT_LEADER_FOR_PARTITION\)$/.test(produce.col('pushed errors')), produce.text);
        assert(Number(produce.col('broker 1')) >= 2, `Produce went to broker 1, the leader: ${produce.text}`);
        await screenshot('control-room-requests');
        await closeAllEditors();
      }, 120_000);
  });
}
