// The events panel host: one WebviewPanel per notebook, built with panelHtml (./html.ts), fed the
// notebook kernel's events as `{type:'events', events}` messages and `{type:'reset'}` when the kernel
// restarts, what it knows of the kernel (`kernel`) and the statistics field docs (`statsDocs`). A panel
// opened late first gets the history the kernel kept. The panel's controls come back here: fault actions
// go to the kernel's control thread and are recorded into the notebook as code cells, a cell link reveals
// the cell, the export button runs the export command.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { panelHtml } from './html.ts';
import { insertIndex, RECORDED, recordedSource, type RecordedAction } from './record.ts';
import type {
  HostToPanel,
  KernelEvent,
  PanelKernelInfo,
  PanelToHost,
  StatsDocs,
} from '../../protocol/index.ts';
import type { NotebookKernel } from '../kernels.ts';

export const PANEL_VIEW_TYPE = 'rdkafka.eventsPanel';
/** Most events in one message to the panel (a structured clone each). */
const MAX_BATCH = 20_000;
export const EXPORT_COMMAND = 'rdkafka.exportForIssue';

/** What a panel received, for the status bar and the tests. */
export interface PanelStats {
  delivered: number;
  byType: Record<string, number>;
  /** Delivery reports with an error among those delivered. */
  drFailed: number;
  resets: number;
  /** The librdkafka version the panel was last told it shows (null: not known), and the source of the
   * statistics field docs it was last sent (null: none). */
  librdkafka?: string | null;
  statsDocs?: string | null;
  /** Fault actions the panel asked for, and how each went (`cell`: where it was recorded, from 1). */
  faults: {
    fn: string;
    ok: boolean;
    message: string;
    time?: number;
    ranDuring?: number | null;
    recordedAt?: number;
  }[];
}

interface Open {
  panel: vscode.WebviewPanel;
  stats: PanelStats;
}

/**
 * A panel on events that do not come from a notebook's kernel: a program traced from VS Code
 * (commands/traceProgram.ts). The panel shows them, without the kernel's controls.
 */
export interface EventSource {
  /** One panel per key. */
  readonly key: string;
  /** What the panel is named after: the traced program. */
  readonly name: string;
  /** What the panel says of it (librdkafka version, state). */
  info(): PanelKernelInfo;
  /** The statistics field docs for the version info() names, once it names one. */
  statsDocs?(): { docs: StatsDocs | null; missing?: string };
  /** The events so far (a panel opened late starts with them). */
  readonly events: readonly KernelEvent[];
  /** Live events, and a reset when the source starts over. */
  subscribe(onEvents: (events: KernelEvent[]) => void, onReset: () => void): vscode.Disposable;
}

export interface PanelHostOptions {
  /** The field docs for a kernel (the version in use's STATISTICS.md). */
  statsDocs: (kernel: NotebookKernel) => { docs: StatsDocs | null; missing?: string };
  /** Fired when a kernel's state changes (the panel says what its kernel is doing). */
  onDidChangeState: vscode.Event<NotebookKernel>;
}

