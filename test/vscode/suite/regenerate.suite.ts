// Regenerate Bindings as a VS Code user meets it: a list of the known headers with the one in use
// highlighted, a library step that names the file and its version, and errors without the CLI's flags.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { dom, press, screenshot, suite, test } from './harness.ts';
import { assert, waitFor, workspaceDir } from './util.ts';

/** The quick input's rows and which one is highlighted, as shown. */
async function quickInput(): Promise<{ title: string; rows: string[]; focused: string } | undefined> {
  const frames = await dom('.quick-input-widget');
  const widget = frames?.flatMap((f) => f.elements).find((e) => e.text.trim());
  if (!widget) return undefined;
  const rows = (await dom('.quick-input-list .monaco-list-row'))?.flatMap((f) => f.elements) ?? [];
  const focused = (await dom('.quick-input-list .monaco-list-row.focused'))?.flatMap((f) => f.elements)[0];
  return {
    title: widget.text.split('\n')[0] ?? '',
    rows: rows.map((r) => r.text),
    focused: focused?.text ?? '',
  };
}

export function registerRegenerate(): void {
  suite('Regenerate Bindings wording', () => {
    test('the header list highlights the header in use, the library step names the file and its version', async () => {
      if (!process.env.RDKAFKA_TEST_SHIM_URL) return; // the pickers are only seen through the shim
      const done = vscode.commands.executeCommand('rdkafka.regenerateBindings');
      const headers = await waitFor(
        'the header list',
        async () => {
          const q = await quickInput();
          return q?.focused ? q : undefined;
        },
        20_000,
        300,
      );
      assert(
        /rdkafka\.h/.test(headers.focused) && headers.focused.includes('/usr/include/librdkafka'),
        `highlighted: ${headers.focused}`,
      );
      assert(
        /librdkafka 2\.0\.2/.test(headers.focused),
        `the highlighted header's version: ${headers.focused}`,
      );
      assert(
        headers.rows.some((r) => /Browse for rdkafka\.h/.test(r)),
        `rows: ${headers.rows.join(' | ')}`,
      );
      await screenshot('regenerate-header-list');
      await press('Enter');
      const library = await waitFor(
        'the library step',
        async () => {
          const q = await quickInput();
          return q && q.rows.some((r) => /matching the header/.test(r)) ? q : undefined;
        },
        20_000,
        300,
      );
      const matching = library.rows.find((r) => /matching the header/.test(r))!;
      assert(/\/librdkafka\.so\.1/.test(matching), `the library file is not named: ${matching}`);
      assert(/librdkafka 2\.0\.2/.test(matching), `the library version is not named: ${matching}`);
      await screenshot('regenerate-library-step');
      await press('Escape');
      assert((await done) === undefined, 'cancelling regenerated anyway');
    }, 60_000);

    test('a failure names what to fix in VS Code terms, not with a command-line flag', async () => {
      const bad = join(workspaceDir(), 'fixtures', 'binary.h');
      writeFileSync(bad, Buffer.from([0, 1, 2, 3, 0]));
      const r = await vscode.commands.executeCommand<{ ok: boolean; error?: string }>(
        'rdkafka.regenerateBindings',
        {
          header: bad,
          restartKernels: false,
        },
      );
      assert(r && !r.ok && r.error, `regeneration from a binary file: ${JSON.stringify(r)}`);
      assert(!/--[a-z]/.test(r.error), `a CLI flag in: ${r.error}`);
      assert(
        /Regenerate Bindings/.test(r.error) && /rdkafka\.headerPath/.test(r.error),
        `no way on in: ${r.error}`,
      );
    });
  });
}
