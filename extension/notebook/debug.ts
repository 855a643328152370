// Debug Cell: runs a cell with VS Code's own JavaScript debugger (ms-vscode.js-debug) attached to the
// notebook's kernel. The kernel opens its inspector on request (kernel/debugging.ts); a Node attach session
// connects to it; a debug adapter tracker translates between cell URIs and the kernel's source files
// (debug-sources.ts), so breakpoints set in a cell bind there, stops show the cell and its line, and the
// Variables view shows the cell's locals and the kernel's globals. The cell then runs as Run runs it; when
// it ends the session ends and the inspector closes. The kernel's state is never touched.
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import type { DebugStartRequest, DebugStopRequest } from '../../protocol/index.ts';
import type { KernelManager } from '../kernels.ts';
import { askKernel } from '../kernel/tools-client.ts';
import { fromAdapter, sourceFileKey, sparingTheKernel, toAdapter, type DapMessage } from './debug-sources.ts';
import { NOTEBOOK_TYPE } from './serializer.ts';

/** The cells the kernel's inspector sees (a C cell is a program of its own, outside the kernel). */
const DEBUGGABLE = new Set(['typescript', 'javascript']);

/** Marks our sessions' configurations with the notebook they debug. */
const MARK = '__rdkafkaNotebook';

interface Active {
  notebook: vscode.NotebookDocument;
  sourceDir: string;
  session?: vscode.DebugSession;
  /** Resolves once the attached target's session has its breakpoints. */
  ready: Promise<void>;
  markReady: () => void;
  rootDone?: NodeJS.Timeout;
}

const hashOf = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 16);

