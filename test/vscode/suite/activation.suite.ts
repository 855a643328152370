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

    test('every command the extension contributes is registered and listed under the librdkafka category', async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
      const contributed = (
        ext.packageJSON as { contributes: { commands: { command: string; category?: string }[] } }
      ).contributes.commands;
      assert(contributed.length > 0, 'the manifest contributes no commands');
      const all = await vscode.commands.getCommands(true);
      for (const c of contributed) {
        assert(all.includes(c.command), `command ${c.command} is not registered`);
        assert(c.category === 'librdkafka', `command ${c.command} is in category ${c.category ?? '(none)'}`);
      }
    });
  });
}
