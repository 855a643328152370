// Entry point: wires the pieces to VS Code and does nothing expensive (no kernel, no generator run) until a
// cell runs or a command asks for it. The returned object is the extension's API (the tests use it).
import * as vscode from 'vscode';
import { NOTEBOOK_TYPE, RdkafkaSerializer } from './notebook/serializer.ts';
import { RdkafkaController } from './notebook/controller.ts';
import { KernelManager } from './kernels.ts';
import { Bindings } from './bindings.ts';
import {
  Credentials,
  clearClusterCredentials,
  setClusterCredentials,
  type SaslInput,
} from './credentials.ts';
import { ClusterApproval } from './cluster-approval.ts';
import { bootstrapFor } from './settings.ts';
import { EventsPanels, EXPORT_COMMAND } from './panel/host.ts';
import { panelStatsDocs } from './panel/docs.ts';
import { exportForIssue, type ExportArgs } from './commands/exportIssue.ts';
import { KernelStatusBar } from './statusbar.ts';
import { IntelliSense } from './intellisense.ts';
import { IntelliSenseStatus } from './intellisense-status.ts';
import { regenerateBindings, type RegenerateArgs } from './commands/regenerate.ts';
import { newNotebook } from './commands/newNotebook.ts';
import {
  newNotebookFromScenario,
  shownScenarioPicks,
  type NewFromScenarioArgs,
} from './commands/newFromScenario.ts';
import { LibrdkafkaVersions } from './versions.ts';
import { KernelPicker } from './notebook/picker.ts';
import { addLibrdkafkaVersion } from './commands/addVersion.ts';
import { traceProgram, type TraceArgs } from './commands/traceProgram.ts';
import { restartAndRun, restartKernel, targetCell } from './commands/restart.ts';
import { VariablesView } from './notebook/variables-view.ts';
import { CellDebugger } from './notebook/debug.ts';
import { registerPortAttributes } from './ports.ts';

/** The notebook a command is about: its argument (a notebook URI or editor context), else the active one. */
function targetNotebook(arg: unknown): vscode.NotebookDocument | undefined {
  const uri =
    arg instanceof vscode.Uri
      ? arg
      : (arg as { notebookEditor?: { notebookUri?: vscode.Uri } } | undefined)?.notebookEditor?.notebookUri;
  const nb = uri
    ? vscode.workspace.notebookDocuments.find((n) => n.uri.toString() === uri.toString())
    : vscode.window.activeNotebookEditor?.notebook;
  return nb?.notebookType === NOTEBOOK_TYPE ? nb : undefined;
}

