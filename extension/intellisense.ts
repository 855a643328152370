// IntelliSense for the C API in cells: tells the TypeScript server plugin (extension/tsplugin) where the
// generated rdkafka.d.ts is, and publishes the cells' semantic errors, which VS Code's TypeScript extension
// drops for notebook cells, in the extension's own DiagnosticCollection.
import * as vscode from 'vscode';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bindings } from './bindings.ts';
import { CELL_GLOBALS_DTS } from './kernel/cell-globals.ts';
import { NOTEBOOK_TYPE } from './notebook/serializer.ts';

export const TS_PLUGIN = 'rdkafka-workbench-tsplugin';

interface TsApi {
  configurePlugin(pluginId: string, configuration: unknown): void;
}

/** A diagnostic as tsserver's semanticDiagnosticsSync returns it. */
interface TsDiagnostic {
  start: { line: number; offset: number };
  end: { line: number; offset: number };
  text: string;
  code: number;
  category: string;
}

/**
 * Errors a user of cells should not see: cells share one scope in the TS server but the kernel lets a
 * re-run or a later cell declare a name again, and cells may use top-level await and return.
 */
export const IGNORED_CODES = new Set([
  2451, // Cannot redeclare block-scoped variable
  2300, // Duplicate identifier
  2393, // Duplicate function implementation
  1375, // 'await' expressions are only allowed at the top level of a file when that file is a module
  1378, // Top-level 'await' expressions are only allowed when the 'module' option is set to …
  1431, // 'for await' loops are only allowed at the top level of a file when that file is a module
  1432, // Top-level 'for await' loops are only allowed when …
  1108, // A 'return' statement can only be used within a function body
]);

/** Whether completions can work in cells now, and if not, why (shown where the user looks). */
export type IntelliSenseState =
  | { ok: true }
  | { ok: false; reason: 'restricted' | 'no-typescript' | 'needs-reload' | 'failed'; detail: string };

export const TS_EXTENSION = 'vscode.typescript-language-features';

