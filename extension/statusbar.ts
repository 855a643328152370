// Status bar item for the active rdkafka notebook: the kernel's state and the loaded librdkafka version.
import * as vscode from 'vscode';
import type { KernelManager, NotebookKernel } from './kernels.ts';
import { NOTEBOOK_TYPE } from './notebook/serializer.ts';

const ICONS: Record<NotebookKernel['state'], string> = {
  'not started': '$(circle-outline)',
  starting: '$(loading~spin)',
  idle: '$(circle-filled)',
  busy: '$(loading~spin)',
  interrupting: '$(debug-pause)',
  restarting: '$(loading~spin)',
  dead: '$(error)',
};

/** The status bar text for a kernel (or a notebook without one yet), and its tooltip. */
export function statusText(
  kernel: NotebookKernel | undefined,
  trusted: boolean,
  /** The notebook's librdkafka before its kernel runs ("2.15.1", "2.0.2 (system)"). */
  wanted?: string,
): { text: string; tooltip: string } {
  if (!trusted)
    return {
      text: '$(shield) librdkafka: restricted',
      tooltip: 'This workspace is not trusted: notebooks render, but no cell runs.',
    };
  const state = kernel?.state ?? 'not started';
  const version =
    kernel?.info && kernel.state !== 'not started'
      ? ` ${kernel.info.librdkafka.version}`
      : wanted
        ? ` ${wanted}`
        : '';
  const tooltip =
    state === 'dead' && kernel?.lastExit
      ? `Kernel stopped: ${kernel.lastExit}. Run a cell to start a new one.`
      : kernel?.info
        ? `librdkafka ${kernel.info.librdkafka.version} (${kernel.info.librdkafka.library}), bootstrap ${kernel.info.bootstrap}. Click to open the events panel.`
        : 'The kernel starts when a cell runs.';
  return { text: `${ICONS[state]} librdkafka${version}: ${state}`, tooltip };
}

export class KernelStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'rdkafka.kernel',
    vscode.StatusBarAlignment.Left,
    100,
  );
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly kernels: KernelManager) {
    this.item.name = 'librdkafka kernel';
    this.item.command = 'rdkafka.openEventsPanel';
    this.subs.push(
      vscode.window.onDidChangeActiveNotebookEditor(() => this.update()),
      kernels.onDidChangeState(() => this.update()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.update()),
    );
    this.update();
  }

  /** The notebook's librdkafka for the text before its kernel starts (set by the kernel picker). */
  versionOf: ((nb: vscode.NotebookDocument) => string | undefined) | undefined;

  /** Shows the active notebook's state again (its librdkafka changed). */
  refresh(): void {
    this.update();
  }

  /** What the item shows now (for the tests), or undefined when hidden. */
  current(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  private visible = false;

  private update(): void {
    const nb = vscode.window.activeNotebookEditor?.notebook;
    if (nb?.notebookType !== NOTEBOOK_TYPE) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const { text, tooltip } = statusText(
      this.kernels.find(nb),
      vscode.workspace.isTrusted,
      this.versionOf?.(nb),
    );
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    this.item.dispose();
  }
}
