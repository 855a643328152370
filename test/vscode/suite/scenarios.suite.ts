// "librdkafka: New Notebook from Scenario…" in the real VS Code host: the quick pick lists every scenario the
// extension ships with what it shows and the librdkafka it needs; picking one copies it into the workspace
// (never over an existing file), records the newest installed librdkafka that satisfies it, opens it, and its
// cells run in the kernel.
import * as vscode from 'vscode';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, test } from './harness.ts';
import {
  api,
  assert,
  assertEqual,
  NOTEBOOK_TYPE,
  outputText,
  runCells,
  selectKernel,
  waitFor,
  workspaceDir,
} from './util.ts';
import { listInstalled, systemLibrary } from '../../../versions/list.ts';
import { compareVersions } from '../../../versions/version.ts';
import { satisfies } from '../../../extension/notebook/requires.ts';

interface Result {
  uri: vscode.Uri;
  scenario: string;
  librdkafka: string | null;
}

const repo = () => process.env.RDKAFKA_TEST_REPO ?? '';
const shipped = () =>
  readdirSync(join(repo(), 'examples', 'scenarios'))
    .filter((f) => f.endsWith('.rdkafka'))
    .map((f) => f.slice(0, -'.rdkafka'.length))
    .sort();

/** What a scenario needing `range` should record: the newest installed version that satisfies it. */
function expectedVersion(range: string | undefined): string | null {
  const sys = systemLibrary();
  const all = [
    ...(sys?.library ? [{ v: sys.version, tag: 'system' }] : []),
    ...listInstalled().versions.map((x) => ({ v: x.version, tag: x.version })),
  ].filter((x) => !range || satisfies(x.v, range));
  return all.sort((a, b) => compareVersions(b.v, a.v))[0]?.tag ?? null;
}

function metadataOf(uri: vscode.Uri): Record<string, unknown> {
  return (JSON.parse(readFileSync(uri.fsPath, 'utf8')) as { metadata: Record<string, unknown> }).metadata;
}