export class EventsPanels implements vscode.Disposable {
  private readonly open = new Map<string, Open>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly opts: PanelHostOptions,
  ) {}

  show(kernel: NotebookKernel): vscode.WebviewPanel {
    const key = kernel.notebook.uri.toString();
    const existing = this.open.get(key);
    if (existing) {
      existing.panel.reveal(undefined, true);
      return existing.panel;
    }
    const { panel, entry, send, w } = this.create(key, basename(kernel.notebook.uri.path));
    const info = (): PanelKernelInfo => ({
      librdkafka: kernel.info?.librdkafka.version ?? null,
      bootstrap: kernel.info?.bootstrap ?? null,
      state: kernel.state,
      interactive: true,
    });
    let docsFor: string | null | undefined;
    const sendDocs = () => {
      const version = kernel.info?.librdkafka.version ?? null;
      if (docsFor === version) return;
      docsFor = version;
      const { docs, missing } = this.opts.statsDocs(kernel);
      send({ type: 'statsDocs', docs, ...(missing ? { missing } : {}) });
    };
    const replay = () => {
      send({ type: 'reset' });
      send({ type: 'kernel', info: info() });
      docsFor = undefined;
      sendDocs();
      if (kernel.events.length) send({ type: 'events', events: kernel.events.slice() });
    };
    replay();
    const subs = [
      kernel.subscribe(
        (events) => void send({ type: 'events', events }),
        () => void send({ type: 'reset' }),
      ),
      this.opts.onDidChangeState((k) => {
        if (k !== kernel) return;
        send({ type: 'kernel', info: info() });
        sendDocs();
      }),
      w.onDidReceiveMessage((m: PanelToHost) => {
        switch (m?.type) {
          // A webview that says it is ready (re)gets the whole history: messages sent before its script ran are lost.
          case 'ready':
            return replay();
          case 'fault':
            return void this.fault(kernel, entry, m.id, m.fn, m.args, send);
          case 'revealCell':
            return void revealCell(kernel.notebook, m.cell);
          case 'export':
            return void vscode.commands.executeCommand(EXPORT_COMMAND, kernel.notebook.uri);
          default:
            return undefined;
        }
      }),
    ];
    panel.onDidDispose(() => {
      for (const s of subs) s.dispose();
      this.open.delete(key);
    });
    return panel;
  }

  /** A new panel for `key`, named after `name`, and how to post to it (in order, counted). */
  private create(key: string, name: string) {
    const roots = [
      vscode.Uri.joinPath(this.extensionUri, 'dist'),
      vscode.Uri.joinPath(this.extensionUri, 'media'),
      vscode.Uri.joinPath(this.extensionUri, 'node_modules', '@vscode', 'codicons', 'dist'),
    ];
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
    const entry: Open = { panel, stats: { delivered: 0, byType: {}, drFailed: 0, resets: 0, faults: [] } };
    this.open.set(key, entry);

    const post = async (message: HostToPanel) => {
      const delivered = await w.postMessage(message);
      if (!delivered) return;
      if (message.type === 'kernel') entry.stats.librdkafka = message.info.librdkafka;
      else if (message.type === 'statsDocs') entry.stats.statsDocs = message.docs?.source ?? null;
      else if (message.type === 'reset')
        entry.stats = {
          ...entry.stats,
          delivered: 0,
          byType: {},
          drFailed: 0,
          resets: entry.stats.resets + 1,
        };
      else if (message.type === 'events')
        for (const e of message.events) {
          entry.stats.delivered++;
          entry.stats.byType[e.type] = (entry.stats.byType[e.type] ?? 0) + 1;
          if (e.type === 'dr' && e.data.err !== 0) entry.stats.drFailed++;
        }
    };
    // Messages posted in order; each waits for the previous so counts and order stay exact.
    let chain: Promise<void> = Promise.resolve();
    // Events that arrive while a message is on its way join one batch: a busy kernel sends a batch a
    // millisecond, and posting each (awaiting its delivery) fell behind the kernel by seconds under load.
    let open: KernelEvent[] | null = null;
    const send = (m: HostToPanel) => {
      if (m.type === 'events') {
        if (open && open.length < MAX_BATCH) {
          open.push(...m.events);
          return chain;
        }
        const batch = (open = [...m.events]);
        return (chain = chain.then(() => {
          if (open === batch) open = null;
          return post({ type: 'events', events: batch });
        }));
      }
      open = null; // later events go after this message, not into an earlier batch
      return (chain = chain.then(() => post(m)));
    };
    return { panel, entry, send, w };
  }

  /** A panel on events from elsewhere than a kernel (a traced program). */
  showSource(source: EventSource): vscode.WebviewPanel {
    const existing = this.open.get(source.key);
    if (existing) {
      existing.panel.reveal(undefined, true);
      return existing.panel;
    }
    const { panel, send, w } = this.create(source.key, source.name);
    // What the source says of itself can change as its events come (a traced program's librdkafka version
    // is known from its first handle): sent again when it does.
    let said = '';
    let docsFor: string | null | undefined;
    const sendInfo = () => {
      const info = source.info();
      said = JSON.stringify(info);
      send({ type: 'kernel', info });
      if (!source.statsDocs || info.librdkafka === null || docsFor === info.librdkafka) return;
      docsFor = info.librdkafka;
      const { docs, missing } = source.statsDocs();
      send({ type: 'statsDocs', docs, ...(missing ? { missing } : {}) });
    };
    const replay = () => {
      send({ type: 'reset' });
      docsFor = undefined;
      sendInfo();
      if (source.events.length) send({ type: 'events', events: source.events.slice() });
    };
    replay();
    const subs = [
      source.subscribe(
        (events) => {
          // What these events make known (the version) goes first: the panel names the librdkafka
          // before it shows the events of a handle running on it.
          if (JSON.stringify(source.info()) !== said) sendInfo();
          send({ type: 'events', events });
        },
        () => void send({ type: 'reset' }),
      ),
      w.onDidReceiveMessage((m: PanelToHost) => {
        if (m?.type === 'ready') replay();
      }),
    ];
    panel.onDidDispose(() => {
      for (const sub of subs) sub.dispose();
      this.open.delete(source.key);
    });
    return panel;
  }

  /** A fault action from the panel: the kernel's control thread makes the call; a cell records it. */
  private async fault(
    kernel: NotebookKernel,
    entry: Open,
    id: string,
    fn: string,
    args: unknown,
    send: (m: HostToPanel) => void,
  ): Promise<void> {
    const record = { fn, ok: false, message: '' } as PanelStats['faults'][number];
    entry.stats.faults.push(record);
    const answer = (ok: boolean, message: string, call?: string) => {
      record.ok = ok;
      record.message = message;
      send({ type: 'faultResult', id, ok, message, ...(call ? { call } : {}) });
    };
    const client = kernel.client;
    if (!client?.alive)
      return answer(false, 'the kernel is not running: run a cell that uses BOOTSTRAP first');
    let r;
    try {
      r = await client.control.fault(fn, Array.isArray(args) ? args : []);
    } catch (e) {
      return answer(false, (e as Error).message);
    }
    record.time = r.time;
    record.ranDuring = r.cell;
    if (!r.ok) return answer(false, `${r.c || fn}: ${r.message}`, r.call);
    try {
      const at = await recordCell(kernel.notebook, { call: r.call, c: r.c, time: r.time, cell: r.cell });
      record.recordedAt = at + 1;
      answer(true, `${r.c} — recorded as cell ${at + 1}`, r.call);
    } catch (e) {
      answer(true, `${r.c} — done, but not recorded in the notebook: ${(e as Error).message}`, r.call);
    }
  }

  stats(notebook: vscode.NotebookDocument): PanelStats | undefined {
    return this.statsOf(notebook.uri.toString());
  }

  /** What the panel of `key` (a notebook's URI, an EventSource's key) received. */
  statsOf(key: string): PanelStats | undefined {
    return this.open.get(key)?.stats;
  }

  dispose(): void {
    for (const { panel } of this.open.values()) panel.dispose();
  }
}

