import * as vscode from 'vscode';
import { suite, test } from './harness.ts';
import { api, assert, assertEqual, outputText, runCells, selectKernel } from './util.ts';

export function registerCommands(): void {
  suite('commands', () => {
    test('New librdkafka Notebook opens an untitled notebook whose starter cell produces to the mock cluster', async () => {
      await vscode.commands.executeCommand('rdkafka.newNotebook');
      // (The command's return value is only a snapshot when it crossed to the workbench to activate us.)
      const editor = vscode.window.activeNotebookEditor;
      assert(editor?.notebook.isUntitled, 'no untitled notebook');
      assertEqual(editor.notebook.notebookType, 'rdkafka-notebook', 'notebook type');
      await selectKernel(editor);
      const summaries = await runCells(editor);
      const code = editor.notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
      assert(
        summaries.every((s) => s.success),
        `starter cell failed: ${code.map(outputText).join('\n')}`,
      );
      const k = (await api()).kernel(editor.notebook);
      assert((k?.events ?? 0) > 0, 'the starter cell produced no events');
    }, 120_000);
  });
}
