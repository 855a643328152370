// Every installed librdkafka is a kernel in VS Code's kernel picker, as Jupyter shows one kernel per Python
// environment: one NotebookController per version (the system library's is the controller of
// controller.ts). A notebook prefers the controller of the version its metadata names; picking another
// records it there ("librdkafka": "2.15.1"; the system library: "system" when the notebook named a version)
// and starts that version's kernel.
import * as vscode from 'vscode';
import type { KernelManager } from '../kernels.ts';
import { wantedLibrdkafka } from '../kernel-library.ts';
import type { KernelChoice, LibrdkafkaVersions } from '../versions.ts';
import { CONTROLLER_ID, type RdkafkaController } from './controller.ts';
import { NOTEBOOK_TYPE } from './serializer.ts';

const EXTENSION_ID = 'rdkafka-workbench.rdkafka-workbench';

interface Entry {
  controller: vscode.NotebookController;
  choice: KernelChoice;
}

export class KernelPicker implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Per notebook (URI): the choice last selected for it. */
  private readonly selected = new Map<string, KernelChoice>();
  private readonly subs: vscode.Disposable[] = [];
  private readonly emitter = new vscode.EventEmitter<vscode.NotebookDocument | undefined>();
  /** A notebook's librdkafka changed (picked, or its metadata edited), or the set of versions did. */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly rdkafka: RdkafkaController,
    versions: LibrdkafkaVersions,
    private readonly kernels: KernelManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.sync(versions.choices());
    for (const editor of vscode.window.visibleNotebookEditors) this.select(editor);
    rdkafka.beforeRun = (notebook, controller) => {
      // A notebook naming a version that is not installed runs on it only (and so says what to add) until
      // the user picks another kernel for it.
      if (this.missingFor(notebook)) return;
      const entry = [...this.entries.values()].find((e) => e.controller === controller);
      if (entry) this.kernels.get(notebook).use(entry.choice.spec);
    };
    this.subs.push(
      this.emitter,
      versions.onDidChange((choices) => this.sync(choices)),
      vscode.workspace.onDidOpenNotebookDocument((nb) => this.prefer(nb)),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.selected.delete(nb.uri.toString())),
      vscode.window.onDidChangeVisibleNotebookEditors((editors) => editors.forEach((e) => this.select(e))),
      vscode.workspace.onDidChangeNotebookDocument((e) => {
        if (e.metadata === undefined) return;
        this.prefer(e.notebook);
        this.emitter.fire(e.notebook);
      }),
    );
  }

  /** The choice a notebook runs on: the one picked for it, else the one its metadata names. */
  choiceFor(notebook: vscode.NotebookDocument): KernelChoice | undefined {
    const picked = this.selected.get(notebook.uri.toString());
    if (picked) return picked;
    const spec = wantedLibrdkafka(notebook, undefined);
    return [...this.entries.values()].find((e) => e.choice.spec === spec)?.choice;
  }

  /** What a notebook's metadata asks for when that version is not installed (for the status bar). */
  missingFor(notebook: vscode.NotebookDocument): string | undefined {
    if (this.selected.has(notebook.uri.toString())) return undefined;
    const spec = wantedLibrdkafka(notebook, undefined);
    return [...this.entries.values()].some((e) => e.choice.spec === spec) ? undefined : spec;
  }

  /**
   * Per notebook whose kernel is an installed version: that version's rdkafka.d.ts (for the TypeScript
   * plugin; notebooks on the system library keep the workspace's bindings). Keys are notebook URI paths.
   */
  declarations(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const nb of vscode.workspace.notebookDocuments) {
      if (nb.notebookType !== NOTEBOOK_TYPE) continue;
      const dts = this.choiceFor(nb)?.dtsPath;
      if (dts) out[nb.uri.path] = dts;
    }
    return out;
  }

  /** "2.15.1" for the status bar of a notebook whose kernel has not started; "2.16.0 (not installed)". */
  statusLabel(notebook: vscode.NotebookDocument): string | undefined {
    const missing = this.missingFor(notebook);
    if (missing) return `${missing} (not installed)`;
    return this.choiceFor(notebook)?.label.replace(/^librdkafka /, '');
  }

  choices(): KernelChoice[] {
    return [...this.entries.values()].map((e) => e.choice);
  }

  private sync(choices: KernelChoice[]): void {
    for (const choice of choices) {
      const known = this.entries.get(choice.id);
      if (known) {
        known.choice = choice;
        known.controller.label = choice.label;
        continue;
      }
      const controller =
        choice.id === CONTROLLER_ID
          ? this.rdkafka.controller
          : this.rdkafka.create(choice.id, choice.label, 'TypeScript + librdkafka C API');
      controller.label = choice.label;
      const entry: Entry = { controller, choice };
      this.entries.set(choice.id, entry);
      this.subs.push(
        controller.onDidChangeSelectedNotebooks(({ notebook, selected }) => {
          if (selected) void this.picked(notebook, entry.choice);
        }),
      );
    }
    for (const [id, entry] of this.entries)
      if (id !== CONTROLLER_ID && !choices.some((c) => c.id === id)) {
        this.entries.delete(id);
        this.rdkafka.release(entry.controller);
      }
    for (const nb of vscode.workspace.notebookDocuments) this.prefer(nb);
    this.emitter.fire(undefined);
  }

  /**
   * A notebook shown in an editor without a kernel gets its version's: VS Code only runs cells on a kernel
   * bound to the notebook (or the only one there is), whatever the affinity says.
   */
  private select(editor: vscode.NotebookEditor): void {
    const nb = editor.notebook;
    if (nb.notebookType !== NOTEBOOK_TYPE || this.selected.has(nb.uri.toString()) || this.missingFor(nb))
      return;
    const choice = this.choiceFor(nb);
    if (!choice) return;
    void vscode.commands.executeCommand('notebook.selectKernel', {
      notebookEditor: editor,
      id: choice.id,
      extension: EXTENSION_ID,
      skipIfAlreadySelected: true,
    });
  }

  /** The controller of the notebook's version is the preferred one (VS Code suggests it first). */
  private prefer(nb: vscode.NotebookDocument): void {
    if (nb.notebookType !== NOTEBOOK_TYPE) return;
    const spec = wantedLibrdkafka(nb, undefined);
    for (const { controller, choice } of this.entries.values())
      controller.updateNotebookAffinity(
        nb,
        choice.spec === spec
          ? vscode.NotebookControllerAffinity.Preferred
          : vscode.NotebookControllerAffinity.Default,
      );
  }

  private async picked(notebook: vscode.NotebookDocument, choice: KernelChoice): Promise<void> {
    // The notebook names a version that is not installed: VS Code may have selected a kernel on its own, so
    // the metadata is not rewritten without asking (running it says which version to add).
    const missing = this.missingFor(notebook);
    if (missing && missing !== choice.spec) {
      const add = 'Add librdkafka Version…';
      const use = `Use ${choice.label}`;
      const pick = await vscode.window.showWarningMessage(
        `This notebook runs on librdkafka ${missing} ("librdkafka" in its metadata), which is not installed.`,
        add,
        use,
      );
      if (pick === add) void vscode.commands.executeCommand('rdkafka.addLibrdkafkaVersion');
      if (pick !== use) return;
    }
    this.selected.set(notebook.uri.toString(), choice);
    // No kernel object is made here (none exists in an untrusted workspace): the first run makes it.
    const switched = this.kernels.find(notebook)?.use(choice.spec) ?? false;
    const recorded = await this.record(notebook, choice);
    this.emitter.fire(notebook);
    this.log.info(`${notebook.uri.toString()} runs on ${choice.label}`);
    // A kernel is started when the user changed the version; opening a notebook selects its own quietly.
    if ((switched || recorded) && vscode.workspace.isTrusted) {
      const kernel = this.kernels.get(notebook);
      kernel.use(choice.spec);
      kernel
        .ensure()
        .catch((e: Error) => this.log.warn(`the ${choice.label} kernel did not start: ${e.message}`));
    }
  }

  /** Writes the choice into the notebook's metadata; true when that changed it. */
  private async record(notebook: vscode.NotebookDocument, choice: KernelChoice): Promise<boolean> {
    const current = notebook.metadata?.librdkafka;
    // The system library: no key, or "system" (an edit cannot remove a key, only set one).
    if (choice.system ? wantedLibrdkafka(notebook, undefined) === 'system' : current === choice.spec)
      return false;
    const next = { ...notebook.metadata, librdkafka: choice.spec };
    const edit = new vscode.WorkspaceEdit();
    edit.set(notebook.uri, [vscode.NotebookEdit.updateNotebookMetadata(next)]);
    return vscode.workspace.applyEdit(edit);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