/** Inserts the recorded call as a code cell; resolves its index. */
async function recordCell(nb: vscode.NotebookDocument, a: RecordedAction): Promise<number> {
  const cells = nb.getCells().map((c) => ({
    recorded: (c.metadata?.rdkafka as { recorded?: unknown } | undefined)?.recorded === RECORDED,
    endTime: c.executionSummary?.timing?.endTime,
  }));
  const index = insertIndex(cells, a.cell);
  const cell = new vscode.NotebookCellData(vscode.NotebookCellKind.Code, recordedSource(a), 'typescript');
  cell.metadata = { rdkafka: { recorded: RECORDED } };
  const edit = new vscode.WorkspaceEdit();
  edit.set(nb.uri, [vscode.NotebookEdit.insertCells(index, [cell])]);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error('VS Code refused the edit');
  return index;
}

/** Shows the cell at position `cell` (from 1) in its notebook's editor, selected. */
async function revealCell(nb: vscode.NotebookDocument, cell: number): Promise<void> {
  const index = cell - 1;
  if (!Number.isInteger(index) || index < 0 || index >= nb.cellCount) {
    void vscode.window.showWarningMessage(
      `The notebook has no cell ${cell} any more (it has ${nb.cellCount}).`,
    );
    return;
  }
  const editor = await vscode.window.showNotebookDocument(nb, { preserveFocus: false });
  const range = new vscode.NotebookRange(index, index + 1);
  editor.selections = [range];
  editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
}