export class IntelliSense implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('rdkafka');
  private readonly subs: vscode.Disposable[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private configuredWith: string | undefined;
  /** Per notebook (URI path): the rdkafka.d.ts of its librdkafka version, instead of the workspace's. */
  notebookDeclarations: () => Record<string, string> = () => ({});
  private readonly stateEmitter = new vscode.EventEmitter<IntelliSenseState>();
  /** Fires whenever the answer to "can completions work?" changes. */
  readonly onDidChangeState = this.stateEmitter.event;
  state: IntelliSenseState = { ok: false, reason: 'failed', detail: 'not configured yet' };

  constructor(
    private readonly bindings: Bindings,
    private readonly log: vscode.LogOutputChannel,
    /** Where the declarations of the kernel's other cell globals (BOOTSTRAP, errbuf, …) are written. */
    private readonly storage: vscode.Uri,
  ) {
    this.subs.push(
      bindings.onDidChange(() => this.configure(true)),
      // Checked once at activation is not enough: a restricted window activates us before the TypeScript
      // extension may run, and it can be enabled or installed later. Trust and extension changes re-check.
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.afterTrust()),
      vscode.extensions.onDidChange(() => void this.configure(false)),
      this.stateEmitter,
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.scheduleNotebook(nb)),
      vscode.workspace.onDidCloseNotebookDocument((nb) =>
        nb.getCells().forEach((c) => this.diagnostics.delete(c.document.uri)),
      ),
    );
    void this.configure(false);
    for (const nb of vscode.workspace.notebookDocuments) this.scheduleNotebook(nb);
  }

  private trustTimer: NodeJS.Timeout | undefined;
  /** In the grace period after trust, while the TypeScript extension may still be starting. */
  private awaitingTypeScript = false;

  /**
   * Trust granted: the TypeScript extension normally joins this extension host within a moment (the
   * extensions change event then configures it). VS Code in a browser may start it elsewhere (in the
   * browser's worker, where code-server does not ship it): after a grace period, say that a reload helps.
   */
  private afterTrust(): void {
    // Until then its absence is no news: no "disabled or missing" notice for an extension about to start.
    this.awaitingTypeScript = true;
    void this.configure(false);
    clearTimeout(this.trustTimer);
    this.trustTimer = setTimeout(() => {
      this.awaitingTypeScript = false;
      if (vscode.extensions.getExtension(TS_EXTENSION)) return;
      this.setState({
        ok: false,
        reason: 'needs-reload',
        detail:
          'the TypeScript extension did not start beside this extension when the folder was trusted (VS Code in a browser starts it in the browser): reload the window to start it',
      });
    }, 15_000);
  }

  private setState(state: IntelliSenseState): void {
    const was = JSON.stringify(this.state);
    this.state = state;
    if (JSON.stringify(state) === was) return;
    if (!state.ok) this.log.warn(`IntelliSense in cells is off: ${state.detail}`);
    this.stateEmitter.fire(state);
  }

  /** Sends the declaration files to the plugin (again, with a new stamp, after a regeneration). */
  async configure(force: boolean): Promise<void> {
    const dtsPath = this.bindings.dtsPath;
    const ts = vscode.extensions.getExtension<{ getAPI(v: 0): TsApi | undefined }>(TS_EXTENSION);
    if (!ts) {
      this.configuredWith = undefined;
      if (this.awaitingTypeScript) return;
      return this.setState(
        vscode.workspace.isTrusted
          ? {
              ok: false,
              reason: 'no-typescript',
              detail:
                'VS Code\'s built-in "TypeScript and JavaScript Language Features" extension is disabled or missing: enable it to get completions in cells',
            }
          : {
              ok: false,
              reason: 'restricted',
              detail:
                'VS Code runs no TypeScript in a restricted window: trust this folder to get completions in cells',
            },
      );
    }
    if (this.configuredWith === dtsPath && !force) return;
    try {
      const globals = join(this.storage.fsPath, 'workbench-globals.d.ts');
      await mkdir(this.storage.fsPath, { recursive: true });
      await writeFile(globals, CELL_GLOBALS_DTS);
      const api = (ts.isActive ? ts.exports : await ts.activate())?.getAPI(0);
      if (!api) throw new Error('the TypeScript extension offers no API version 0');
      api.configurePlugin(TS_PLUGIN, {
        dtsPaths: [dtsPath, globals],
        notebookBindings: this.notebookDeclarations(),
        stamp: Date.now(),
      });
      this.configuredWith = dtsPath;
      this.log.info(`IntelliSense in cells uses ${dtsPath} and ${globals}`);
      this.setState({ ok: true });
    } catch (e) {
      this.setState({
        ok: false,
        reason: 'failed',
        detail: `the TypeScript extension could not be set up (${(e as Error).message}): reload the window`,
      });
    }
  }

  private scheduleNotebook(nb: vscode.NotebookDocument): void {
    if (nb.notebookType !== NOTEBOOK_TYPE) return;
    for (const c of nb.getCells()) if (c.kind === vscode.NotebookCellKind.Code) this.schedule(c.document);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (
      doc.uri.scheme !== 'vscode-notebook-cell' ||
      (doc.languageId !== 'typescript' && doc.languageId !== 'javascript')
    )
      return;
    const nb = vscode.workspace.notebookDocuments.find(
      (n) => n.uri.path === doc.uri.path && n.notebookType === NOTEBOOK_TYPE,
    );
    if (!nb) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => void this.refresh(doc), 600),
    );
  }

  /** Fetches the cell's semantic errors from the TS server and publishes them. */
  async refresh(doc: vscode.TextDocument): Promise<vscode.Diagnostic[]> {
    this.timers.delete(doc.uri.toString());
    let body: TsDiagnostic[] | undefined;
    try {
      const res = await vscode.commands.executeCommand<{ body?: TsDiagnostic[] } | undefined>(
        'typescript.tsserverRequest',
        'semanticDiagnosticsSync',
        {
          file: doc.uri,
        },
      );
      body = res?.body;
    } catch (e) {
      this.log.debug(`semantic diagnostics for ${doc.uri.toString()} failed: ${(e as Error).message}`);
    }
    if (!body) return [];
    const diags = body
      .filter((d) => !IGNORED_CODES.has(d.code))
      .map((d) => {
        const range = new vscode.Range(
          d.start.line - 1,
          d.start.offset - 1,
          d.end.line - 1,
          d.end.offset - 1,
        );
        const severity =
          d.category === 'error'
            ? vscode.DiagnosticSeverity.Error
            : d.category === 'warning'
              ? vscode.DiagnosticSeverity.Warning
              : vscode.DiagnosticSeverity.Information;
        const diag = new vscode.Diagnostic(range, d.text, severity);
        diag.code = d.code;
        diag.source = 'ts (rdkafka)';
        return diag;
      });
    this.diagnostics.set(doc.uri, diags);
    return diags;
  }

  dispose(): void {
    clearTimeout(this.trustTimer);
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subs) s.dispose();
    this.diagnostics.dispose();
  }
}
