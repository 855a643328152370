// A cell's outputs in VS Code are bounded like the CLI's (extension/notebook/output-limit.ts): 10 MB printed,
// the first and the last half megabyte kept with one line saying what was dropped between them.
import { suite, test } from './harness.ts';
import { assert, closeAllEditors, outputText, runCells, scratchNotebook } from './util.ts';
import { OUTPUT_LIMIT } from '../../../extension/notebook/output-limit.ts';

export function registerOutputLimit(): void {
  suite('output limit', () => {
    test('a cell that prints 10 MB keeps its head and tail and says how much was dropped; the next cell runs', async () => {
      const editor = await scratchNotebook(
        'const chunk = ("y".repeat(99) + "\\n").repeat(10_000);\nconsole.log("first line");\nfor (let i = 0; i < 10; i++) process.stdout.write(chunk);\nconsole.log("last line");',
        '"next"',
      );
      const summaries = await runCells(editor, undefined, 240_000);
      const cell = editor.notebook.cellAt(0);
      const text = outputText(cell);
      assert(
        summaries.every((s) => s.success),
        `a cell failed: ${text.slice(0, 300)}`,
      );
      assert(text.startsWith('first line\nyyy'), `head: ${text.slice(0, 40)}`);
      assert(text.endsWith('yyy\nlast line\n'), `tail: ${text.slice(-40)}`);
      const dropped =
        'first line\n'.length +
        10 * 1_000_000 +
        'last line\n'.length -
        OUTPUT_LIMIT.headChars -
        OUTPUT_LIMIT.tailChars;
      assert(
        text.includes(`[… ${dropped.toLocaleString('en-US')} characters`),
        `no line saying ${dropped} characters were dropped`,
      );
      assert(
        text.length < OUTPUT_LIMIT.headChars + OUTPUT_LIMIT.tailChars + 1000,
        `kept ${text.length} characters`,
      );
      assert(outputText(editor.notebook.cellAt(1)).includes('next'), 'the next cell did not run');
      await closeAllEditors();
    }, 300_000);
  });
}
