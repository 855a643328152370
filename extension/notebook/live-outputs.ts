// A running cell's outputs in VS Code, bounded like the CLI's (output-limit.ts): the head is appended as it
// comes; past the limit one output shows the dropped line and the latest text (refreshed at most every
// TAIL_REFRESH_MS); when the cell ends its outputs are the head, that line and the tail.
import * as vscode from 'vscode';
import type { CellOutput } from '../../protocol/index.ts';
import { LimitedOutputs } from './output-limit.ts';
import { outputItems } from './outputs.ts';
import { toVSCodeOutput } from './serializer.ts';

const TAIL_REFRESH_MS = 250;

const items = (o: CellOutput) => outputItems(o).map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime));

export class LiveOutputs {
  private readonly limited = new LimitedOutputs();
  // Output calls are asynchronous: chain them so they land in the order the kernel sent them.
  private chain: Thenable<void> = Promise.resolve();
  private last: { output: vscode.NotebookCellOutput; stream: string } | undefined;
  private tail: vscode.NotebookCellOutput | undefined;
  private refresh: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly exec: vscode.NotebookCellExecution) {}

  add(o: CellOutput): void {
    const head = this.limited.add(o);
    if (head) this.then(() => this.append(head));
    else this.refresh ??= setTimeout(() => this.then(() => this.showTail()), TAIL_REFRESH_MS);
  }

  /** Waits for every output to be in place; the cell's outputs are then the bounded ones. */
  async done(): Promise<void> {
    if (this.refresh) clearTimeout(this.refresh);
    this.refresh = undefined;
    if (this.limited.full)
      this.then(() => this.exec.replaceOutput(this.limited.outputs().map(toVSCodeOutput)));
    await this.chain;
  }

  private then(step: () => Thenable<void>): void {
    this.chain = this.chain.then(step, step);
  }

  private async append(o: CellOutput): Promise<void> {
    if (o.kind === 'stream' && this.last?.stream === o.name) {
      await this.exec.appendOutputItems(items(o), this.last.output);
      return;
    }
    const output = toVSCodeOutput(o);
    this.last = o.kind === 'stream' ? { output, stream: o.name } : undefined;
    await this.exec.appendOutput(output);
  }

  /** The dropped line and the tail so far, as one text output after the head. */
  private async showTail(): Promise<void> {
    this.refresh = undefined;
    const text = this.limited
      .rest()
      .map((o) => (o.kind === 'stream' ? o.text : o.kind === 'error' ? `${o.name}: ${o.message}\n` : ''))
      .join('');
    const item = items({ kind: 'stream', name: 'stdout', text });
    if (!this.tail) {
      this.tail = new vscode.NotebookCellOutput(item);
      await this.exec.appendOutput(this.tail);
    } else await this.exec.replaceOutputItems(item, this.tail);
  }
}
