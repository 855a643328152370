// The events panel host: one WebviewPanel per notebook, built with panelHtml (./html.ts), fed the
// notebook kernel's events as `{type:'events', events}` messages and `{type:'reset'}` when the kernel
// restarts. A panel opened late first gets the history the kernel kept.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { panelHtml } from './html.ts';
import type { HostToPanel, KernelEvent } from '../../protocol/index.ts';
import type { NotebookKernel } from '../kernels.ts';

export const PANEL_VIEW_TYPE = 'rdkafka.eventsPanel';

/** What a panel received, for the status bar and the tests. */
export interface PanelStats {
  delivered: number;
  byType: Record<string, number>;
  resets: number;
}

/**
 * Where a panel's events come from: a notebook's kernel, or a program traced from VS Code
 * (commands/traceProgram.ts). One panel per key.
 */
export interface EventSource {
  readonly key: string;
  /** What the panel is named after: the notebook's file name, the traced program. */
  readonly name: string;
  /** The events so far (a panel opened late starts with them). */
  readonly events: readonly KernelEvent[];
  /** Live events, and a reset when the source starts over (a kernel restart). */
  subscribe(onEvents: (events: KernelEvent[]) => void, onReset: () => void): vscode.Disposable;
}

interface Open {
  panel: vscode.WebviewPanel;
  stats: PanelStats;
}

export class EventsPanels implements vscode.Disposable {
  private readonly open = new Map<string, Open>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  show(kernel: NotebookKernel): vscode.WebviewPanel {
    return this.showSource({
      key: kernel.notebook.uri.toString(),
      name: basename(kernel.notebook.uri.path),
      get events() {
        return kernel.events;
      },
      subscribe: (onEvents, onReset) => kernel.subscribe(onEvents, onReset),
    });
  }

  showSource(source: EventSource): vscode.WebviewPanel {
    const key = source.key;
    const existing = this.open.get(key);
    if (existing) {
      existing.panel.reveal(undefined, true);
      return existing.panel;
    }
    const roots = [
      vscode.Uri.joinPath(this.extensionUri, 'dist'),
      vscode.Uri.joinPath(this.extensionUri, 'media'),
      vscode.Uri.joinPath(this.extensionUri, 'node_modules', '@vscode', 'codicons', 'dist'),
    ];
    const name = source.name;
    const panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      `Events: ${name}`,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, retainContextWhenHidden: true, localResourceRoots: roots },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'events.svg');
    const w = panel.webview;
    w.html = panelHtml({
      scriptUri: w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: w.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css')).toString(),
      codiconsUri: w.asWebviewUri(vscode.Uri.joinPath(roots[2]!, 'codicon.css')).toString(),
      cspSource: w.cspSource,
      nonce: randomBytes(18).toString('base64url'),
      title: `librdkafka events: ${name}`,
    });
    const entry: Open = { panel, stats: { delivered: 0, byType: {}, resets: 0 } };
    this.open.set(key, entry);

    const post = async (message: HostToPanel) => {
      const delivered = await w.postMessage(message);
      if (!delivered) return;
      if (message.type === 'reset')
        entry.stats = { delivered: 0, byType: {}, resets: entry.stats.resets + 1 };
      else
        for (const e of message.events) {
          entry.stats.delivered++;
          entry.stats.byType[e.type] = (entry.stats.byType[e.type] ?? 0) + 1;
        }
    };
    // Messages posted in order; each waits for the previous so counts and order stay exact.
    let chain: Promise<void> = Promise.resolve();
    const send = (m: HostToPanel) => (chain = chain.then(() => post(m)));
    const replay = () => {
      send({ type: 'reset' });
      if (source.events.length) send({ type: 'events', events: source.events.slice() });
    };
    replay();
    const subs = [
      source.subscribe(
        (events) => void send({ type: 'events', events }),
        () => void send({ type: 'reset' }),
      ),
      // A webview that says it is ready (re)gets the whole history: messages sent before its script ran are lost.
      w.onDidReceiveMessage((m: { type?: string }) => {
        if (m?.type === 'ready') replay();
      }),
    ];
    panel.onDidDispose(() => {
      for (const s of subs) s.dispose();
      this.open.delete(key);
    });
    return panel;
  }

  stats(notebook: vscode.NotebookDocument): PanelStats | undefined {
    return this.statsOf(notebook.uri.toString());
  }

  /** What the panel of source `key` received. */
  statsOf(key: string): PanelStats | undefined {
    return this.open.get(key)?.stats;
  }

  dispose(): void {
    for (const { panel } of this.open.values()) panel.dispose();
  }
}
