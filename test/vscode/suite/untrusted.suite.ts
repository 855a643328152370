import * as vscode from 'vscode';
import { suite, test } from './harness.ts';
import { HEADER, api, assert, assertEqual, openNotebook, sleep, waitFor, wsUri } from './util.ts';

export function registerUntrusted(): void {
  suite('untrusted workspace', () => {
    test('the workspace is untrusted and the extension runs in restricted mode', async () => {
      assertEqual(vscode.workspace.isTrusted, false, 'workspace trust');
    });

    test('a notebook opens and renders with its saved outputs, but no cell runs and the status bar says why', async () => {
      const editor = await openNotebook('fixtures', 'roundtrip.rdkafka');
      const nb = editor.notebook;
      assertEqual(nb.cellAt(1).outputs.length, 3, 'saved outputs rendered');
      const a = await api();
      await waitFor('the status bar', () => a.statusBarText(), 10_000);
      assert(/restricted/.test(a.statusBarText()!), `status bar: ${a.statusBarText()}`);
      const before = nb.cellAt(1).executionSummary?.timing?.endTime;
      // VS Code may ask for trust (a dialog nobody answers here): do not wait for the command.
      void vscode.commands.executeCommand('notebook.cell.execute', {
        ranges: [{ start: 1, end: 2 }],
        document: nb.uri,
      });
      await sleep(5000);
      assertEqual(nb.cellAt(1).executionSummary?.timing?.endTime, before, 'the cell ran');
      assertEqual(nb.cellAt(1).outputs.length, 3, 'outputs changed');
      assertEqual(a.kernel(nb)?.state, undefined, 'a kernel was started');
      assert(!a.bindings.exists(), 'bindings were generated in an untrusted workspace');
      void wsUri;
    }, 60_000);

    test('Regenerate Bindings runs no compiler and no generated code here: it says to trust the workspace first', async () => {
      const r = await vscode.commands.executeCommand<{ ok: boolean; error?: string } | undefined>(
        'rdkafka.regenerateBindings',
        { header: HEADER, restartKernels: false },
      );
      assert(
        r && !r.ok && /trust/i.test(r.error ?? ''),
        `regenerate in an untrusted workspace: ${JSON.stringify(r)}`,
      );
      assert(!(await api()).bindings.exists(), 'bindings were generated in an untrusted workspace');
    });
  });
}
