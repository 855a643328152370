// Helpers the suites share: the extension, the workspace, notebooks, waiting.
import * as vscode from 'vscode';
import type { PanelStats } from '../../../extension/panel/host.ts';
import { readFileSync } from 'node:fs';

export const EXTENSION_ID = 'rdkafka-workbench.rdkafka-workbench';

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suites need a workspace folder');
  return folder.uri.fsPath;
}

export function wsUri(...parts: string[]): vscode.Uri {
  return vscode.Uri.joinPath(vscode.Uri.file(workspaceDir()), ...parts);
}

export async function openNotebook(...parts: string[]): Promise<vscode.NotebookEditor> {
  const doc = await vscode.workspace.openNotebookDocument(wsUri(...parts));
  return vscode.window.showNotebookDocument(doc);
}

export function readText(uri: vscode.Uri): string {
  return readFileSync(uri.fsPath, 'utf8');
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value; throws with `what` after `ms`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  ms = 30_000,
  every = 100,
): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until)
      throw new Error(
        `timed out after ${ms / 1000} s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
      );
    await sleep(every);
  }
}

export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(message);
}

export function assertEqual<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

export const NOTEBOOK_TYPE = 'rdkafka-notebook';

/** The extension's API (what activate() returns). */
export interface WorkbenchApi {
  bindings: { dir(): string; exists(): boolean };
  kernel(
    nb: vscode.NotebookDocument,
  ):
    | { state: string; version?: string; executionOrder: number; lastExit?: string; events: number }
    | undefined;
  panelStats(nb: vscode.NotebookDocument): PanelStats | undefined;
  statusBarText(): string | undefined;
  events(nb: vscode.NotebookDocument): Array<{ type: string; handle: string | null; cell: number | null }>;
  sourcePanelStats(key: string):
    | {
        delivered: number;
        byType: Record<string, number>;
        resets: number;
        librdkafka?: string | null;
        statsDocs?: string | null;
      }
    | undefined;
  cellDiagnostics(doc: vscode.TextDocument): Promise<vscode.Diagnostic[]>;
  intelliSenseState(): { ok: boolean; reason?: string; detail?: string };
  /** What the Variables view showed last. */
  variables(): unknown[];
  /** The stored credentials of the cluster `bootstrap` names, secrets redacted ({} when none). */
  shownClusterConfig(bootstrap: string): Promise<Record<string, string>>;
  /** The cluster the user is being asked about (cluster-approval.ts), if any. */
  pendingClusterApproval(): string | undefined;
  /** The items of the last New Notebook from Scenario quick pick. */
  scenarioPicks(): { label: string; description: string; detail: string }[];
  kernelChoices(): { id: string; label: string; spec: string }[];
}

export async function api(): Promise<WorkbenchApi> {
  const ext = vscode.extensions.getExtension<WorkbenchApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} not found`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** An untitled rdkafka notebook with these code cells, shown, with our controller selected. */
export async function scratchNotebook(...cells: string[]): Promise<vscode.NotebookEditor> {
  const data = new vscode.NotebookData(
    cells.map((c) => new vscode.NotebookCellData(vscode.NotebookCellKind.Code, c, 'typescript')),
  );
  const doc = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
  const editor = await vscode.window.showNotebookDocument(doc);
  await selectKernel(editor);
  return editor;
}

export async function selectKernel(editor: vscode.NotebookEditor): Promise<void> {
  await vscode.window.showNotebookDocument(editor.notebook);
  await vscode.commands.executeCommand('notebook.selectKernel', {
    id: 'rdkafka-kernel',
    extension: EXTENSION_ID,
  });
}

/** Runs cells (all when none given) and waits until each has finished; returns their summaries. */
export async function runCells(
  editor: vscode.NotebookEditor,
  indexes?: number[],
  ms = 120_000,
): Promise<vscode.NotebookCellExecutionSummary[]> {
  const nb = editor.notebook;
  const cells = (indexes ?? nb.getCells().map((c) => c.index))
    .map((i) => nb.cellAt(i))
    .filter((c) => c.kind === vscode.NotebookCellKind.Code);
  const before = cells.map((c) => c.executionSummary?.timing?.endTime ?? 0);
  // Plain {start, end}: a NotebookRange does not survive the trip to the workbench as a command argument.
  const ranges = cells.map((c) => ({ start: c.index, end: c.index + 1 }));
  await vscode.commands.executeCommand('notebook.cell.execute', { ranges, document: nb.uri });
  // Done when every cell ended, or an earlier cell failed (the controller then skips the rest, as Jupyter does).
  const ended = (i: number) =>
    cells[i]!.executionSummary?.success !== undefined &&
    (cells[i]!.executionSummary!.timing?.endTime ?? 0) > before[i]!;
  await waitFor(
    'cells to finish',
    () =>
      cells.every(
        (_, i) =>
          ended(i) ||
          cells.slice(0, i).some((_, j) => ended(j) && cells[j]!.executionSummary!.success === false),
      ),
    ms,
  );
  return cells.map((c) => c.executionSummary!);
}

/** A cell's outputs as text: streams, plain text and errors (name: message). */
export function outputText(cell: vscode.NotebookCell): string {
  const dec = new TextDecoder();
  return cell.outputs
    .flatMap((o) =>
      o.items.map((i) => {
        if (i.mime === 'application/vnd.code.notebook.error') {
          const e = JSON.parse(dec.decode(i.data)) as { name: string; message: string };
          return `${e.name}: ${e.message}\n`;
        }
        return i.mime.startsWith('text/') ||
          i.mime.includes('stdout') ||
          i.mime.includes('stderr') ||
          i.mime.includes('json')
          ? dec.decode(i.data)
          : '';
      }),
    )
    .join('');
}

export const HEADER = '/usr/include/librdkafka/rdkafka.h';

/** Closes every editor, discarding unsaved scratch notebooks (no save prompt: nobody answers dialogs here). */
export async function closeAllEditors(): Promise<void> {
  for (let i = 0; i < 50 && vscode.window.tabGroups.all.some((g) => g.tabs.length); i++) {
    const group = vscode.window.tabGroups.all.find((g) => g.tabs.length)!;
    const tab = group.tabs[0]!;
    const input = tab.input as { uri?: vscode.Uri } | undefined;
    if (tab.isDirty && input?.uri) {
      // Unsaved changes (a run's outputs, scratch notebooks) are discarded, so the notebook really closes
      // (a dirty one stays open, with its kernel and its cells in the TypeScript project).
      await vscode.commands.executeCommand('vscode.open', input.uri, {
        viewColumn: group.viewColumn,
        preserveFocus: false,
      });
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      continue;
    }
    await vscode.window.tabGroups.close(tab);
  }
}
