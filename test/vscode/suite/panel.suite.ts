import * as vscode from 'vscode';
import { suite, test, screenshot, frames, log } from './harness.ts';
import { api, assert, outputText, runCells, scratchNotebook, sleep, waitFor } from './util.ts';
import { STARTER_CELL } from '../../../extension/commands/newNotebook.ts';

export function registerPanel(): void {
  suite('events panel', () => {
    test('opens for the notebook and receives its delivery reports', async () => {
      const editor = await scratchNotebook(STARTER_CELL);
      const nb = editor.notebook;
      assert(
        await vscode.commands.executeCommand('rdkafka.openEventsPanel', nb.uri),
        'the panel did not open',
      );
      const a = await api();
      await waitFor('the panel to get its first message', () => (a.panelStats(nb)?.resets ?? 0) >= 1, 20_000);
      const [s] = await runCells(editor);
      assert(s!.success, `produce cell failed: ${outputText(nb.cellAt(0))}`);
      await waitFor(
        '10 delivery reports in the panel',
        () => (a.panelStats(nb)?.byType.dr ?? 0) >= 10,
        20_000,
      );
      // Where the shim runs, check what the webview itself shows, not only that messages were delivered.
      if (await frames()) {
        const shown = await waitFor(
          'the panel to show the delivery reports',
          async () => (await frames())!.find((f) => /delivery reports\s*1\d\b/.test(f.text)),
          15_000,
          500,
        ).catch(async (e: Error) => {
          for (const f of (await frames())!)
            await log(
              `frame ${f.url.slice(0, 120)} origin ${f.origin}: ${f.text.slice(0, 300).replace(/\s+/g, ' ')}`,
            );
          throw e;
        });
        assert(shown, 'no frame shows the delivery reports');
      } else await log('    (no shim: the webview content is not inspected)');
      await sleep(1000); // let the charts paint before the screenshot
      await screenshot('events-panel');
    }, 120_000);

    test('restarting the kernel resets the panel', async () => {
      const nb = vscode.window.activeNotebookEditor!.notebook;
      const a = await api();
      const resets = a.panelStats(nb)!.resets;
      assert(await vscode.commands.executeCommand('rdkafka.restartKernel', nb.uri), 'restart failed');
      await waitFor(
        'a reset message',
        () => a.panelStats(nb)!.resets > resets && a.panelStats(nb)!.delivered === 0,
        20_000,
      );
    }, 60_000);
  });
}
