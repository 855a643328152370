// The extension's settings (package.json `contributes.configuration`) for one resource.
import * as vscode from 'vscode';
import type { BootstrapSource } from './kernel/clusters.ts';

export interface Settings {
  headerPath: string;
  libraryPath: string;
  compiler: string;
  bootstrapServers: string;
}

export function settings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('rdkafka', scope);
  return {
    headerPath: c.get<string>('headerPath', '').trim(),
    libraryPath: c.get<string>('libraryPath', '').trim(),
    compiler: c.get<string>('compiler', 'cc').trim() || 'cc',
    bootstrapServers: c.get<string>('bootstrapServers', 'mock').trim() || 'mock',
  };
}

/**
 * The cluster a notebook's kernel talks to: `rdkafka.bootstrapServers` when the user set it, else the
 * notebook's own `bootstrap` metadata (as the CLI reads it), else the embedded mock cluster.
 */
export function bootstrapFor(scope: vscode.Uri, notebookMetadata: Record<string, unknown>): string {
  return bootstrapChoice(scope, notebookMetadata).bootstrap;
}

/** bootstrapFor, and where the address came from (only the user's own settings need no approval). */
export function bootstrapChoice(
  scope: vscode.Uri,
  notebookMetadata: Record<string, unknown>,
): { bootstrap: string; source: BootstrapSource } {
  const i = vscode.workspace.getConfiguration('rdkafka', scope).inspect<string>('bootstrapServers');
  const set = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
  if (set(i?.workspaceFolderValue))
    return { bootstrap: i.workspaceFolderValue.trim(), source: 'workspace settings' };
  if (set(i?.workspaceValue)) return { bootstrap: i.workspaceValue.trim(), source: 'workspace settings' };
  if (set(i?.globalValue)) return { bootstrap: i.globalValue.trim(), source: 'user settings' };
  const meta = notebookMetadata.bootstrap;
  return set(meta)
    ? { bootstrap: meta.trim(), source: 'notebook metadata' }
    : { bootstrap: 'mock', source: 'default' };
}
