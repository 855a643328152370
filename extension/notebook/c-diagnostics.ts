// Compile errors and warnings of C cells as diagnostics on the cell's own lines (squiggles, the Problems
// view). The kernel sends them with the cell's CompileError output, or with the compiler's text on stderr
// when the cell built with warnings (CellOutput.diagnostics); a new run of the cell clears them.
import * as vscode from 'vscode';
import type { CellDiagnostic, CellOutput } from '../../protocol/index.ts';

const SEVERITY: Record<CellDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  note: vscode.DiagnosticSeverity.Information,
};

export class CellCompileDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('rdkafka-c');

  /** Before a cell runs: what its last compile said no longer holds. */
  clear(cell: vscode.NotebookCell): void {
    this.collection.delete(cell.document.uri);
  }

  /** Shows the diagnostics an output carries, if any. */
  fromOutput(cell: vscode.NotebookCell, output: CellOutput): void {
    // A CompileError's, or the warnings of a cell that built (its compiler output on stderr).
    if ((output.kind !== 'error' && output.kind !== 'stream') || !output.diagnostics?.length) return;
    const doc = cell.document;
    const lastLine = Math.max(0, doc.lineCount - 1);
    this.collection.set(
      doc.uri,
      output.diagnostics.map((d) => {
        const line = Math.min(Math.max(0, d.line - 1), lastLine);
        const start = new vscode.Position(line, Math.max(0, d.column - 1));
        const range =
          doc.getWordRangeAtPosition(start) ?? new vscode.Range(start, doc.lineAt(line).range.end);
        const diag = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity]);
        diag.source = 'cc';
        return diag;
      }),
    );
  }

  dispose(): void {
    this.collection.dispose();
  }
}
