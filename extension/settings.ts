// The extension's settings (package.json `contributes.configuration`) for one resource.
import * as vscode from 'vscode';

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
  const i = vscode.workspace.getConfiguration('rdkafka', scope).inspect<string>('bootstrapServers');
  const explicit = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
  if (typeof explicit === 'string' && explicit.trim()) return explicit.trim();
  const meta = notebookMetadata.bootstrap;
  return typeof meta === 'string' && meta.trim() ? meta.trim() : 'mock';
}
