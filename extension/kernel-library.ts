// Which librdkafka a notebook's kernel loads: the version picked in the kernel picker, else the notebook's
// "librdkafka" metadata, else the system library with the workspace's bindings (as before versions).
import * as vscode from 'vscode';
import type { Bindings } from './bindings.ts';
import type { Settings } from './settings.ts';
import { isSystem, LibraryError, normalizeVersion, resolveLibrary } from '../versions/index.ts';

/** "system" or a version: what `notebook` runs on. */
export function wantedLibrdkafka(notebook: vscode.NotebookDocument, picked: string | undefined): string {
  const spec = picked ?? notebook.metadata?.librdkafka;
  if (spec === undefined || spec === null || (typeof spec === 'string' && isSystem(spec))) return 'system';
  return normalizeVersion(String(spec));
}

export async function kernelLibrary(
  notebook: vscode.NotebookDocument,
  librdkafka: string | undefined,
  bindings: Bindings,
  s: Settings,
  log: vscode.LogOutputChannel,
): Promise<{ bindingsDir: string; library?: string }> {
  const spec = librdkafka ?? wantedLibrdkafka(notebook, undefined);
  if (spec === 'system')
    return { bindingsDir: await bindings.ensure(), ...(s.libraryPath ? { library: s.libraryPath } : {}) };
  try {
    // Bindings made by another generator are regenerated first (about a second).
    const r = await resolveLibrary(spec, { onProgress: (m) => log.info(m) });
    return { bindingsDir: r.bindingsDir, library: r.library };
  } catch (e) {
    if (e instanceof LibraryError && e.kind === 'not-installed')
      throw new LibraryError(
        `this notebook runs on librdkafka ${spec}, which is not installed: add it with "librdkafka: Add librdkafka Version…" (or \`rdkafka-workbench lib add ${spec}\`), or pick an installed one in the kernel picker`,
        e.kind,
      );
    throw e;
  }
}