export function activate(context: vscode.ExtensionContext) {
  const log = vscode.window.createOutputChannel('librdkafka', { log: true });
  const credentials = new Credentials(context.secrets);
  const approval = new ClusterApproval(context.globalState, credentials);
  const bindings = new Bindings(context, log);
  const kernels = new KernelManager(context, log, bindings, credentials, approval);
  const controller = new RdkafkaController(kernels);
  const panels = new EventsPanels(context.extensionUri, {
    statsDocs: (k) => panelStatsDocs(k, bindings.dir),
    onDidChangeState: kernels.onDidChangeState,
  });
  const status = new KernelStatusBar(kernels);
  const intellisense = new IntelliSense(bindings, log, context.globalStorageUri);
  // Every installed librdkafka version is a kernel; IntelliSense and the status bar follow each notebook's.
  const versions = new LibrdkafkaVersions(log);
  const picker = new KernelPicker(controller, versions, kernels, log);
  intellisense.notebookDeclarations = () => picker.declarations();
  status.versionOf = (nb) => picker.statusLabel(nb);
  let declared = JSON.stringify(picker.declarations());
  picker.onDidChange(() => {
    status.refresh();
    // The TypeScript server is told again only when a notebook's declarations changed: each time costs it
    // a new program per notebook.
    const next = JSON.stringify(picker.declarations());
    if (next === declared) return;
    declared = next;
    void intellisense.configure(true);
  });
  context.subscriptions.push(versions, picker);
  const intellisenseStatus = new IntelliSenseStatus(intellisense);
  const variables = new VariablesView(kernels);
  const debuggerOfCells = new CellDebugger(kernels, log, context.asAbsolutePath('dist'));

  // Bindings for IntelliSense as soon as a notebook is open, not only at the first run.
  const prepare = (nb: vscode.NotebookDocument) =>
    nb.notebookType === NOTEBOOK_TYPE && bindings.prepareInBackground();
  vscode.workspace.notebookDocuments.forEach(prepare);
  context.subscriptions.push(
    vscode.workspace.onDidOpenNotebookDocument(prepare),
    // Trust granted to a window whose notebooks are already open: their bindings now, not at the first run.
    vscode.workspace.onDidGrantWorkspaceTrust(() => vscode.workspace.notebookDocuments.forEach(prepare)),
  );

  const noNotebook = () =>
    void vscode.window.showWarningMessage('Open a librdkafka notebook (.rdkafka) first.');
  const command = (id: string, fn: (...args: unknown[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));

  context.subscriptions.push(
    log,
    kernels,
    controller,
    panels,
    status,
    intellisense,
    intellisenseStatus,
    variables,
    debuggerOfCells,
    registerPortAttributes(kernels, log),
    vscode.workspace.registerNotebookSerializer(NOTEBOOK_TYPE, new RdkafkaSerializer(), {
      transientOutputs: false,
    }),
  );
  command('rdkafka.regenerateBindings', (arg) =>
    regenerateBindings(bindings, kernels, log, arg as RegenerateArgs | string | undefined),
  );
  command('rdkafka.openEventsPanel', (arg) => {
    const nb = targetNotebook(arg);
    if (!nb) return noNotebook();
    panels.show(kernels.get(nb));
    return true;
  });
  command('rdkafka.restartKernel', (arg) => {
    const nb = targetNotebook(arg);
    return nb ? restartKernel(kernels, nb) : noNotebook();
  });
  command('rdkafka.restartKernelAndRunAll', (arg) => {
    const nb = targetNotebook(arg);
    return nb ? restartAndRun(kernels, nb) : noNotebook();
  });
  command('rdkafka.restartKernelAndRunUpToHere', (arg) => {
    const nb =
      targetNotebook(arg) ?? targetNotebook((arg as { notebook?: vscode.NotebookDocument })?.notebook?.uri);
    if (!nb) return noNotebook();
    const last = targetCell(arg, nb);
    if (last === undefined)
      return void vscode.window.showWarningMessage('Select the cell to run up to first.');
    return restartAndRun(kernels, nb, last);
  });
  command('rdkafka.interruptKernel', (arg) => {
    const nb = targetNotebook(arg);
    if (!nb) return noNotebook();
    controller.interrupt(nb);
    return true;
  });
  command('rdkafka.newNotebook', () => newNotebook());
  command('rdkafka.newNotebookFromScenario', (arg) =>
    newNotebookFromScenario(context.extensionUri, (arg ?? {}) as NewFromScenarioArgs),
  );
  command('rdkafka.addLibrdkafkaVersion', (arg) => addLibrdkafkaVersion(versions, log, arg));
  command('rdkafka.traceProgram', (arg) =>
    traceProgram(context, bindings, panels, (arg as TraceArgs | undefined) ?? {}),
  );
  command(EXPORT_COMMAND, (arg, opts) => {
    const nb = targetNotebook(arg);
    if (!nb) return noNotebook();
    return exportForIssue(nb, kernels, credentials, opts as ExportArgs | undefined);
  });
  command('rdkafka.showVariables', () => variables.reveal());
  command('rdkafka.debugCell', (arg) => {
    // From a cell's menu the argument is the cell; from the palette, the selected cell.
    const given = arg as vscode.NotebookCell | undefined;
    const editor = vscode.window.activeNotebookEditor;
    const cell =
      given && typeof given.index === 'number' && given.notebook
        ? given
        : editor && editor.notebook.cellCount > 0
          ? editor.notebook.cellAt(editor.selection.start)
          : undefined;
    return cell ? debuggerOfCells.debugCell(cell) : noNotebook();
  });
  command('rdkafka.setClusterCredentials', (arg) => {
    const nb = vscode.window.activeNotebookEditor?.notebook;
    const suggested = nb?.notebookType === NOTEBOOK_TYPE ? bootstrapFor(nb.uri, nb.metadata) : undefined;
    return setClusterCredentials(credentials, arg as SaslInput | undefined, suggested);
  });
  command('rdkafka.clearClusterCredentials', (arg) =>
    clearClusterCredentials(credentials, arg as { bootstrap?: string; all?: boolean } | undefined),
  );
  // Credentials an earlier version stored for any cluster are not used: say so once.
  void credentials.hasLegacy().then((legacy) => {
    if (legacy)
      void vscode.window.showWarningMessage(
        'SASL credentials stored by an earlier rdkafka workbench were not bound to a cluster and are no longer used: store them again for their cluster with "librdkafka: Set SASL Credentials for the Cluster…".',
      );
  });

  return {
    bindings: { dir: () => bindings.dir, exists: () => bindings.exists() },
    kernel: (nb: vscode.NotebookDocument) => {
      const k = kernels.find(nb);
      return (
        k && {
          state: k.state,
          version: k.info?.librdkafka.version,
          executionOrder: k.executionOrder,
          lastExit: k.lastExit,
          events: k.events.length,
        }
      );
    },
    panelStats: (nb: vscode.NotebookDocument) => panels.stats(nb),
    /** The events a notebook's kernel published so far (its panel's history). */
    events: (nb: vscode.NotebookDocument) => kernels.find(nb)?.events.slice() ?? [],
    /** What the panel of a traced program (Trace a Program's session key) received. */
    sourcePanelStats: (key: string) => panels.statsOf(key),
    statusBarText: () => status.current(),
    cellDiagnostics: (doc: vscode.TextDocument) => intellisense.refresh(doc),
    intelliSenseState: () => intellisense.state,
    variables: () => variables.last,
    shownClusterConfig: (bootstrap: string) => credentials.shown(bootstrap),
    pendingClusterApproval: () => approval.pending,
    scenarioPicks: () => shownScenarioPicks(),
    kernelChoices: () => picker.choices().map((c) => ({ id: c.id, label: c.label, spec: c.spec })),
  };
}

export function deactivate() {}
