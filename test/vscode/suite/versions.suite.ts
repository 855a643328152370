// The "versions" session: the extension's cache is a temporary one holding librdkafka 2.15.1 (copied from
// the shared cache by run.main.ts), so that adding a version here changes nothing shared.
import * as vscode from 'vscode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frames, suite, test } from './harness.ts';
import {
  EXTENSION_ID,
  api,
  assert,
  assertEqual,
  openNotebook,
  outputText,
  runCells,
  scratchNotebook,
  waitFor,
} from './util.ts';

const V = '2.15.1';
const id = (version: string) => `rdkafka-kernel-${version}`;

async function pick(editor: vscode.NotebookEditor, controllerId: string): Promise<void> {
  await vscode.window.showNotebookDocument(editor.notebook);
  await vscode.commands.executeCommand('notebook.selectKernel', {
    id: controllerId,
    extension: EXTENSION_ID,
  });
}

/** The semantic errors of a cell once the TS server has settled on the notebook (its second cell's TS2322 is there). */
async function settledDiagnostics(nb: vscode.NotebookDocument): Promise<vscode.Diagnostic[]> {
  const a = await api();
  await waitFor(
    `TS2322 in the second cell of ${nb.uri.path}`,
    async () => (await a.cellDiagnostics(nb.cellAt(1).document)).some((d) => d.code === 2322),
    90_000,
    1000,
  );
  return a.cellDiagnostics(nb.cellAt(0).document);
}

