import * as vscode from 'vscode';
import { readdirSync, statSync } from 'node:fs';
import { suite, test, skip, screenshot, log } from './harness.ts';
import {
  api,
  assert,
  closeAllEditors,
  outputText,
  runCells,
  selectKernel,
  waitFor,
  workspaceDir,
} from './util.ts';

export function registerExamples(): void {
  suite('examples', () => {
    const notebooks = readdirSync(workspaceDir())
      .filter((f) => /^[^.].*\.rdkafka$/.test(f) && statSync(`${workspaceDir()}/${f}`).isFile())
      .sort();
    if (!notebooks.length) skip('every example notebook runs', 'examples/ has no .rdkafka notebooks yet');
    // Red squiggles in a shipped example are what a user sees first: none should be there. (Each notebook is
    // its own TypeScript scope, as its kernel is, so the other open notebooks do not matter.)
    for (const name of notebooks)
      test(`${name}: its cells show no type errors`, async () => {
        const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(`${workspaceDir()}/${name}`));
        await vscode.window.showNotebookDocument(doc);
        const a = await api();
        await waitFor('the bindings', () => a.bindings.exists(), 60_000);
        const code = doc.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
        const errors: string[] = [];
        for (const c of code) {
          const diags = await a.cellDiagnostics(c.document);
          for (const d of diags.filter((x) => x.severity === vscode.DiagnosticSeverity.Error))
            errors.push(
              `cell ${c.index + 1}, line ${d.range.start.line + 1}: TS${d.code} ${d.message.split('\n')[0]}`,
            );
        }
        if (errors.length)
          await log(
            `    ${name}: ${errors.length} type errors in cells:\n      ${errors.slice(0, 10).join('\n      ')}`,
          );
        assert(
          errors.length === 0,
          `${name} shows ${errors.length} type errors in its cells (first: ${errors[0]})`,
        );
      }, 120_000);

    for (const name of notebooks) {
      test(`${name}: every cell runs without error`, async () => {
        await closeAllEditors();
        const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(`${workspaceDir()}/${name}`));
        const editor = await vscode.window.showNotebookDocument(doc);
        await selectKernel(editor);
        const summaries = await runCells(editor, undefined, 240_000);
        const code = doc.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
        summaries.forEach((s, i) =>
          assert(s.success, `cell ${code[i]!.index + 1} of ${name} failed:\n${outputText(code[i]!)}`),
        );
        const orders = summaries.map((s) => s.executionOrder);
        assert(
          orders.every((o, i) => i === 0 || (o ?? 0) > (orders[i - 1] ?? 0)),
          `execution order not increasing: ${orders.join(',')}`,
        );
        assert(
          summaries.every((s) => s.timing && s.timing.endTime >= s.timing.startTime),
          'cells lack start/end times',
        );
        assert(
          code.some((c) => c.outputs.length > 0),
          `${name} produced no output at all`,
        );
        const k = (await api()).kernel(doc);
        assert(
          k?.version && /^\d+\.\d+\.\d+/.test(k.version),
          `kernel reports no librdkafka version: ${JSON.stringify(k)}`,
        );
        const status = (await api()).statusBarText() ?? '';
        assert(status.includes(k.version), `status bar "${status}" does not show librdkafka ${k.version}`);
        if (name === (notebooks.includes('quickstart.rdkafka') ? 'quickstart.rdkafka' : notebooks[0])) {
          // A tidy window: the notebook alone, scrolled to its last outputs.
          await vscode.commands.executeCommand('workbench.action.closePanel');
          await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
          const last = code[code.length - 1]!;
          editor.revealRange(
            new vscode.NotebookRange(Math.max(0, last.index - 1), last.index + 1),
            vscode.NotebookEditorRevealType.AtTop,
          );
          await new Promise((r) => setTimeout(r, 1000));
          await screenshot('notebook-after-run');
        }
      }, 300_000);
    }
  });
}
