import * as vscode from 'vscode';
import { suite, test } from './harness.ts';
import { EXTENSION_ID, assert, openNotebook, waitFor } from './util.ts';

export function registerActivation(): void {
  suite('activation', () => {
    test('the extension is installed but stays inactive until a notebook opens', () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert(ext, `extension ${EXTENSION_ID} not found`);
      assert(!ext.isActive, 'the extension activated before anything asked for it (activation must be lazy)');
    });

    test('opening a .rdkafka file activates it and opens a notebook of type rdkafka-notebook', async () => {
      const editor = await openNotebook('fixtures', 'roundtrip.rdkafka');
      assert(
        editor.notebook.notebookType === 'rdkafka-notebook',
        `notebook type is ${editor.notebook.notebookType}`,
      );
      await waitFor('activation', () => vscode.extensions.getExtension(EXTENSION_ID)!.isActive, 20_000);
    });

    test('every command is registered under the librdkafka category', async () => {
      const all = await vscode.commands.getCommands(true);
      for (const c of [
        'rdkafka.regenerateBindings',
        'rdkafka.openEventsPanel',
        'rdkafka.restartKernel',
        'rdkafka.interruptKernel',
        'rdkafka.newNotebook',
      ])
        assert(all.includes(c), `command ${c} is not registered`);
    });
  });
}
