// When IntelliSense in cells cannot run, the user is told where they look, not only in the log. The session
// "intellisense-off" is the case that happens for real in VS Code in a browser: a restricted window whose
// profile does not let the TypeScript extension run in Restricted Mode. Once the folder is trusted, VS Code
// starts that extension in the browser's worker (code-server ships no browser build of it), never beside this
// extension: completions need a reload, and the status bar and a notice say so.
import * as vscode from 'vscode';
import { click, dom, screenshot, suite, test } from './harness.ts';
import { api, assert, assertEqual, NOTEBOOK_TYPE, waitFor } from './util.ts';

export function registerIntelliSenseOff(): void {
  suite('IntelliSense off', () => {
    test('the TypeScript extension out of reach after trust: the status bar and a notice say so, with the fix', async () => {
      const a = await api();
      assertEqual(vscode.workspace.isTrusted, false, 'workspace trust before the step');
      const data = new vscode.NotebookData([
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'const rk = rd_kafka_n', 'typescript'),
      ]);
      await vscode.window.showNotebookDocument(
        await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data),
      );
      await vscode.commands.executeCommand('workbench.trust.manage');
      assert(
        await waitFor(
          'the Trust button of the Workspace Trust editor',
          () => click('Trust', '.workspace-trust-editor').catch(() => false),
          20_000,
          500,
        ),
        'no shim to click with',
      );
      await waitFor('the workspace to be trusted', () => vscode.workspace.isTrusted, 20_000);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor'); // the Workspace Trust editor
      const state = await waitFor(
        'IntelliSense to be reported off',
        () => {
          const s = a.intelliSenseState();
          return s.ok ? undefined : s.reason === 'restricted' ? undefined : s;
        },
        60_000,
        500,
      );
      assertEqual(state.reason, 'needs-reload', `IntelliSense state ${JSON.stringify(state)}`);
      assertEqual(
        vscode.extensions.getExtension('vscode.typescript-language-features'),
        undefined,
        'the TypeScript extension beside this one (the case this session is about did not happen)',
      );
      // Where the user looks: the status bar, beside the kernel's item.
      const item = await waitFor(
        'the IntelliSense item in the status bar',
        async () =>
          (await dom('.statusbar-item'))
            ?.flatMap((f) => f.elements)
            .find((e) => e.text.includes('IntelliSense off')),
        20_000,
        500,
      );
      assert(item, 'no status bar item');
      // And a notice naming the way on.
      await vscode.commands.executeCommand('notifications.showList');
      await waitFor(
        'the IntelliSense notice',
        async () =>
          (await dom('.notification-list-item'))?.some((f) =>
            f.elements.some(
              (e) =>
                /IntelliSense in librdkafka cells is off: .*reload the window/.test(e.text) &&
                e.text.includes('Reload Window'),
            ),
          ),
        20_000,
        500,
      );
      await screenshot('intellisense-off');
      await vscode.commands.executeCommand('notifications.hideList');
    }, 150_000);
  });
}
