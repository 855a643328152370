// `.rdkafka` files ↔ VS Code notebooks, over the one format module the CLI uses too. Unknown fields of
// the file, the notebook and each cell ride along in metadata so that saving writes them back.
import * as vscode from 'vscode';
import { parseNotebookBytes, serializeNotebook, type CellData, type NotebookData } from './format.ts';
import { cellOutputFrom, outputItems, type OutputMeta } from './outputs.ts';
import type { CellOutput } from '../../protocol/index.ts';

export const NOTEBOOK_TYPE = 'rdkafka-notebook';

/** Cell metadata key holding the cell's fields this extension does not interpret. */
const EXTRA = 'rdkafka';

export function toVSCodeOutput(o: CellOutput): vscode.NotebookCellOutput {
  const items = outputItems(o).map((i) => new vscode.NotebookCellOutputItem(i.data, i.mime));
  const meta: OutputMeta = { rdkafkaKind: o.kind };
  return new vscode.NotebookCellOutput(items, { ...meta });
}

export function fromVSCodeOutput(o: vscode.NotebookCellOutput): CellOutput | undefined {
  return cellOutputFrom(
    o.items.map((i) => ({ mime: i.mime, data: i.data })),
    o.metadata as Partial<OutputMeta> | undefined,
  );
}

export function toNotebookData(file: NotebookData): vscode.NotebookData {
  const cells = file.cells.map((c) => {
    const { kind, language, source, outputs, executionCount, ...extra } = c;
    const cell = new vscode.NotebookCellData(
      kind === 'markdown' ? vscode.NotebookCellKind.Markup : vscode.NotebookCellKind.Code,
      source,
      kind === 'markdown' ? 'markdown' : language,
    );
    cell.outputs = outputs.map(toVSCodeOutput);
    if (executionCount !== undefined) cell.executionSummary = { executionOrder: executionCount };
    if (Object.keys(extra).length) cell.metadata = { [EXTRA]: extra };
    return cell;
  });
  const { rdkafkaNotebook: _version, metadata, cells: _cells, ...extra } = file;
  const data = new vscode.NotebookData(cells);
  data.metadata = { ...metadata, ...(Object.keys(extra).length ? { [EXTRA]: extra } : {}) };
  return data;
}

export function fromNotebookData(data: vscode.NotebookData): NotebookData {
  const { [EXTRA]: extraTop, ...metadata } = (data.metadata ?? {}) as Record<string, unknown>;
  const cells: CellData[] = data.cells.map((c) => {
    const extra = (c.metadata?.[EXTRA] ?? {}) as Record<string, unknown>;
    const markdown = c.kind === vscode.NotebookCellKind.Markup;
    const order = markdown ? undefined : c.executionSummary?.executionOrder;
    return {
      ...extra,
      kind: markdown ? 'markdown' : 'code',
      language: markdown ? 'markdown' : c.languageId,
      source: c.value,
      outputs: (c.outputs ?? []).map(fromVSCodeOutput).filter((o): o is CellOutput => o !== undefined),
      ...(order !== undefined ? { executionCount: order } : {}),
    };
  });
  return { ...((extraTop ?? {}) as Record<string, unknown>), rdkafkaNotebook: 1, metadata, cells };
}

export class RdkafkaSerializer implements vscode.NotebookSerializer {
  deserializeNotebook(content: Uint8Array): vscode.NotebookData {
    // A malformed file (or one that is not UTF-8) throws NotebookFormatError; VS Code shows its message and
    // opens nothing, so nothing can be saved over the file on disk.
    return toNotebookData(parseNotebookBytes(content, 'this .rdkafka file'));
  }

  serializeNotebook(data: vscode.NotebookData): Uint8Array {
    return new TextEncoder().encode(serializeNotebook(fromNotebookData(data)));
  }
}
