// "librdkafka: Regenerate Bindings from rdkafka.h…": pick the header (the picker starts at the discovered
// one; scripts and tests pass it as an argument), optionally a library, generate with a progress
// notification, log the summary, and offer to restart running kernels on the new bindings.
import * as vscode from 'vscode';
import { basename, dirname } from 'node:path';
import type { Bindings } from '../bindings.ts';
import type { KernelManager } from '../kernels.ts';
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { discoverHeader, discoverLibrary, headerCandidates } from '../../gen/discover.ts';
import { listInstalled } from '../../versions/index.ts';
import { headerVersion } from '../../versions/version.ts';
import { inspectLibrary } from '../../gen/library.ts';
import { forVSCode } from './wording.ts';
import { settings } from '../settings.ts';

export interface RegenerateArgs {
  header?: string;
  library?: string;
  compiler?: string;
  /** Restart running kernels without asking (true) or leave them (false); unset: ask. */
  restartKernels?: boolean;
}

export type RegenerateResult = { ok: true; dir: string; summary: string[] } | { ok: false; error: string };

/** A header to offer: where it is and the version it declares. */
interface HeaderChoice extends vscode.QuickPickItem {
  path?: string;
}

function headerChoice(path: string, what: string): HeaderChoice | undefined {
  let version: string | undefined;
  try {
    version = headerVersion(readFileSync(path, 'utf8'))?.version;
  } catch {
    return undefined;
  }
  return {
    label: `$(file-code) ${basename(path)}`,
    description: dirname(path),
    detail: `${version ? `librdkafka ${version}` : 'no RD_KAFKA_VERSION in it'} · ${what}`,
    path,
  };
}

/**
 * The headers the workbench knows (the setting's, the system's, the versions installed in the cache), the
 * one it would use first and highlighted, and Browse… for any other. (VS Code's file dialog in a browser
 * does not highlight the file its input names: this list does.)
 */
async function pickHeader(): Promise<string | undefined> {
  const s = settings();
  const seen = new Set<string>();
  const choices: HeaderChoice[] = [];
  const add = (path: string | undefined, what: string) => {
    if (!path || seen.has(path) || !existsSync(path)) return;
    seen.add(path);
    const c = headerChoice(path, what);
    if (c) choices.push(c);
  };
  add(s.headerPath, 'the rdkafka.headerPath setting');
  add(discoverHeader(), 'discovered on this system');
  for (const c of headerCandidates()) add(c, 'on this system');
  for (const v of listInstalled().versions)
    add(v.paths.header, `installed with lib add (from ${v.manifest.source.kind})`);
  const browse: HeaderChoice = { label: '$(folder-opened) Browse for rdkafka.h…', alwaysShow: true };
  const qp = vscode.window.createQuickPick<HeaderChoice>();
  qp.title = 'Regenerate bindings from which rdkafka.h?';
  qp.placeholder = 'The highlighted header is the one the workbench uses now';
  qp.items = [...choices, browse];
  if (choices[0]) qp.activeItems = [choices[0]];
  qp.ignoreFocusOut = true;
  const picked = await new Promise<HeaderChoice | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0] ?? qp.activeItems[0]));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!picked) return undefined;
  if (picked.path) return picked.path;
  const start = choices[0]?.path;
  const file = await vscode.window.showOpenDialog({
    title: 'Regenerate bindings from which rdkafka.h?',
    openLabel: 'Generate Bindings',
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    filters: { 'C header': ['h'] },
    ...(start ? { defaultUri: vscode.Uri.file(dirname(start)) } : {}),
  });
  return file?.[0]?.fsPath;
}

/** What the library matching `header` is: its path and the version it reports (dlopen through koffi). */
async function matchingLibrary(
  header: string,
): Promise<{ path?: string; version?: string; headerVersion?: string }> {
  let headerText = '';
  try {
    headerText = await readFile(header, 'utf8');
  } catch {
    // named as unreadable by the generator itself
  }
  const path = discoverLibrary(header);
  let version: string | undefined;
  if (path)
    try {
      const koffi = (await import('koffi')) as unknown as { default?: unknown };
      const k = (koffi.default ?? koffi) as Parameters<typeof inspectLibrary>[0];
      version = inspectLibrary(k, path, ['rd_kafka_version_str']).version ?? undefined;
    } catch {
      version = undefined;
    }
  return {
    ...(path ? { path } : {}),
    ...(version ? { version } : {}),
    ...optional('headerVersion', headerVersion(headerText)?.version),
  };
}

const optional = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

async function pickLibrary(header: string): Promise<string | null | undefined> {
  const found = await matchingLibrary(header);
  const hv = found.headerVersion ? `librdkafka ${found.headerVersion}` : 'this header';
  const matching: vscode.QuickPickItem = found.path
    ? {
        label: '$(check) Use the library matching the header',
        description: found.path,
        detail: `${found.version ? `librdkafka ${found.version}` : 'its version unknown'}, found for ${basename(header)} (${hv})${
          found.version && found.headerVersion && found.version !== found.headerVersion
            ? ': a different version than the header, the bindings will list what it lacks'
            : ''
        }`,
      }
    : {
        label: '$(warning) Use the library matching the header',
        description: 'none found',
        detail: `No librdkafka.so.1 beside ${basename(header)} nor in the system's library folders: choose one.`,
      };
  const other: vscode.QuickPickItem = {
    label: '$(folder-opened) Choose librdkafka.so…',
    detail: 'A librdkafka shared library of your own (a build of the same version as the header).',
  };
  const choice = await vscode.window.showQuickPick([matching, other], {
    title: `Library for ${basename(header)} (${hv})`,
    ignoreFocusOut: true,
  });
  if (!choice) return undefined;
  if (choice === matching && found.path) return null;
  const picked = await vscode.window.showOpenDialog({
    title: 'Which librdkafka shared library?',
    canSelectFiles: true,
    canSelectMany: false,
    defaultUri: vscode.Uri.file(found.path ?? dirname(header)),
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
    // The generator words its advice for the command line: here it is the pickers and the settings.
    const error = forVSCode((e as Error).message);
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
