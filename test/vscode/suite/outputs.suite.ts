// What cells show, as VS Code renders it: display() of rows is an HTML table in the output webview without
// changing the presentation, values are indented text, a handle reads as C prints it, and execution numbers
// survive saving and reopening.
import * as vscode from 'vscode';
import { copyFileSync } from 'node:fs';
import { dom, screenshot, suite, test } from './harness.ts';
import {
  assert,
  assertEqual,
  closeAllEditors,
  outputText,
  readText,
  runCells,
  scratchNotebook,
  selectKernel,
  waitFor,
  workspaceDir,
  wsUri,
} from './util.ts';

export function registerOutputs(): void {
  suite('outputs', () => {
    test('quickstart: the per-partition table renders as an HTML table in the output by default', async () => {
      await closeAllEditors();
      const doc = await vscode.workspace.openNotebookDocument(
        vscode.Uri.file(`${workspaceDir()}/quickstart.rdkafka`),
      );
      const editor = await vscode.window.showNotebookDocument(doc);
      await selectKernel(editor);
      const summaries = await runCells(editor, undefined, 240_000);
      assert(
        summaries.every((s) => s.success),
        'quickstart failed',
      );
      const cell = doc
        .getCells()
        .find((c) => c.outputs.some((o) => o.items.some((i) => i.mime === 'text/html')));
      assert(cell, 'no cell of quickstart displayed a table');
      const table = cell.outputs.find((o) => o.items.some((i) => i.mime === 'text/html'))!;
      assertEqual(
        table.items.map((i) => i.mime),
        ['text/html', 'text/plain'],
        'MIME types of the table output (no application/json, which VS Code would show instead)',
      );
      editor.revealRange(
        new vscode.NotebookRange(cell.index, cell.index + 1),
        vscode.NotebookEditorRevealType.InCenter,
      );
      await vscode.commands.executeCommand('workbench.action.closePanel');
      await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
      const rendered = await waitFor(
        'the table in the output webview',
        async () => (await dom('table.rdkafka-table'))?.flatMap((f) => f.elements)[0],
        30_000,
        500,
      );
      assert(
        /<th>partition<\/th><th>messages<\/th>/.test(rendered.html),
        `table head: ${rendered.html.slice(0, 300)}`,
      );
      const rows = rendered.html.match(/<tr>/g)?.length ?? 0;
      assert(rows >= 2, `table rows: ${rows}`);
      await screenshot('quickstart-table');
    }, 300_000);

    test('a value is indented text and a handle reads as C prints it, never as a decimal BigInt', async () => {
      const editor = await scratchNotebook(
        [
          'const e = errbuf();',
          'const rk = rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), e, e.length);',
          "({ rk, topic: 'orders', partitions: [0, 1, 2, 3], config: { acks: 'all', linger: 5 } })",
        ].join('\n'),
      );
      const [s] = await runCells(editor);
      const cell = editor.notebook.cellAt(0);
      assert(s!.success, `cell failed: ${outputText(cell)}`);
      const result = cell.outputs.find(
        (o) => (o.metadata as { rdkafkaKind?: string })?.rdkafkaKind === 'result',
      );
      assert(result, `no value shown: ${outputText(cell)}`);
      assertEqual(
        result.items.map((i) => i.mime),
        ['text/plain'],
        'MIME types of a value',
      );
      const text = new TextDecoder().decode(result.items[0]!.data);
      assert(
        /^\{\n {2}rk: rd_kafka_t \* 0x[0-9a-f]+ \(rdkafka#producer-\d+\),\n/.test(text),
        `value: ${text}`,
      );
      assert(!/\d{6,}n/.test(text), `a pointer printed as a decimal BigInt: ${text}`);
    }, 120_000);

    test('execution numbers are saved with the notebook and shown again when it is reopened', async () => {
      await closeAllEditors();
      const file = 'fixtures/execution-count.rdkafka';
      const doc = await vscode.workspace.openNotebookDocument(wsUri(file));
      const editor = await vscode.window.showNotebookDocument(doc);
      await selectKernel(editor);
      const orders = (await runCells(editor)).map((s) => s.executionOrder);
      assert(await doc.save(), 'save failed');
      const saved = JSON.parse(readText(wsUri(file))) as { cells: { executionCount?: number }[] };
      assertEqual(
        saved.cells.map((c) => c.executionCount ?? null),
        [orders[0], null, orders[1]],
        'executionCount in the file',
      );
      // Opened afresh from disk (a copy: the saved document itself may stay loaded after its editor closes).
      copyFileSync(wsUri(file).fsPath, wsUri('fixtures/execution-count-reopened.rdkafka').fsPath);
      const again = await vscode.workspace.openNotebookDocument(
        wsUri('fixtures/execution-count-reopened.rdkafka'),
      );
      assertEqual(
        again.getCells().map((c) => c.executionSummary?.executionOrder ?? null),
        [orders[0], null, orders[1]],
        'execution numbers after reopening',
      );
    }, 120_000);
  });
}
