import * as vscode from 'vscode';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { suite, test } from './harness.ts';
import {
  NOTEBOOK_TYPE,
  api,
  assert,
  assertEqual,
  outputText,
  runCells,
  selectKernel,
  workspaceDir,
} from './util.ts';

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
      // A kernel for a real cluster (the notebook's bootstrap metadata) gets them in every configuration.
      const data = new vscode.NotebookData([
        new vscode.NotebookCellData(
          vscode.NotebookCellKind.Code,
          [
            'const conf = rd_kafka_conf_new();',
            'const buf = errbuf(256); const size = out.size(); size[0] = 256n;',
            "rd_kafka_conf_get(conf, 'sasl.username', buf, size);",
            'console.log(BOOTSTRAP, buf.text); rd_kafka_conf_destroy(conf);',
          ].join('\n'),
          'typescript',
        ),
      ]);
      data.metadata = { bootstrap: '127.0.0.1:9' };
      const editor = await vscode.window.showNotebookDocument(
        await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data),
      );
      await selectKernel(editor);
      const [s] = await runCells(editor);
      const text = outputText(editor.notebook.cellAt(0));
      assert(s!.success, `cell failed: ${text}`);
      assert(
        text.includes('127.0.0.1:9 alice'),
        `the kernel did not get the bootstrap metadata and the credentials: ${text}`,
      );
      await vscode.commands.executeCommand('rdkafka.clearClusterCredentials');
      assertEqual(
        Object.keys(await (await api()).shownClusterConfig()).length,
        0,
        'credentials after clearing',
      );
    });
  });
}
