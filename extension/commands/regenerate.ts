// "librdkafka: Regenerate Bindings from rdkafka.h…": pick the header (the picker starts at the discovered
// one; scripts and tests pass it as an argument), optionally a library, generate with a progress
// notification, log the summary, and offer to restart running kernels on the new bindings.
import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import type { Bindings } from '../bindings.ts';
import type { KernelManager } from '../kernels.ts';
import { discoverHeader } from '../../gen/discover.ts';
import { settings } from '../settings.ts';

export interface RegenerateArgs {
  header?: string;
  library?: string;
  compiler?: string;
  /** Restart running kernels without asking (true) or leave them (false); unset: ask. */
  restartKernels?: boolean;
}

export type RegenerateResult = { ok: true; dir: string; summary: string[] } | { ok: false; error: string };

async function pickHeader(): Promise<string | undefined> {
  const s = settings();
  const start = s.headerPath || discoverHeader();
  const picked = await vscode.window.showOpenDialog({
    title: 'Regenerate bindings from which rdkafka.h?',
    openLabel: 'Generate Bindings',
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    filters: { 'C header': ['h'] },
    ...(start ? { defaultUri: vscode.Uri.file(start) } : {}),
  });
  return picked?.[0]?.fsPath;
}

async function pickLibrary(header: string): Promise<string | null | undefined> {
  const matching = 'Use the library matching the header';
  const other = 'Choose librdkafka.so…';
  const choice = await vscode.window.showQuickPick([matching, other], {
    title: `Library for ${basename(header)}`,
    ignoreFocusOut: true,
  });
  if (!choice) return undefined;
  if (choice === matching) return null;
  const picked = await vscode.window.showOpenDialog({
    title: 'Which librdkafka shared library?',
    canSelectFiles: true,
    canSelectMany: false,
    defaultUri: vscode.Uri.file(dirname(header)),
  });
  return picked?.[0]?.fsPath;
}

export async function regenerateBindings(
  bindings: Bindings,
  kernels: KernelManager,
  log: vscode.LogOutputChannel,
  arg?: RegenerateArgs | string | vscode.Uri,
): Promise<RegenerateResult | undefined> {
  const args: RegenerateArgs =
    typeof arg === 'string'
      ? { header: arg }
      : arg instanceof vscode.Uri
        ? { header: arg.fsPath }
        : (arg ?? {});
  // Generating runs the C compiler on the header and loads the generated bindings.js to check it: code
  // that came with the workspace. Not before the user trusts it.
  if (!vscode.workspace.isTrusted) {
    const error =
      'Regenerating bindings runs the C compiler and loads the code generated from the header: trust this workspace first (Manage Workspace Trust).';
    void vscode.window.showWarningMessage(error, 'Manage Workspace Trust').then((pick) => {
      if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return { ok: false, error };
  }
  const interactive = !args.header;
  const header = args.header ?? (await pickHeader());
  if (!header) return undefined;
  let library = args.library ?? settings().libraryPath;
  if (interactive && !library) {
    const picked = await pickLibrary(header);
    if (picked === undefined) return undefined;
    library = picked ?? '';
  }
  try {
    const outcome = await bindings.generateWithProgress({
      header,
      compiler: args.compiler ?? settings().compiler,
      ...(library ? { library } : {}),
    });
    log.show(true);
    const running = kernels.running();
    const headline = `Bindings regenerated: librdkafka ${outcome.report.librdkafka.version} from ${header}.`;
    if (args.restartKernels === true) await Promise.all(running.map((k) => k.restart()));
    else if (running.length && args.restartKernels === undefined) {
      const restart = `Restart ${running.length} Kernel${running.length > 1 ? 's' : ''}`;
      void vscode.window
        .showInformationMessage(`${headline} Running kernels still use the old ones.`, restart)
        .then(async (pick) => {
          if (pick === restart) await Promise.all(running.map((k) => k.restart()));
        });
    } else void vscode.window.showInformationMessage(headline);
    return { ok: true, dir: outcome.dir, summary: outcome.summary };
  } catch (e) {
    const error = (e as Error).message;
    void vscode.window
      .showErrorMessage(
        `Bindings were not regenerated; the previous bindings are unchanged. ${error}`,
        'Show Log',
      )
      .then((pick) => {
        if (pick) log.show();
      });
    return { ok: false, error };
  }
}
