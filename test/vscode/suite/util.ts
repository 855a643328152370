// Helpers the suites share: the extension, the workspace, notebooks, waiting.
import * as vscode from 'vscode';
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
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, ms = 30_000, every = 100): Promise<NonNullable<T>> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
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