export function registerVersions(): void {
  suite('librdkafka versions', () => {
    test('the kernel picker offers every installed librdkafka: "librdkafka 2.15.1" and the system one', async () => {
      const a = await api();
      const labels = a.kernelChoices().map((c) => c.label);
      assert(labels.includes(`librdkafka ${V}`), `kernels: ${JSON.stringify(labels)}`);
      const system = labels.find((l) => /^librdkafka \d+\.\d+\.\d+ \(system\)$/.test(l));
      assert(system, `no system kernel among ${JSON.stringify(labels)}`);
      // And in VS Code's own picker.
      const editor = await openNotebook('fixtures', 'versions', 'which.rdkafka');
      void vscode.commands.executeCommand('notebook.selectKernel', { notebookEditor: editor });
      const shown = async () => (await frames())?.map((f) => f.text).join('\n');
      const results = (text: string) => text.slice(text.search(/\d+ Results?\n/));
      try {
        // VS Code's picker lists the selected kernel and "Select Another Kernel...", then the kernel sources
        // (this extension), then that source's kernels: walk down until both are listed.
        await waitFor(
          'both kernels in the kernel picker',
          async () => {
            const text = await shown();
            if (text === undefined) return true; // no shim (desktop VS Code): the API check above stands
            const list = /\d+ Results?\n/.test(text) ? results(text) : '';
            if (list.includes(`librdkafka ${V}`) && list.includes(system)) return true;
            if (list.includes('Select Another Kernel')) {
              await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
              await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
            } else if (/rdkafka workbench/.test(list))
              await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
            return false;
          },
          30_000,
          500,
        );
      } catch (e) {
        const text = (await frames())?.map((f) => f.text).join('\n---\n');
        throw new Error(`${(e as Error).message}: the window shows ${text?.slice(0, 3000)}`, { cause: e });
      } finally {
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      }
    });

    test('selecting librdkafka 2.15.1 records it in the notebook metadata, starts it, and a cell prints 2.15.1', async () => {
      const a = await api();
      const editor = await openNotebook('fixtures', 'versions', 'which.rdkafka');
      const nb = editor.notebook;
      await pick(editor, id(V));
      await waitFor('"librdkafka": "2.15.1" in the metadata', () => nb.metadata.librdkafka === V, 10_000);
      await waitFor('the 2.15.1 kernel to start', () => a.kernel(nb)?.version === V, 60_000);
      await waitFor(
        'the status bar to show 2.15.1',
        () => a.statusBarText()?.includes(`librdkafka ${V}`),
        10_000,
      );
      const [s] = await runCells(editor);
      assert(s!.success, outputText(nb.cellAt(0)));
      assert(outputText(nb.cellAt(0)).includes(V), `the cell shows ${outputText(nb.cellAt(0))}`);
      await vscode.commands.executeCommand('workbench.action.files.save');
      const saved = JSON.parse(readFileSync(nb.uri.fsPath, 'utf8')) as { metadata: { librdkafka?: string } };
      assertEqual(saved.metadata.librdkafka, V, 'the saved notebook records the version');

      // Back to the system library: the key goes, the kernel is the system's.
      const system = a.kernelChoices().find((c) => c.spec === 'system')!;
      await pick(editor, system.id);
      await waitFor(
        '"librdkafka": "system" in the metadata',
        () => nb.metadata.librdkafka === 'system',
        10_000,
      );
      const [again] = await runCells(editor);
      assert(again!.success, outputText(nb.cellAt(0)));
      const version = system.label.replace(/^librdkafka | \(system\)$/g, '');
      assert(outputText(nb.cellAt(0)).includes(version), `the cell shows ${outputText(nb.cellAt(0))}`);
    }, 150_000);

    test('a notebook whose metadata names 2.15.1 opens on that kernel and runs on it', async () => {
      const editor = await openNotebook('fixtures', 'versions', 'pinned.rdkafka');
      const [s] = await runCells(editor);
      assert(s!.success, outputText(editor.notebook.cellAt(0)));
      assert(outputText(editor.notebook.cellAt(0)).includes(V), outputText(editor.notebook.cellAt(0)));
    }, 90_000);

    test('a notebook asking for a version that is not installed says how to add it', async () => {
      const data = new vscode.NotebookData([
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'rd_kafka_version_str()', 'typescript'),
      ]);
      data.metadata = { librdkafka: '9.9.9' };
      const doc = await vscode.workspace.openNotebookDocument('rdkafka-notebook', data);
      const editor = await vscode.window.showNotebookDocument(doc);
      await pick(editor, 'rdkafka-kernel');
      const [s] = await runCells(editor);
      assert(s!.success === false, 'the cell ran although its librdkafka is missing');
      const text = outputText(doc.cellAt(0));
      assert(
        /librdkafka 9\.9\.9, which is not installed: add it with "librdkafka: Add librdkafka Version…" \(or `rdkafka-workbench lib add 9\.9\.9`\)/.test(
          text,
        ),
        text,
      );
      assertEqual(doc.metadata.librdkafka, '9.9.9', 'the metadata is left as it was');
    }, 60_000);

    test('Add librdkafka Version… adds a version and its kernel appears without a reload', async () => {
      const a = await api();
      const shared = process.env.RDKAFKA_TEST_SHARED_CACHE!;
      assert(!a.kernelChoices().some((c) => c.spec === '2.12.0'), '2.12.0 is there before it was added');
      // An installed librdkafka (the shared cache's 2.12.0) is the quick source: copied, not built.
      const r = await vscode.commands.executeCommand<{ ok: boolean; version?: string; error?: string }>(
        'rdkafka.addLibrdkafkaVersion',
        join(shared, 'librdkafka', '2.12.0'),
      );
      assert(r?.ok, `the command failed: ${r?.error}`);
      assertEqual(r.version, '2.12.0', 'added version');
      await waitFor(
        'a librdkafka 2.12.0 kernel',
        () => a.kernelChoices().some((c) => c.label === 'librdkafka 2.12.0'),
        10_000,
      );
      const editor = await scratchNotebook('rd_kafka_version_str()');
      await pick(editor, id('2.12.0'));
      const [s] = await runCells(editor);
      assert(s!.success, outputText(editor.notebook.cellAt(0)));
      assert(outputText(editor.notebook.cellAt(0)).includes('2.12.0'), outputText(editor.notebook.cellAt(0)));
    }, 120_000);

    test('IntelliSense follows the version: a 2.15.1-only call type-checks on 2.15.1 and is an error on the system one', async () => {
      const name = 'rd_kafka_mock_start_request_tracking';
      const newer = await openNotebook('fixtures', 'versions', 'tracking-2.15.1.rdkafka');
      const older = await openNotebook('fixtures', 'versions', 'tracking-system.rdkafka');
      const onSystem = await settledDiagnostics(older.notebook);
      assert(
        onSystem.some((d) => (d.code === 2304 || d.code === 2552) && d.message.includes(name)),
        `no "Cannot find name" for ${name} on the system library: ${JSON.stringify(onSystem.map((d) => d.message))}`,
      );
      const on2151 = await settledDiagnostics(newer.notebook);
      assert(
        !on2151.some((d) => d.message.includes(name)),
        `${name} is an error on 2.15.1: ${JSON.stringify(on2151.map((d) => d.message))}`,
      );
      // Hover docs come from that version's header.
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        newer.notebook.cellAt(0).document.uri,
        new vscode.Position(0, 5),
      );
      const text = hovers
        .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)))
        .join('\n');
      assert(/Start tracking RPC requests/.test(text), `hover: ${text}`);
    }, 200_000);
  });
}
