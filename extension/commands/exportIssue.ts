// **Export for a librdkafka Issue…**: the notebook's run (its cells and outputs, the kernel's events and
// each handle's configuration) written by the shared bundle writer into a new folder beside the notebook,
// then the summary offered for pasting into a GitHub issue. Thin glue over extension/export/bundle.ts.
import * as vscode from 'vscode';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { writeBundle } from '../export/bundle.ts';
import type { CellData } from '../notebook/format.ts';
import { fromVSCodeOutput } from '../notebook/serializer.ts';
import type { CellOutput } from '../../protocol/index.ts';
import type { KernelManager } from '../kernels.ts';
import type { Credentials } from '../credentials.ts';

export interface ExportArgs {
  /** Folder to write (tests); default a new folder beside the notebook. */
  dir?: string;
  /** Do not offer to open or copy the summary (tests). */
  quiet?: boolean;
}

function cellsOf(nb: vscode.NotebookDocument): CellData[] {
  return nb.getCells().map((c) => ({
    kind: c.kind === vscode.NotebookCellKind.Markup ? 'markdown' : 'code',
    language: c.document.languageId,
    source: c.document.getText(),
    outputs: c.outputs.map(fromVSCodeOutput).filter((o): o is CellOutput => o !== undefined),
  }));
}

function defaultDir(nb: vscode.NotebookDocument): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
  const name = basename(nb.uri.path).replace(/\.rdkafka$/, '') || 'notebook';
  const base =
    nb.uri.scheme === 'file'
      ? dirname(nb.uri.fsPath)
      : (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? tmpdir());
  return join(base, `librdkafka-issue-${name}-${stamp}`);
}

export async function exportForIssue(
  nb: vscode.NotebookDocument,
  kernels: KernelManager,
  credentials: Credentials,
  args: ExportArgs = {},
): Promise<string | undefined> {
  const kernel = kernels.find(nb);
  const dir = args.dir ?? defaultDir(nb);
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Exporting for a librdkafka issue' },
    async (progress) => {
      progress.report({ message: 'collecting the secrets to leave out…' });
      const bootstrap = kernel?.info?.bootstrap;
      const secrets =
        bootstrap && bootstrap !== 'mock' ? Object.values((await credentials.get(bootstrap)) ?? {}) : [];
      if (kernel?.client?.alive)
        secrets.push(...(await kernel.client.control.secrets().catch(() => [] as string[])));
      progress.report({ message: `writing ${dir}` });
      try {
        const r = await writeBundle(dir, {
          title: basename(nb.uri.path),
          cells: cellsOf(nb),
          events: kernel?.events ?? [],
          librdkafka: kernel?.info?.librdkafka ?? null,
          bootstrap: kernel?.info?.bootstrap ?? null,
          tool: `VS Code ${vscode.version}`,
          status: kernel?.state ?? 'not started',
          secrets,
        });
        if (!args.quiet) {
          const open = 'Open Summary';
          const copy = 'Copy Summary';
          void vscode.window
            .showInformationMessage(
              `Exported ${r.files.length} files to ${r.dir}: paste ISSUE.md into the issue.`,
              open,
              copy,
            )
            .then(async (pick) => {
              if (pick === open)
                await vscode.window.showTextDocument(vscode.Uri.file(join(r.dir, 'ISSUE.md')));
              else if (pick === copy) await vscode.env.clipboard.writeText(r.summary);
            });
        }
        return r.dir;
      } catch (e) {
        void vscode.window.showErrorMessage(`The export failed: ${(e as Error).message}`);
        return undefined;
      }
    },
  );
}
