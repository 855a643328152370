// Restarting a notebook's kernel the way a Jupyter user expects: with progress, a word when it is done,
// optionally running the cells again (all, or up to the chosen one), and a notification offering the
// restart when the kernel died under a cell.
import * as vscode from 'vscode';
import { basename } from 'node:path';
import type { KernelManager } from '../kernels.ts';
import { kernelDiedNotice, type KernelExit } from '../notebook/failures.ts';

const name = (nb: vscode.NotebookDocument) => basename(nb.uri.path);

/** Restarts with a progress notification, then says so; false (after saying why) when it failed. */
export async function restartKernel(kernels: KernelManager, nb: vscode.NotebookDocument): Promise<boolean> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('No kernel runs in an untrusted workspace.');
    return false;
  }
  const kernel = kernels.get(nb);
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Restarting the kernel of ${name(nb)}` },
      () => kernel.restart(),
    );
  } catch (e) {
    void vscode.window.showErrorMessage(`The kernel could not restart: ${(e as Error).message}`);
    return false;
  }
  const version = kernel.info ? `librdkafka ${kernel.info.librdkafka.version}, ` : '';
  void vscode.window.showInformationMessage(
    `Kernel of ${name(nb)} restarted (${version}bootstrap ${kernel.info?.bootstrap ?? 'unknown'}): variables and handles start empty.`,
  );
  return true;
}

/**
 * Restarts, then runs the code cells from the first up to `last` (a cell index; all when undefined)
 * through VS Code's own execution, as Run All does. Resolves once they are queued.
 */
export async function restartAndRun(
  kernels: KernelManager,
  nb: vscode.NotebookDocument,
  last?: number,
): Promise<boolean> {
  if (!(await restartKernel(kernels, nb))) return false;
  const end = last === undefined ? nb.cellCount : Math.min(last + 1, nb.cellCount);
  // Plain {start, end}: what the command's argument converter expects from an extension.
  await vscode.commands.executeCommand('notebook.cell.execute', {
    ranges: [{ start: 0, end }],
    document: nb.uri,
  });
  return true;
}

/** The cell a "Run Up to Here" is about: the command's argument (a cell), else the selected cell. */
export function targetCell(arg: unknown, nb: vscode.NotebookDocument): number | undefined {
  const cell = arg as { index?: unknown; notebook?: vscode.NotebookDocument } | undefined;
  if (cell && typeof cell.index === 'number' && cell.notebook?.uri.toString() === nb.uri.toString())
    return cell.index;
  const editor = vscode.window.activeNotebookEditor;
  return editor?.notebook === nb ? editor.selection.start : undefined;
}

/** After a crash under a cell: what happened, and the way on (Restart Kernel) one click away. */
export function offerRestart(
  nb: vscode.NotebookDocument,
  cell: number,
  exit: KernelExit,
  log: vscode.OutputChannel,
): void {
  const restart = 'Restart Kernel';
  const showLog = 'Show Log';
  void vscode.window
    .showErrorMessage(kernelDiedNotice(name(nb), cell, exit), restart, showLog)
    .then((pick) => {
      if (pick === restart) void vscode.commands.executeCommand('rdkafka.restartKernel', nb.uri);
      else if (pick === showLog) log.show();
    });
}
