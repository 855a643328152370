// When IntelliSense in cells cannot run (the TypeScript extension disabled or failing), say so where the
// user looks: a status bar item beside the kernel's while an rdkafka notebook is active, and one notice per
// window with the way to fix it. A restricted window is already explained by the kernel's status item.
import * as vscode from 'vscode';
import type { IntelliSense, IntelliSenseState } from './intellisense.ts';
import { TS_EXTENSION } from './intellisense.ts';
import { NOTEBOOK_TYPE } from './notebook/serializer.ts';

export class IntelliSenseStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'rdkafka.intellisense',
    vscode.StatusBarAlignment.Left,
    99,
  );
  private readonly subs: vscode.Disposable[] = [];
  private noticeShown = false;

  constructor(private readonly intellisense: IntelliSense) {
    this.item.name = 'librdkafka IntelliSense';
    this.subs.push(
      intellisense.onDidChangeState((s) => {
        this.update();
        this.notice(s);
      }),
      vscode.window.onDidChangeActiveNotebookEditor(() => this.update()),
    );
    this.update();
  }

  /** The item's text while shown (for the tests), else undefined. */
  current(): string | undefined {
    return this.shown ? this.item.text : undefined;
  }

  private shown = false;

  private update(): void {
    const s = this.intellisense.state;
    const active = vscode.window.activeNotebookEditor?.notebook.notebookType === NOTEBOOK_TYPE;
    this.shown = active && !s.ok && s.reason !== 'restricted';
    if (!this.shown || s.ok) return this.item.hide();
    this.item.text = '$(warning) IntelliSense off';
    this.item.tooltip = `No completions in librdkafka cells: ${s.detail}.`;
    this.item.command =
      s.reason === 'needs-reload'
        ? { title: 'Reload Window', command: 'workbench.action.reloadWindow' }
        : {
            title: 'Show the TypeScript extension',
            command: 'workbench.extensions.search',
            arguments: [`@builtin ${TS_EXTENSION}`],
          };
    this.item.show();
  }

  private notice(s: IntelliSenseState): void {
    if (s.ok || s.reason === 'restricted' || this.noticeShown) return;
    this.noticeShown = true;
    // The way on, one click away: a reload when that is the fix, else the TypeScript extension's page.
    const reload = s.reason === 'needs-reload';
    const action = reload ? 'Reload Window' : 'Show Extension';
    void vscode.window
      .showWarningMessage(`IntelliSense in librdkafka cells is off: ${s.detail}.`, action)
      .then((pick) => {
        if (!pick) return;
        if (reload) void vscode.commands.executeCommand('workbench.action.reloadWindow');
        else void vscode.commands.executeCommand('workbench.extensions.search', `@builtin ${TS_EXTENSION}`);
      });
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
