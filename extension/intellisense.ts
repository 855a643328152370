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

export class IntelliSense implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('rdkafka');
  private readonly subs: vscode.Disposable[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private configuredWith: string | undefined;
  /** Per notebook (URI path): the rdkafka.d.ts of its librdkafka version, instead of the workspace's. */
  notebookDeclarations: () => Record<string, string> = () => ({});

  constructor(
    private readonly bindings: Bindings,
    private readonly log: vscode.LogOutputChannel,
    /** Where the declarations of the kernel's other cell globals (BOOTSTRAP, errbuf, …) are written. */
    private readonly storage: vscode.Uri,
  ) {
    this.subs.push(
      bindings.onDidChange(() => this.configure(true)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.scheduleNotebook(nb)),
      vscode.workspace.onDidCloseNotebookDocument((nb) =>
        nb.getCells().forEach((c) => this.diagnostics.delete(c.document.uri)),
      ),
    );
    void this.configure(false);
    for (const nb of vscode.workspace.notebookDocuments) this.scheduleNotebook(nb);
  }

  /** Sends the declaration files to the plugin (again, with a new stamp, after a regeneration). */
  async configure(force: boolean): Promise<void> {
    const dtsPath = this.bindings.dtsPath;
    if (this.configuredWith === dtsPath && !force) return;
    const ts = vscode.extensions.getExtension<{ getAPI(v: 0): TsApi | undefined }>(
      'vscode.typescript-language-features',
    );
    if (!ts) {
      this.log.warn('the built-in TypeScript extension is not available: no completions in cells');
      return;
    }
    const globals = join(this.storage.fsPath, 'workbench-globals.d.ts');
    await mkdir(this.storage.fsPath, { recursive: true });
    await writeFile(globals, CELL_GLOBALS_DTS);
    const api = (ts.isActive ? ts.exports : await ts.activate())?.getAPI(0);
    if (!api) return;
    api.configurePlugin(TS_PLUGIN, {
      dtsPaths: [dtsPath, globals],
      notebookBindings: this.notebookDeclarations(),
      stamp: Date.now(),
    });
    this.configuredWith = dtsPath;
    this.log.info(`IntelliSense in cells uses ${dtsPath} and ${globals}`);
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
    for (const t of this.timers.values()) clearTimeout(t);
    for (const s of this.subs) s.dispose();
    this.diagnostics.dispose();
  }
}