export function registerScenarios(): void {
  suite('scenarios', () => {
    test('New Notebook from Scenario… lists every scenario with what it shows and what it needs; picking one copies and opens it', async () => {
      const pending = vscode.commands.executeCommand<Result | undefined>('rdkafka.newNotebookFromScenario');
      // The quick pick opens asynchronously: accept its first item once it is there.
      const picks = await waitFor('the scenario quick pick', async () => {
        const shown = (await api()).scenarioPicks();
        return shown.length ? shown : undefined;
      });
      assertEqual(
        picks.map((p) => p.label),
        shipped(),
        'the quick pick items (every scenario of examples/scenarios, by name)',
      );
      for (const p of picks) {
        assert(p.detail.length > 20, `${p.label}: no one-line description (${p.detail})`);
        assert(
          /^needs (any librdkafka|librdkafka [<>=]+ ?\d)/.test(p.description),
          `${p.label}: description "${p.description}" does not say what it needs`,
        );
      }
      const kip848 = picks.find((p) => p.label === 'kip848-consumer-group');
      assert(
        kip848?.description.startsWith('needs librdkafka >= 2.8.0'),
        `kip848-consumer-group: ${kip848?.description}`,
      );
      await waitFor(
        'the quick pick to accept',
        async () => {
          await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
          return (
            vscode.window.activeNotebookEditor?.notebook.uri.fsPath.startsWith(workspaceDir()) &&
            vscode.window.activeNotebookEditor.notebook.uri.fsPath.endsWith(`${picks[0]!.label}.rdkafka`)
          );
        },
        20_000,
        300,
      );
      await pending;
      const uri = vscode.window.activeNotebookEditor!.notebook.uri;
      assert(existsSync(uri.fsPath), `the copy was not written to ${uri.fsPath}`);
      const meta = metadataOf(uri);
      const range = (meta.requires as { librdkafka?: string } | undefined)?.librdkafka;
      assertEqual(
        meta.librdkafka ?? null,
        expectedVersion(range),
        `the librdkafka recorded in ${picks[0]!.label}'s copy`,
      );
    });

    test('a scenario needing librdkafka 2.8 records the newest installed version that satisfies it, and a second copy does not overwrite the first', async () => {
      const first = await vscode.commands.executeCommand<Result>('rdkafka.newNotebookFromScenario', {
        scenario: 'kip848-consumer-group',
      });
      const second = await vscode.commands.executeCommand<Result>('rdkafka.newNotebookFromScenario', {
        scenario: 'kip848-consumer-group',
      });
      const a = vscode.Uri.file(join(workspaceDir(), 'kip848-consumer-group.rdkafka'));
      const b = vscode.Uri.file(join(workspaceDir(), 'kip848-consumer-group-2.rdkafka'));
      assert(
        existsSync(a.fsPath) && existsSync(b.fsPath),
        `expected two copies, found ${readdirSync(workspaceDir())
          .filter((f) => f.startsWith('kip848'))
          .join(', ')}`,
      );
      const want = expectedVersion('>=2.8.0');
      assertEqual(metadataOf(a).librdkafka ?? null, want, 'the version recorded in the first copy');
      assertEqual(metadataOf(b).librdkafka ?? null, want, 'the version recorded in the second copy');
      assert(first?.uri && second?.uri, 'the command returns what it created');
    });

    test('a notebook whose requires the kernel does not satisfy says why in the cell and runs nothing', async () => {
      const data = new vscode.NotebookData([
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'console.log("ran")', 'typescript'),
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'console.log("ran too")', 'typescript'),
      ]);
      data.metadata = { requires: { librdkafka: '>=99.0.0' } };
      const editor = await vscode.window.showNotebookDocument(
        await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data),
      );
      await selectKernel(editor);
      const [first] = await runCells(editor);
      const text = outputText(editor.notebook.cellAt(0));
      assert(first && first.success === false, 'the cell was reported as run successfully');
      assert(
        /skipped: this notebook needs librdkafka >= 99\.0\.0, this is \d+\.\d+\.\d+\. Pick a kernel/.test(
          text,
        ),
        `the cell does not say why: ${text}`,
      );
      assert(!text.includes('ran'), 'the cell ran anyway');
      assertEqual(outputText(editor.notebook.cellAt(1)), '', 'the next cell ran after the skip');
    });

    test('a scenario copied by name opens on the kernel of the version it recorded, and every cell runs there', async () => {
      await vscode.commands.executeCommand('rdkafka.newNotebookFromScenario', {
        scenario: 'kip848-consumer-group',
      });
      const editor = await waitFor('the copied notebook', () =>
        vscode.window.activeNotebookEditor?.notebook.uri.fsPath.endsWith('kip848-consumer-group-3.rdkafka')
          ? vscode.window.activeNotebookEditor
          : undefined,
      );
      const want = expectedVersion('>=2.8.0');
      assert(
        want && want !== 'system',
        `this host has no librdkafka >= 2.8.0 installed (${want}): the test setup builds 2.15.1`,
      );
      // No kernel is selected by the test: the one the notebook's metadata names must be preselected.
      const summaries = await runCells(editor, undefined, 120_000);
      const code = editor.notebook.getCells().filter((c) => c.kind === vscode.NotebookCellKind.Code);
      const failed = code.filter((_, i) => !summaries[i]?.success);
      assert(
        !failed.length,
        `cells failed: ${failed.map((c) => `cell ${c.index + 1}: ${outputText(c).slice(0, 400)}`).join('\n')}`,
      );
      assertEqual(
        (await api()).kernel(editor.notebook)?.version,
        want,
        'the librdkafka of the kernel that ran it',
      );
      assert(
        code.some((c) => outputText(c).includes('all expectations hold')),
        'the assertion cell did not report success',
      );
    }, 180_000);
  });
}
