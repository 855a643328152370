import * as vscode from 'vscode';
import { suite, test } from './harness.ts';
import { api, assert, openNotebook, scratchNotebook, selectKernel, sleep, waitFor } from './util.ts';

export function registerIntelliSense(): void {
  suite('IntelliSense in cells', () => {
    test('completions in a cell include rd_kafka_new, with its documentation on hover', async () => {
      const editor = await scratchNotebook('const rk = rd_kafka_n', 'rd_kafka_new');
      await selectKernel(editor);
      const doc = editor.notebook.cellAt(0).document;
      const pos = new vscode.Position(0, 'const rk = rd_kafka_n'.length);
      // A cold TS server with the ~600 KB .d.ts needs a few seconds.
      const item = await waitFor(
        'rd_kafka_new among the completions',
        async () => {
          const list = await vscode.commands.executeCommand<vscode.CompletionList>(
            'vscode.executeCompletionItemProvider',
            doc.uri,
            pos,
          );
          return list.items.find(
            (i) => (typeof i.label === 'string' ? i.label : i.label.label) === 'rd_kafka_new',
          );
        },
        90_000,
        1000,
      );
      assert(
        item.kind === vscode.CompletionItemKind.Function,
        `rd_kafka_new has kind ${item.kind}, not Function`,
      );
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        editor.notebook.cellAt(1).document.uri,
        new vscode.Position(0, 3),
      );
      const text = hovers
        .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
        .join('\n');
      assert(
        /rd_kafka_new\(/.test(text) && /rd_kafka_conf_t/.test(text),
        `hover does not show rd_kafka_new's signature: ${text}`,
      );
    }, 120_000);

    test('type errors against the C API show up as diagnostics of the cell', async () => {
      const editor = await scratchNotebook('const p: string = RD_KAFKA_PARTITION_UA;', 'const p = 1;');
      const a = await api();
      const cell = editor.notebook.cellAt(0).document;
      const diags = await waitFor(
        'TS2322 on the cell',
        async () => {
          const d = await a.cellDiagnostics(cell);
          return d.find((x) => x.code === 2322) ? d : undefined;
        },
        60_000,
        1000,
      );
      assert(diags.length >= 1, 'no diagnostics');
      await sleep(0);
      const published = vscode.languages.getDiagnostics(cell.uri);
      assert(
        published.some((d) => d.code === 2322),
        'the diagnostic is not published for the cell',
      );
      // Declaring again in another cell is fine for the kernel, so it is not reported.
      const other = await a.cellDiagnostics(editor.notebook.cellAt(1).document);
      assert(!other.some((d) => d.code === 2451), 'a re-declaration across cells was reported');
    }, 90_000);

    test('each notebook is its own scope: cells see their notebook, not the other open notebooks', async () => {
      const a = await api();
      await openNotebook('fixtures', 'scope-one.rdkafka');
      const two = await openNotebook('fixtures', 'scope-two.rdkafka');
      const cell = two.notebook.cellAt(1).document;
      // Settled: the notebook's own first cell is known (its name resolves).
      const diags = await waitFor(
        'diagnostics of the second notebook',
        async () => {
          const d = await a.cellDiagnostics(cell);
          return d.length && !d.some((x) => x.message.includes("'mine'")) ? d : undefined;
        },
        30_000,
        1000,
      ).catch(async (e: Error) => {
        throw new Error(
          `${e.message}: ${JSON.stringify((await a.cellDiagnostics(cell)).map((d) => d.message))}`,
        );
      });
      const texts = diags.map((d) => `TS${d.code} ${d.message}`);
      assert(
        texts.some((t) => t.startsWith('TS2304') && t.includes('onlyInNotebookOne')),
        `a name from another notebook is visible: ${JSON.stringify(texts)}`,
      );
      assert(
        !texts.some((t) => t.includes("'mine'")),
        `a name from the same notebook is not visible: ${JSON.stringify(texts)}`,
      );
      const list = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        cell.uri,
        new vscode.Position(0, 4),
      );
      const labels = list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
      assert(
        labels.includes('rd_kafka_new') && labels.includes('mine'),
        'completions lack the C API or the notebook own names',
      );
      assert(!labels.includes('onlyInNotebookOne'), 'completions offer a name from another notebook');
    }, 90_000);
  });
}
