// The trust step, as a user takes it: a restricted window, "Trust" in VS Code's Workspace Trust editor, then
// completions in cells without reloading the window: the bindings are made and the TypeScript extension is
// configured again once trust is granted, not only at activation. (The test host lets the TypeScript
// extension run in Restricted Mode, see TRUST_SETTINGS in ../host.ts; the C API is still unknown there.)
import * as vscode from 'vscode';
import { click, screenshot, suite, test } from './harness.ts';
import { api, assert, assertEqual, NOTEBOOK_TYPE, sleep, waitFor } from './util.ts';

const labelOf = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);

export function registerTrust(): void {
  suite('trust', () => {
    test('completions in cells work right after trust is granted, without a reload', async () => {
      const a = await api();
      assertEqual(vscode.workspace.isTrusted, false, 'workspace trust before the step');
      const prefix = 'const rk = rd_kafka_n';
      const data = new vscode.NotebookData([
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, prefix, 'typescript'),
      ]);
      const editor = await vscode.window.showNotebookDocument(
        await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data),
      );
      const doc = editor.notebook.cellAt(0).document;
      const completions = async () =>
        (
          await vscode.commands.executeCommand<vscode.CompletionList>(
            'vscode.executeCompletionItemProvider',
            doc.uri,
            new vscode.Position(0, prefix.length),
          )
        ).items;
      await sleep(3000);
      assert(
        !(await completions()).some((i) => labelOf(i) === 'rd_kafka_new'),
        'the C API completes before trust: no bindings should exist yet',
      );
      assert(!a.bindings.exists(), 'bindings were generated before trust');

      // What the user does: open the Workspace Trust editor and press its Trust button.
      await vscode.commands.executeCommand('workbench.trust.manage');
      const clicked = await waitFor(
        'the Trust button of the Workspace Trust editor',
        () => click('Trust', '.workspace-trust-editor').catch(() => false),
        20_000,
        500,
      );
      assert(clicked, 'no shim to click with');
      await waitFor('the workspace to be trusted', () => vscode.workspace.isTrusted, 20_000);
      await vscode.window.showNotebookDocument(editor.notebook);

      const item = await waitFor(
        'rd_kafka_new among the completions after trust',
        async () => (await completions()).find((i) => labelOf(i) === 'rd_kafka_new'),
        120_000,
        1000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; IntelliSense state ${JSON.stringify(a.intelliSenseState())}`);
      });
      assertEqual(item.kind, vscode.CompletionItemKind.Function, 'completion kind of rd_kafka_new');
      assert(a.intelliSenseState().ok, `IntelliSense state ${JSON.stringify(a.intelliSenseState())}`);

      // The suggest widget in the notebook, as the user sees it, for the screenshot.
      await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
      editor.selection = new vscode.NotebookRange(0, 1);
      await vscode.commands.executeCommand('notebook.cell.edit');
      const cellEditor = await waitFor(
        'the cell editor to have focus',
        () => (vscode.window.activeTextEditor?.document === doc ? vscode.window.activeTextEditor : undefined),
        10_000,
      );
      cellEditor.selection = new vscode.Selection(0, prefix.length, 0, prefix.length);
      await vscode.commands.executeCommand('editor.action.triggerSuggest');
      await sleep(1500);
      await screenshot('completions-after-trust');
    }, 180_000);
  });
}
