// Failures that say what to do: a kernel that dies under a cell says so in the cell and offers Restart
// Kernel in a notification (clicked here as a user clicks it); Restart Kernel and Run All / Up to Here.
import * as vscode from 'vscode';
import { click, dom, frames, screenshot, suite, test } from './harness.ts';
import {
  api,
  assert,
  assertEqual,
  closeAllEditors,
  outputText,
  runCells,
  scratchNotebook,
  waitFor,
} from './util.ts';

/** Waits until each of `cells` ran again (an end time later than before) and returns their summaries. */
async function ranAgain(cells: vscode.NotebookCell[], before: number[], ms = 120_000) {
  await waitFor(
    'the cells to run again',
    () =>
      cells.every(
        (c, i) =>
          c.executionSummary?.success !== undefined && (c.executionSummary.timing?.endTime ?? 0) > before[i]!,
      ),
    ms,
  );
  return cells.map((c) => c.executionSummary!);
}

const endTimes = (cells: vscode.NotebookCell[]) => cells.map((c) => c.executionSummary?.timing?.endTime ?? 0);

export function registerFailures(): void {
  suite('failures', () => {
    test('a crash says what happened and what to do, and Restart Kernel in its notification starts a fresh kernel', async () => {
      await closeAllEditors();
      const editor = await scratchNotebook(
        'const kept = 1;',
        // Lines printed right before a crash in native code (a bogus pointer) stay in the cell.
        "console.log('last words');\nconsole.error('on stderr too');\nrd_kafka_name(8n)",
        'typeof kept',
      );
      const nb = editor.notebook;
      const a = await api();
      const [, crashed] = await runCells(editor, [0, 1]);
      assert(crashed!.success === false, 'the crashing cell should fail');
      assertEqual(
        outputText(nb.cellAt(1)).trim(),
        'last words\non stderr too\nKernelDied: The kernel died (SIGSEGV) while running this cell. Outputs before it are kept. Restart the kernel to go on.',
        'the cell: its last lines, then the error',
      );
      await waitFor('the kernel to be reported dead', () => a.kernel(nb)?.state === 'dead', 10_000);
      // The user's way on: the notification's button. (The smoke-test driver shows no toasts: notifications
      // go straight to the notifications center, opened here.)
      await vscode.commands.executeCommand('notifications.showList');
      await waitFor(
        'the crash notification',
        async () =>
          (await dom('.notification-list-item'))?.some((f) =>
            f.elements.some((e) => e.text.includes('died (SIGSEGV) while running cell 2')),
          ),
        20_000,
        500,
      );
      await screenshot('kernel-crash-notification');
      await waitFor(
        'Restart Kernel in the crash notification',
        () =>
          click('Restart Kernel', '.notification-list-item', 'died (SIGSEGV) while running cell 2').catch(
            () => false,
          ),
        20_000,
        500,
      );
      await waitFor('the restarted kernel', () => a.kernel(nb)?.state === 'idle', 60_000);
      // The restart says when it is done. (The center closes by itself once the crash notification, its only
      // one here, is gone: opened again to read it.)
      await waitFor(
        'the restart to be confirmed',
        async () => {
          await vscode.commands.executeCommand('notifications.showList');
          const items = await dom('.notification-list-item');
          return (
            items?.some((f) =>
              f.elements.some((e) => /Kernel of Untitled-\d+\.rdkafka restarted \(librdkafka /.test(e.text)),
            ) ?? true
          );
        },
        20_000,
        500,
      );
      await vscode.commands.executeCommand('notifications.hideList');
      const [again] = await runCells(editor, [2]);
      assertEqual(again!.executionOrder, 1, 'execution order in the fresh kernel');
      assert(
        outputText(nb.cellAt(2)).includes('undefined'),
        `state survived the crash: ${outputText(nb.cellAt(2))}`,
      );
    }, 180_000);

    test('Restart Kernel and Run All runs every cell again in a fresh kernel', async () => {
      const editor = await scratchNotebook('let n = 1;', 'n += 1;', 'n');
      const nb = editor.notebook;
      const cells = nb.getCells();
      await runCells(editor);
      await runCells(editor, [1]); // n is 3 in this kernel now
      const before = endTimes(cells);
      assert(
        await vscode.commands.executeCommand('rdkafka.restartKernelAndRunAll', nb.uri),
        'the command failed',
      );
      const summaries = await ranAgain(cells, before);
      assertEqual(
        summaries.map((s) => s.executionOrder),
        [1, 2, 3],
        'execution order after Restart and Run All',
      );
      assert(
        summaries.every((s) => s.success),
        'a cell failed',
      );
      assert(/^2\b/.test(outputText(nb.cellAt(2)).trim()), `n after the run: ${outputText(nb.cellAt(2))}`);
      await screenshot('restart-and-run-all');
    }, 180_000);

    test('Restart Kernel and Run Up to Here runs the cells above and the chosen one, not the ones below', async () => {
      const editor = await scratchNotebook('let m = 10;', 'm += 1;', 'm');
      const nb = editor.notebook;
      const cells = nb.getCells();
      await runCells(editor);
      const before = endTimes(cells);
      assert(
        await vscode.commands.executeCommand('rdkafka.restartKernelAndRunUpToHere', nb.cellAt(1)),
        'the command failed',
      );
      const summaries = await ranAgain(cells.slice(0, 2), before.slice(0, 2));
      assertEqual(
        summaries.map((s) => s.executionOrder),
        [1, 2],
        'execution order of the cells up to the chosen one',
      );
      assertEqual(endTimes(cells)[2], before[2], 'the cell below the chosen one ran');
    }, 180_000);

    test("librdkafka's default logger lines are counted as logs in the events panel and still printed in the cell", async () => {
      await closeAllEditors();
      const editor = await scratchNotebook(
        [
          '// No log_cb: librdkafka logs with its default logger (connection errors to a closed port).',
          'const e = errbuf();',
          'const conf = rd_kafka_conf_new();',
          "rd_kafka_conf_set(conf, 'bootstrap.servers', '127.0.0.1:9', e, e.length);",
          'const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);',
          'await new Promise((r) => setTimeout(r, 1500));',
          'rd_kafka_destroy(rk);',
        ].join('\n'),
      );
      const nb = editor.notebook;
      assert(
        await vscode.commands.executeCommand('rdkafka.openEventsPanel', nb.uri),
        'the panel did not open',
      );
      const a = await api();
      const [s] = await runCells(editor);
      assert(s!.success, `cell failed: ${outputText(nb.cellAt(0))}`);
      assert(
        /^%3\|\d+\.\d{3}\|FAIL\|rdkafka#producer-\d+\| /m.test(outputText(nb.cellAt(0))),
        `cell output: ${outputText(nb.cellAt(0))}`,
      );
      await waitFor('log events in the panel', () => (a.panelStats(nb)?.byType.log ?? 0) >= 1, 20_000);
      if (await frames())
        await waitFor(
          'the panel to count the logs',
          async () => (await frames())!.some((f) => /\blogs?\s*[1-9]/i.test(f.text)),
          15_000,
          500,
        );
      await screenshot('default-logger-logs');
    }, 120_000);
  });
}
