import * as vscode from 'vscode';
import { readdirSync, statSync } from 'node:fs';
import { suite, test, skip, screenshot } from './harness.ts';
import { api, assert, outputText, runCells, selectKernel, workspaceDir } from './util.ts';

export function registerExamples(): void {
  suite('examples', () => {
    const notebooks = readdirSync(workspaceDir())
      .filter((f) => /^[^.].*\.rdkafka$/.test(f) && statSync(`${workspaceDir()}/${f}`).isFile())
      .sort();
    if (!notebooks.length) skip('every example notebook runs', 'examples/ has no .rdkafka notebooks yet');
    for (const name of notebooks) {
      test(`${name}: every cell runs without error`, async () => {
        const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(`${workspaceDir()}/${name}`));
        const editor = await vscode.window.showNotebookDocument(doc);
        await selectKernel(editor);
        const summaries = await runCells(editor, undefined, 240_000);
        const code = doc.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
        summaries.forEach((s, i) => assert(s.success, `cell ${code[i]!.index + 1} of ${name} failed:\n${outputText(code[i]!)}`));
        const orders = summaries.map((s) => s.executionOrder);
        assert(orders.every((o, i) => i === 0 || (o ?? 0) > (orders[i - 1] ?? 0)), `execution order not increasing: ${orders.join(',')}`);
        assert(summaries.every((s) => s.timing && s.timing.endTime >= s.timing.startTime), 'cells lack start/end times');
        assert(code.some((c) => c.outputs.length > 0), `${name} produced no output at all`);
        const k = (await api()).kernel(doc);
        assert(k?.version && /^\d+\.\d+\.\d+/.test(k.version), `kernel reports no librdkafka version: ${JSON.stringify(k)}`);
        const status = (await api()).statusBarText() ?? '';
        assert(status.includes(k.version), `status bar "${status}" does not show librdkafka ${k.version}`);
        if (name === notebooks[0]) await screenshot('notebook-after-run');
      }, 300_000);
    }
  });
}
