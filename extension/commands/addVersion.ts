// "librdkafka: Add librdkafka Version…": a release version, a source tarball, a source folder or an npm
// package that bundles librdkafka's source (scripts and tests pass the source as the argument), built by
// the library manager (versions/) with a cancellable progress notification. Its kernel joins the picker
// at once (the versions list is refreshed), and the active notebook can switch to it.
import * as vscode from 'vscode';
import { addVersion, LibraryError, type AddProgress } from '../../versions/index.ts';
import { VERSION_NAME } from '../../versions/paths.ts';
import type { LibrdkafkaVersions } from '../versions.ts';
import { versionControllerId } from '../versions.ts';
import { NOTEBOOK_TYPE } from '../notebook/serializer.ts';

export type AddVersionResult = { ok: true; version: string; already: boolean } | { ok: false; error: string };

const EXAMPLE_NPM = 'npm:@confluentinc/kafka-javascript@1.10.1';

async function askSource(): Promise<string | undefined> {
  const kinds = [
    {
      label: '$(tag) A release version…',
      detail: "Downloaded from librdkafka's GitHub releases, e.g. 2.15.1",
      from: 'version',
    },
    {
      label: '$(package) An npm package that bundles librdkafka…',
      detail: `e.g. ${EXAMPLE_NPM} (2.15.1) or npm:node-rdkafka@3.6.1 (2.12.0)`,
      from: 'npm',
    },
    {
      label: '$(file-zip) A source tarball (.tar.gz)…',
      detail: "librdkafka's source release, or a mirror's copy",
      from: 'tarball',
    },
    {
      label: '$(folder) A source folder…',
      detail: 'A git checkout or an unpacked release (built in a copy)',
      from: 'folder',
    },
  ] as const;
  const pick = await vscode.window.showQuickPick(kinds, {
    title: 'Add a librdkafka version: from where?',
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  switch (pick.from) {
    case 'version':
      return vscode.window.showInputBox({
        title: 'librdkafka version',
        prompt: 'Without internet access use an npm package, a tarball or a folder instead.',
        placeHolder: '2.15.1',
        ignoreFocusOut: true,
        validateInput: (v) =>
          VERSION_NAME.test(v.trim().replace(/^v/, '')) ? null : 'a version such as 2.15.1',
      });
    case 'npm':
      return vscode.window.showInputBox({
        title: 'npm package bundling librdkafka (deps/librdkafka)',
        value: EXAMPLE_NPM,
        ignoreFocusOut: true,
        validateInput: (v) => (/^npm:.+/.test(v.trim()) ? null : 'npm:PACKAGE@VERSION'),
      });
    case 'tarball': {
      const files = await vscode.window.showOpenDialog({
        title: "librdkafka's source tarball",
        canSelectFiles: true,
        canSelectMany: false,
        filters: { 'Source tarball': ['gz', 'tgz', 'tar'] },
      });
      return files?.[0]?.fsPath;
    }
    case 'folder': {
      const dirs = await vscode.window.showOpenDialog({
        title: "librdkafka's source folder",
        canSelectFiles: false,
        canSelectFolders: true,
        canSelectMany: false,
      });
      return dirs?.[0]?.fsPath;
    }
  }
}

/** Progress notification increments: configure 5 %, compiling up to 90 %, then linking and bindings. */
function progressReporter(progress: vscode.Progress<{ message?: string; increment?: number }>) {
  let at = 0;
  const to = (pct: number, message: string) => {
    const increment = Math.max(0, pct - at);
    at = Math.max(at, pct);
    progress.report({ message, increment });
  };
  return (p: AddProgress) => {
    if (p.step === 'compile' && p.total) to(5 + Math.round((85 * (p.done ?? 0)) / p.total), p.message);
    else if (p.step === 'configure') to(3, p.message);
    else if (p.step === 'link') to(90, p.message);
    else if (p.step === 'install') to(Math.max(at, 92), p.message);
    else if (p.step === 'bindings') to(Math.max(at, 95), p.message);
    else to(at, p.message);
  };
}

export async function addLibrdkafkaVersion(
  versions: LibrdkafkaVersions,
  log: vscode.LogOutputChannel,
  arg?: unknown,
): Promise<AddVersionResult | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'Adding a librdkafka version builds it (its configure script and make run with your rights): trust this workspace first.',
    );
    return undefined;
  }
  const source = typeof arg === 'string' ? arg : await askSource();
  if (!source?.trim()) return undefined;
  log.info(`adding librdkafka from ${source}`);
  try {
    const r = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Adding librdkafka from ${source}`,
        cancellable: true,
      },
      (progress, token) => {
        const ctrl = new AbortController();
        token.onCancellationRequested(() => ctrl.abort());
        const report = progressReporter(progress);
        return addVersion(source.trim(), {
          signal: ctrl.signal,
          onProgress: (p) => {
            report(p);
            if (p.step !== 'compile') log.info(p.message);
          },
        });
      },
    );
    versions.refresh();
    log.info(`librdkafka ${r.version} ${r.already ? 'was already installed' : 'installed'} in ${r.dir}`);
    const use = 'Use in This Notebook';
    const nb = vscode.window.activeNotebookEditor?.notebook;
    const canUse = nb?.notebookType === NOTEBOOK_TYPE;
    const message = r.already
      ? `librdkafka ${r.version} is already installed: pick "librdkafka ${r.version}" in the kernel picker.`
      : `librdkafka ${r.version} is installed (${(r.elapsedMs / 1000).toFixed(0)} s): pick "librdkafka ${r.version}" in the kernel picker.`;
    // Not awaited: scripts get their answer while the notification waits for a click.
    void vscode.window.showInformationMessage(message, ...(canUse ? [use] : [])).then(async (pick) => {
      if (pick === use && nb)
        await vscode.commands.executeCommand('notebook.selectKernel', {
          notebookEditor: vscode.window.activeNotebookEditor,
          id: versionControllerId(r.version),
          extension: 'rdkafka-workbench.rdkafka-workbench',
        });
    });
    return { ok: true, version: r.version, already: r.already };
  } catch (e) {
    const message = (e as Error).message;
    const first = message.split('\n')[0]!;
    log.error(`adding librdkafka from ${source} failed: ${message}`);
    const openLog = 'Open Build Log';
    const logPath = e instanceof LibraryError ? e.log : undefined;
    void vscode.window
      .showErrorMessage(`Adding librdkafka failed: ${first}`, ...(logPath ? [openLog] : []))
      .then((pick) => {
        if (pick === openLog && logPath) void vscode.window.showTextDocument(vscode.Uri.file(logPath));
      });
    return { ok: false, error: first };
  }
}