export class CellDebugger implements vscode.Disposable {
  private readonly active = new Map<string, Active>();
  /** Every running session of ours: an attach session and those under it (the target's, its workers'). */
  private readonly live = new Map<string, vscode.DebugSession>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(
    private readonly kernels: KernelManager,
    private readonly log: vscode.LogOutputChannel,
    /** The extension's bundles (the kernel's frames are skipped when stepping). */
    private readonly distDir: string,
  ) {
    for (const type of ['pwa-node', 'node'])
      this.subs.push(
        vscode.debug.registerDebugAdapterTrackerFactory(type, {
          createDebugAdapterTracker: (session) => this.tracker(session),
        }),
      );
    this.subs.push(
      vscode.debug.onDidStartDebugSession((s) => this.rootOf(s) && this.live.set(s.id, s)),
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.live.delete(s.id);
        const key = s.configuration[MARK] as string | undefined;
        if (key && this.active.get(key)?.session === s) void this.end(key);
      }),
    );
  }

  /** The session of ours `session` belongs to (itself, or the parent a target's session has). */
  private rootOf(session: vscode.DebugSession): vscode.DebugSession | undefined {
    for (let s: vscode.DebugSession | undefined = session; s; s = s.parentSession)
      if (s.configuration[MARK]) return s;
    return undefined;
  }

  /**
   * Ends `root` (unless it has ended) and resolves once no session under it runs either: js-debug ends the
   * attach session and the target's own in either order, and Debug Cell is done only when neither is left
   * in the debug toolbar or the Call Stack. Bounded, so a debugger that never says so cannot hold the
   * command.
   */
  private async endTree(root: vscode.DebugSession, ms = 10_000): Promise<void> {
    const running = () => [...this.live.values()].some((s) => this.rootOf(s)?.id === root.id);
    let timer: NodeJS.Timeout | undefined;
    let sub: vscode.Disposable | undefined;
    const ended = new Promise<void>((resolve) => {
      // Registered after the constructor's listener: `live` has already lost the session ending.
      sub = vscode.debug.onDidTerminateDebugSession(() => !running() && resolve());
      timer = setTimeout(resolve, ms);
    });
    try {
      if (this.live.has(root.id)) await vscode.debug.stopDebugging(root);
      if (running()) await ended;
    } finally {
      clearTimeout(timer);
      sub?.dispose();
    }
  }

  private tracker(session: vscode.DebugSession): vscode.DebugAdapterTracker | undefined {
    const root = this.rootOf(session);
    const a = root && this.active.get(root.configuration[MARK] as string);
    if (!root || !a) return undefined;
    const child = root !== session;
    return {
      onWillReceiveMessage: (m: DapMessage) => {
        sparingTheKernel(m);
        toAdapter(m, (uri) => this.cellToFile(a, uri));
      },
      onDidSendMessage: (m: DapMessage) => {
        fromAdapter(m, (path) => this.fileToCell(a, path));
        if (m.type !== 'response' || m.command !== 'configurationDone') return;
        // The target's own session has its breakpoints: the cell may run. (A debugger without child
        // sessions has only the root: then its configurationDone has to do.)
        if (child) a.markReady();
        else a.rootDone = setTimeout(a.markReady, 5000);
      },
    };
  }

  private cellToFile(a: Active, uri: string): string | undefined {
    let wanted: string;
    try {
      wanted = vscode.Uri.parse(uri, true).toString();
    } catch {
      return undefined;
    }
    const cell = a.notebook.getCells().find((c) => c.document.uri.toString() === wanted);
    return cell && join(a.sourceDir, `${hashOf(cell.document.getText())}.ts`);
  }

  private fileToCell(a: Active, path: string): { uri: string; name: string } | undefined {
    const key = sourceFileKey(path, a.sourceDir);
    if (!key) return undefined;
    // The cell whose text ran; a cell edited since then no longer has that text (the file shows instead).
    const cell = a.notebook
      .getCells()
      .find((c) => c.kind === vscode.NotebookCellKind.Code && hashOf(c.document.getText()) === key);
    return (
      cell && {
        uri: cell.document.uri.toString(),
        name: `${basename(a.notebook.uri.path)}, cell ${cell.index + 1}`,
      }
    );
  }

  /** Runs `cell` under the debugger; resolves when the cell has ended and the session with it. */
  async debugCell(cell: vscode.NotebookCell): Promise<boolean> {
    const nb = cell.notebook;
    if (nb.notebookType !== NOTEBOOK_TYPE || cell.kind !== vscode.NotebookCellKind.Code) return false;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('No kernel runs in an untrusted workspace.');
      return false;
    }
    const language = cell.document.languageId;
    if (!DEBUGGABLE.has(language)) {
      const what = language === 'c' ? 'a C cell, run as a program of its own' : `a ${language} cell`;
      void vscode.window.showInformationMessage(
        `Debug Cell debugs TypeScript and JavaScript cells in the kernel; cell ${cell.index + 1} is ${what}: run it with Run Cell.`,
      );
      return false;
    }
    const key = nb.uri.toString();
    let a = this.active.get(key);
    if (!a) {
      try {
        a = await this.start(nb);
      } catch (e) {
        void vscode.window.showErrorMessage(`Debug Cell could not start: ${(e as Error).message}`);
        return false;
      }
    }
    const session = a.session;
    // Over when the cell has ended (VS Code's execute command resolves then), or when the session ended
    // first (stopped by the user: the cell runs on without the debugger), or the kernel died.
    const subs: vscode.Disposable[] = [];
    const over = new Promise<void>((resolve) =>
      subs.push(
        vscode.debug.onDidTerminateDebugSession((s) => s === session && resolve()),
        this.kernels.onDidChangeState((k) => k.notebook === nb && k.state === 'dead' && resolve()),
      ),
    );
    const run = vscode.commands.executeCommand('notebook.cell.execute', {
      ranges: [{ start: cell.index, end: cell.index + 1 }],
      document: nb.uri,
    });
    await Promise.race([run, over]);
    for (const s of subs) s.dispose();
    if (session) await this.endTree(session);
    return true;
  }

  private async start(nb: vscode.NotebookDocument): Promise<Active> {
    const key = nb.uri.toString();
    const client = await this.kernels.get(nb).ensure();
    const reply = await askKernel<DebugStartRequest>(client, { type: 'debug_start' }, 10_000);
    if (reply.error || !reply.port || !reply.sourceDir)
      throw new Error(`the kernel's inspector did not open (${reply.error ?? 'no port'})`);
    let markReady!: () => void;
    const ready = new Promise<void>((r) => (markReady = r));
    const a: Active = { notebook: nb, sourceDir: reply.sourceDir, ready, markReady };
    this.active.set(key, a);
    const folder = vscode.workspace.getWorkspaceFolder(nb.uri) ?? vscode.workspace.workspaceFolders?.[0];
    const sub = vscode.debug.onDidStartDebugSession((s) => {
      if (s.configuration[MARK] === key) a.session = s;
    });
    let started: boolean;
    try {
      started = await vscode.debug.startDebugging(
        folder,
        {
          type: 'node',
          request: 'attach',
          name: `${basename(nb.uri.path)} (librdkafka kernel)`,
          address: '127.0.0.1',
          port: reply.port,
          // Cell scripts carry inline source maps to the cells' text; nothing on disk to scan.
          sourceMaps: true,
          pauseForSourceMap: true,
          resolveSourceMapLocations: null,
          outFiles: [],
          skipFiles: ['<node_internals>/**', `${this.distDir}/**`],
          autoAttachChildProcesses: false,
          continueOnAttach: true,
          [MARK]: key,
          // Nothing to save first: an attach runs nothing from disk (and an untitled notebook would ask where).
        },
        { suppressSaveBeforeStart: true },
      );
    } finally {
      sub.dispose();
    }
    if (!started) {
      await this.end(key);
      throw new Error('VS Code did not start the JavaScript debugger (is ms-vscode.js-debug enabled?)');
    }
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000));
    if ((await Promise.race([ready, timeout])) === 'timeout')
      this.log.warn(
        'Debug Cell: the debugger did not confirm its breakpoints within 15 s; running the cell anyway',
      );
    this.log.info(`Debug Cell: attached to the kernel of ${nb.uri.fsPath} on port ${reply.port}`);
    return a;
  }

  /** The session ended (stopped by the user, or after its cell): the kernel closes its inspector. */
  private async end(key: string): Promise<void> {
    const a = this.active.get(key);
    if (!a) return;
    this.active.delete(key);
    clearTimeout(a.rootDone);
    const client = this.kernels.find(a.notebook)?.client;
    if (client?.alive)
      await askKernel<DebugStopRequest>(client, { type: 'debug_stop' }, 5000).catch(() => {});
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    for (const key of [...this.active.keys()]) void this.end(key);
  }
}
