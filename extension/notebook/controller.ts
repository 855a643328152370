// The NotebookController `rdkafka-kernel`: runs cells one after another in the notebook's kernel, streams
// outputs into the cell as they come, maps interrupt to the kernel, and refuses to run anything in an
// untrusted workspace (notebooks still open and render there).
import * as vscode from 'vscode';
import type { CellOutput } from '../../protocol/index.ts';
import type { KernelManager, NotebookKernel } from '../kernels.ts';
import { NOTEBOOK_TYPE, toVSCodeOutput } from './serializer.ts';
import { CellCompileDiagnostics } from './c-diagnostics.ts';
import { LiveOutputs } from './live-outputs.ts';
import { editorSkipMessage } from './requires.ts';
import { kernelDiedOutput } from './failures.ts';
import { offerRestart } from '../commands/restart.ts';
import { forVSCode } from '../commands/wording.ts';
import type { ExitInfo } from '../kernel/client.ts';

export const CONTROLLER_ID = 'rdkafka-kernel';

export const UNTRUSTED_MESSAGE =
  'rdkafka workbench runs no cells in an untrusted workspace: cells load librdkafka through native code and run with your rights. Trust this folder (Manage Workspace Trust) to run them.';

export class RdkafkaController implements vscode.Disposable {
  /** The system librdkafka's controller; versions' controllers are made alike with create(). */
  readonly controller: vscode.NotebookController;
  /** Every controller this class serves (one per librdkafka version, extension/notebook/picker.ts). */
  private readonly controllers = new Set<vscode.NotebookController>();
  /** Called before a controller runs cells of a notebook (the picker points the kernel at its version). */
  beforeRun: ((notebook: vscode.NotebookDocument, controller: vscode.NotebookController) => void) | undefined;
  /** Per notebook: the tail of the queue of runs, so that cells run strictly one after another. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Per notebook: executions waiting for their turn (ended without running when the run is interrupted). */
  private readonly pending = new Map<string, Set<vscode.NotebookCellExecution>>();
  /** C cells' compile errors on their lines. */
  private readonly compileDiagnostics = new CellCompileDiagnostics();

