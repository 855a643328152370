import * as vscode from 'vscode';
import { suite, test } from './harness.ts';
import { HEADER, api, assert, assertEqual, outputText, runCells, scratchNotebook, waitFor } from './util.ts';

export function registerKernel(): void {
  suite('kernel', () => {
    test('outputs stream in while a cell runs, with execution order and times', async () => {
      const editor = await scratchNotebook(
        "for (let i = 0; i < 3; i++) { console.log('tick ' + i); await new Promise((r) => setTimeout(r, 700)); }\n'done'",
      );
      const cell = editor.notebook.cellAt(0);
      const run = runCells(editor);
      // The first line must be visible long before the cell ends (~2.1 s).
      await waitFor('first streamed line', () => outputText(cell).includes('tick 0'), 20_000, 50).catch(
        (e: Error) => {
          throw new Error(`${e.message}; the cell shows: ${JSON.stringify(outputText(cell))}`);
        },
      );
      assert(!outputText(cell).includes('tick 2'), 'all output arrived at once, nothing streamed');
      const [s] = await run;
      assert(s!.success, `cell failed: ${outputText(cell)}`);
      assertEqual(s!.executionOrder, 1, 'execution order of the first run');
      assert(
        s!.timing!.endTime - s!.timing!.startTime >= 1500,
        `timing ${JSON.stringify(s!.timing)} does not cover the run`,
      );
      const text = outputText(cell);
      assert(/tick 0\ntick 1\ntick 2\n/.test(text), `stream output: ${JSON.stringify(text)}`);
      assert(text.includes('done'), `result missing: ${JSON.stringify(text)}`);
    }, 120_000);

    test('interrupt stops a busy loop and keeps the state; restart clears it and the execution order', async () => {
      const editor = await scratchNotebook(
        'let kept = 41;',
        'kept++; console.log("looping"); while (true) {}',
        'kept',
      );
      const nb = editor.notebook;
      await runCells(editor, [0]);
      const running = runCells(editor, [1]);
      await waitFor('the loop to run', async () => (await api()).kernel(nb)?.state === 'busy', 30_000).catch(
        async (e: Error) => {
          throw new Error(
            `${e.message}; kernel ${JSON.stringify((await api()).kernel(nb))}, cell shows ${JSON.stringify(outputText(nb.cellAt(1)))}`,
          );
        },
      );
      await waitFor('the cell to reach its loop', () => outputText(nb.cellAt(1)).includes('looping'), 30_000);
      await vscode.commands.executeCommand('rdkafka.interruptKernel', nb.uri);
      const [s] = await running;
      assert(s!.success === false, 'an interrupted cell should end unsuccessfully');
      const [after] = await runCells(editor, [2]);
      assert(after!.success, `kernel unusable after interrupt: ${outputText(nb.cellAt(2))}`);
      assert(outputText(nb.cellAt(2)).includes('42'), `state lost by interrupt: ${outputText(nb.cellAt(2))}`);
      assertEqual(after!.executionOrder, 3, 'execution order after interrupt');

      assert(await vscode.commands.executeCommand('rdkafka.restartKernel', nb.uri), 'restart failed');
      const [fresh] = await runCells(editor, [2]);
      assertEqual(fresh!.executionOrder, 1, 'execution order after restart');
      assert(
        !fresh!.success && /kept/.test(outputText(nb.cellAt(2))),
        `state survived the restart: ${outputText(nb.cellAt(2))}`,
      );
    }, 120_000);

    test('a crash says the kernel died, keeps earlier outputs, and the next run starts a new kernel', async () => {
      const editor = await scratchNotebook(
        "console.log('before the crash')",
        "process.kill(process.pid, 'SIGSEGV')",
        "['alive', 'again'].join(' ')",
      );
      const nb = editor.notebook;
      const [first, second] = await runCells(editor, [0, 1], 30_000).catch(async (e: Error) => {
        throw new Error(
          `${e.message}; kernel ${JSON.stringify((await api()).kernel(nb))}, cells show ${JSON.stringify(outputText(nb.cellAt(0)) + outputText(nb.cellAt(1)))}`,
        );
      });
      assert(first!.success, `first cell failed: ${outputText(nb.cellAt(0))}`);
      assert(second!.success === false, 'the crashing cell should fail');
      const crash = outputText(nb.cellAt(1));
      assert(/died/i.test(crash) && /SIGSEGV/.test(crash), `crash message: ${JSON.stringify(crash)}`);
      assert(outputText(nb.cellAt(0)).includes('before the crash'), 'earlier output lost after the crash');
      await waitFor(
        'the kernel to be reported dead',
        async () => (await api()).kernel(nb)?.state === 'dead',
        10_000,
      );
      const [again] = await runCells(editor, [2]);
      assert(
        again!.success && outputText(nb.cellAt(2)).includes('alive again'),
        `no new kernel: ${JSON.stringify(again)} ${JSON.stringify((await api()).kernel(nb))} ${outputText(nb.cellAt(2))}`,
      );
    }, 120_000);

    test('regenerating the bindings can restart the running kernels on them', async () => {
      const editor = await scratchNotebook('const before = 1;', 'typeof before');
      const nb = editor.notebook;
      await runCells(editor, [0]);
      const result = await vscode.commands.executeCommand<{ ok: boolean }>('rdkafka.regenerateBindings', {
        header: HEADER,
        restartKernels: true,
      });
      assert(result?.ok, `regeneration failed: ${JSON.stringify(result)}`);
      const [s] = await runCells(editor, [1]);
      assertEqual(s!.executionOrder, 1, 'execution order after the restart');
      assert(
        outputText(nb.cellAt(1)).includes('undefined'),
        `the kernel was not restarted: ${outputText(nb.cellAt(1))}`,
      );
    }, 120_000);
  });
}
