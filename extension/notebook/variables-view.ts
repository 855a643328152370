// The Variables view (a tree in the librdkafka panel): the globals the active notebook's cells defined, as
// the kernel lists them (kernel/variables.ts), refreshed when a cell finishes, while the view is visible.
import * as vscode from 'vscode';
import type { VariableInfo, VariablesRequest } from '../../protocol/index.ts';
import type { KernelManager, NotebookKernel } from '../kernels.ts';
import { askKernel } from '../kernel/tools-client.ts';
import { NOTEBOOK_TYPE } from './serializer.ts';

export const VARIABLES_VIEW = 'rdkafka.variables';

export class VariablesView implements vscode.TreeDataProvider<VariableInfo>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<VariableInfo>;
  private readonly subs: vscode.Disposable[] = [];
  /** What the last refresh found, for the tests. */
  last: VariableInfo[] = [];
  private lastState = new Map<NotebookKernel, string>();

  constructor(private readonly kernels: KernelManager) {
    this.view = vscode.window.createTreeView(VARIABLES_VIEW, {
      treeDataProvider: this,
      showCollapseAll: true,
    });
    this.subs.push(
      this.view,
      this.changed,
      this.view.onDidChangeVisibility((e) => e.visible && this.changed.fire()),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.changed.fire()),
      // A cell ended (busy → idle), the kernel restarted or died: what it holds changed.
      kernels.onDidChangeState((k) => {
        const was = this.lastState.get(k);
        this.lastState.set(k, k.state);
        if (k.state !== was && k.state !== 'busy' && k.notebook === this.notebook()) this.changed.fire();
      }),
    );
  }

  private notebook(): vscode.NotebookDocument | undefined {
    const nb = vscode.window.activeNotebookEditor?.notebook;
    return nb?.notebookType === NOTEBOOK_TYPE ? nb : undefined;
  }

  /** Shows the view (and so refreshes it). */
  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${VARIABLES_VIEW}.focus`);
  }

  getTreeItem(v: VariableInfo): vscode.TreeItem {
    const item = new vscode.TreeItem(
      v.name,
      v.children?.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.description = v.type ? `${v.type}  ${v.value}` : v.value;
    item.tooltip = new vscode.MarkdownString().appendCodeblock(`${v.name}: ${v.type}\n${v.value}`, 'text');
    return item;
  }

  async getChildren(v?: VariableInfo): Promise<VariableInfo[]> {
    if (v) return v.children ?? [];
    const nb = this.notebook();
    const kernel = nb && this.kernels.find(nb);
    if (!nb) return this.empty('Open a librdkafka notebook: its kernel’s variables show here.');
    if (!kernel?.client?.alive) return this.empty('The kernel is not running: run a cell to start it.');
    try {
      const r = await askKernel<VariablesRequest>(kernel.client, { type: 'variables' }, 3000);
      this.last = r.variables;
      this.view.message = r.variables.length ? undefined : 'No variables yet: the cells have declared none.';
      return r.variables;
    } catch (e) {
      return this.empty(`${(e as Error).message}; the view refreshes when the cell ends.`);
    }
  }

  private empty(message: string): VariableInfo[] {
    this.view.message = message;
    this.last = [];
    return [];
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
