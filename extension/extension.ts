// Entry point: wires the pieces to VS Code and does nothing expensive (no kernel, no generator run) until a
// cell runs or a command asks for it.
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE, RdkafkaSerializer } from './notebook/serializer.ts';

export function activate(context: vscode.ExtensionContext) {
  context.subscriptions.push(
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new RdkafkaSerializer(), { transientOutputs: false }),
  );
  return {};
}

export function deactivate() {}
