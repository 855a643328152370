// `run --bundle DIR`: the run written as an issue export (extension/export/bundle.ts), from the run's data.
// The kernel is asked for the secret values its handles held before it shuts down, so they are scrubbed
// from everything the export writes. Kept out of run.ts but for its two calls.
import { basename } from 'node:path';
import type { KernelClient } from '../extension/kernel/client.ts';
import type { NotebookData } from '../extension/notebook/format.ts';
import type { KernelEvent } from '../protocol/index.ts';
import { checkBundleDir, writeBundle } from '../extension/export/bundle.ts';

export { checkBundleDir };

/** Before the kernel shuts down: what the export must leave out (never written anywhere). */
export async function bundleSecrets(
  kernel: KernelClient,
  clusterConfig?: Record<string, string>,
): Promise<string[]> {
  const fromKernel = await kernel.control.secrets().catch(() => [] as string[]);
  return [...fromKernel, ...Object.values(clusterConfig ?? {})];
}

export interface RunForBundle {
  notebookPath: string;
  notebook: NotebookData;
  events: KernelEvent[];
  counts: Record<string, number>;
  librdkafka: { version: string; versionInt: number; library: string };
  bootstrap: string;
  code: number;
  startedAt: number;
  durationMs: number;
  secrets: string[];
}

/** Writes the bundle; returns a line for the CLI to print. */
export async function writeRunBundle(dir: string, r: RunForBundle): Promise<string> {
  const b = await writeBundle(dir, {
    title: basename(r.notebookPath),
    cells: r.notebook.cells,
    events: r.events,
    counts: r.counts,
    librdkafka: r.librdkafka,
    bootstrap: r.bootstrap,
    tool: 'rdkafka-workbench run',
    status: r.code === 0 ? 'ok' : 'error',
    startedAt: r.startedAt,
    durationMs: r.durationMs,
    secrets: r.secrets,
  });
  return `issue export written to ${b.dir} (${b.files.length} files): paste ${b.dir}/ISSUE.md into the issue\n`;
}