  constructor(private readonly kernels: KernelManager) {
    this.controller = vscode.notebooks.createNotebookController(CONTROLLER_ID, NOTEBOOK_TYPE, 'librdkafka');
    // C cells are compiled and run as programs under the tracer (extension/kernel/c-cell.ts).
    this.controller.supportedLanguages = ['typescript', 'javascript', 'c'];
    this.controller.supportsExecutionOrder = true;
    this.controller.description = 'TypeScript + librdkafka C API';
    this.controller.detail = vscode.workspace.isTrusted
      ? 'One kernel process per notebook, mock cluster by default'
      : 'Disabled: this workspace is not trusted';
    this.controller.executeHandler = (cells, notebook, c) => this.execute(cells, notebook, c);
    this.controller.interruptHandler = (notebook) => this.interrupt(notebook);
    this.controllers.add(this.controller);
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      for (const c of this.controllers) c.detail = 'One kernel process per notebook, mock cluster by default';
    });
    // Which controller each notebook prefers (the one of its librdkafka version) is the picker's business.
  }

  /** Another controller running cells the same way (a librdkafka version's kernel in the picker). */
  create(id: string, label: string, description: string): vscode.NotebookController {
    const c = vscode.notebooks.createNotebookController(id, NOTEBOOK_TYPE, label);
    c.supportedLanguages = this.controller.supportedLanguages;
    c.supportsExecutionOrder = this.controller.supportsExecutionOrder;
    c.description = description;
    c.detail = this.controller.detail;
    c.executeHandler = (cells, notebook, ctrl) => this.execute(cells, notebook, ctrl);
    c.interruptHandler = (notebook) => this.interrupt(notebook);
    this.controllers.add(c);
    return c;
  }

  /** A version's controller goes (its version was removed). */
  release(c: vscode.NotebookController): void {
    this.controllers.delete(c);
    c.dispose();
  }

  interrupt(notebook: vscode.NotebookDocument): void {
    const key = notebook.uri.toString();
    // Cells still waiting do not run after an interrupt; the running one is stopped by the kernel.
    for (const exec of this.pending.get(key) ?? []) exec.end(undefined);
    this.pending.get(key)?.clear();
    this.kernels.find(notebook)?.interrupt();
  }

  private execute(
    cells: vscode.NotebookCell[],
    notebook: vscode.NotebookDocument,
    controller: vscode.NotebookController = this.controller,
  ): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(UNTRUSTED_MESSAGE, 'Manage Workspace Trust').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return Promise.resolve();
    }
    this.beforeRun?.(notebook, controller);
    const key = notebook.uri.toString();
    const waiting = this.pending.get(key) ?? new Set();
    this.pending.set(key, waiting);
    const executions = cells.map((cell) => {
      const exec = controller.createNotebookCellExecution(cell);
      waiting.add(exec);
      exec.token.onCancellationRequested(() => {
        if (waiting.delete(exec)) exec.end(undefined);
        else this.kernels.find(notebook)?.interrupt();
      });
      return exec;
    });
    const run = async () => {
      for (const exec of executions) {
        if (!waiting.delete(exec)) continue; // cancelled while waiting
        const ok = await this.runCell(exec, this.kernels.get(notebook));
        if (!ok) {
          // After an error, an interrupt or a crash the rest of this run does not happen (as in Jupyter).
          for (const rest of executions) if (waiting.delete(rest)) rest.end(undefined);
          break;
        }
      }
    };
    const next = (this.queues.get(key) ?? Promise.resolve()).then(run, run);
    this.queues.set(key, next);
    return next;
  }

  /** Runs one cell; resolves whether the run may go on with the next cell. */
  private async runCell(exec: vscode.NotebookCellExecution, kernel: NotebookKernel): Promise<boolean> {
    exec.start(Date.now());
    await exec.clearOutput();
    let client;
    try {
      client = await kernel.ensure();
    } catch (e) {
      const message = forVSCode((e as Error).message);
      await exec.replaceOutput(
        toVSCodeOutput({ kind: 'error', name: 'KernelStartError', message, stack: '' }),
      );
      const regenerate = 'Regenerate Bindings…';
      const openSettings = 'Open Settings';
      void vscode.window
        .showErrorMessage(`The librdkafka kernel could not start: ${message}`, regenerate, openSettings)
        .then((pick) => {
          if (pick === regenerate) void vscode.commands.executeCommand('rdkafka.regenerateBindings');
          else if (pick === openSettings)
            void vscode.commands.executeCommand('workbench.action.openSettings', 'rdkafka.');
        });
      exec.end(false, Date.now());
      return false;
    }
    // A notebook that needs another librdkafka (its "requires" metadata) does not run on this kernel.
    const unmet = editorSkipMessage(
      exec.cell.notebook.metadata,
      client.info.librdkafka.version,
      client.info.bootstrap,
    );
    if (unmet) {
      await exec.replaceOutput(toVSCodeOutput({ kind: 'error', name: 'Skipped', message: unmet, stack: '' }));
      exec.end(false, Date.now());
      return false;
    }
    exec.executionOrder = ++kernel.executionOrder;
    kernel.setState('busy');
    // In order, and bounded as in the CLI (live-outputs.ts, output-limit.ts).
    const live = new LiveOutputs(exec);
    this.compileDiagnostics.clear(exec.cell);
    const onOutput = (o: CellOutput) => {
      this.compileDiagnostics.fromOutput(exec.cell, o);
      live.add(o);
    };
    let status: 'ok' | 'error' | 'interrupted' = 'error';
    // A kernel that dies under the cell: the cell says what happened and what to do, a notification
    // offers the restart (the client's own one-line KernelDied is replaced by that).
    let exit: ExitInfo | undefined;
    let died: CellOutput | undefined;
    const offExit = client.onExit((info) => (exit = info));
    const cellNumber = exec.cell.index + 1;
    try {
      ({ status } = await client.execute(
        cellNumber,
        exec.cell.document.getText(),
        (o) => {
          if (o.kind === 'error' && o.name === 'KernelDied') died = o;
          else onOutput(o);
        },
        exec.cell.document.languageId,
      ));
    } catch (e) {
      onOutput({ kind: 'error', name: 'KernelError', message: (e as Error).message, stack: '' });
    }
    offExit();
    if (exit && died) {
      onOutput(kernelDiedOutput(exit));
      offerRestart(exec.cell.notebook, cellNumber, exit, this.kernels.log);
    } else if (died) onOutput(died);
    await live.done();
    if (kernel.client === client && client.alive) kernel.setState('idle');
    exec.end(status === 'ok', Date.now());
    return status === 'ok';
  }

  dispose(): void {
    this.compileDiagnostics.dispose();
    for (const c of [...this.controllers]) c.dispose();
  }
}
