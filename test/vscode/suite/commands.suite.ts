import * as vscode from 'vscode';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite, test } from './harness.ts';
import { api, assert, assertEqual, outputText, runCells, selectKernel, workspaceDir } from './util.ts';

export function registerCommands(): void {
  suite('commands', () => {
    test('New librdkafka Notebook opens an untitled notebook whose starter cell produces to the mock cluster', async () => {
      const editor = await vscode.commands.executeCommand<vscode.NotebookEditor>('rdkafka.newNotebook');
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

    test('SASL credentials go to the secret storage, never to settings, and are shown redacted', async () => {
      const stored = await vscode.commands.executeCommand<boolean>('rdkafka.setClusterCredentials', {
        mechanism: 'SCRAM-SHA-256',
        username: 'alice',
        password: 'hunter2-secret',
      });
      assert(stored, 'credentials not stored');
      const shown = await (await api()).shownClusterConfig();
      assertEqual(shown['sasl.username'], 'alice', 'user name shown');
      assert(
        shown['sasl.password'] && !shown['sasl.password'].includes('hunter2'),
        `password not redacted: ${JSON.stringify(shown)}`,
      );
      const settingsFile = join(workspaceDir(), '.vscode', 'settings.json');
      assert(
        !existsSync(settingsFile) || !readFileSync(settingsFile, 'utf8').includes('hunter2'),
        'the password reached the workspace settings',
      );
      const c = vscode.workspace.getConfiguration('rdkafka');
      assert(!JSON.stringify(c).includes('hunter2'), 'the password reached the configuration');
      await vscode.commands.executeCommand('rdkafka.clearClusterCredentials');
      assertEqual(
        Object.keys(await (await api()).shownClusterConfig()).length,
        0,
        'credentials after clearing',
      );
    });
  });
}
