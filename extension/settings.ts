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
