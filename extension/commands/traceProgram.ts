// librdkafka: Trace a Program…: asks for a command line (offering the last ones), runs it in a terminal
// under `rdkafka-workbench trace` (the program keeps the terminal: its input, output and exit status are
// its own), and opens the events panel on it, fed live from the trace's --events file.
import * as vscode from 'vscode';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelEvent } from '../../protocol/index.ts';
import type { Bindings } from '../bindings.ts';
import type { EventSource, EventsPanels } from '../panel/host.ts';
import { followEventsFile, librdkafkaOf } from '../../trace/events-file.ts';
import { EventSample, type SampleLimit } from '../../cli/event-sample.ts';
import { statsDocsFor } from '../panel/docs.ts';

const HISTORY_KEY = 'rdkafka.traceCommandLines';
const HISTORY_MAX = 10;

export interface TraceArgs {
  /** The command line to trace (skips the question). */
  commandLine?: string;
  /** What a panel opened late starts with, per type (default the report's sample; tests make it small). */
  sample?: SampleLimit;
}

export interface TraceSession {
  /** The panel's key (EventsPanels.statsOf). */
  key: string;
  commandLine: string;
  /** What a panel opened late starts with: bounded however long the program runs, counts exact. */
  readonly events: readonly KernelEvent[];
  terminal: vscode.Terminal;
}

/** A word for a POSIX shell: quoted unless it is plainly safe. */
export const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The program's name in a command line, for titles: `kcat` in `FOO=1 /usr/bin/kcat -P …`. */
export function programOf(commandLine: string): string {
  const word =
    commandLine
      .trim()
      .split(/\s+/)
      .find((w) => !/^\w+=/.test(w)) ?? 'program';
  return (
    word
      .replace(/^['"]|['"]$/g, '')
      .split('/')
      .pop() || 'program'
  );
}

async function askCommandLine(context: vscode.ExtensionContext): Promise<string | undefined> {
  const history = context.globalState.get<string[]>(HISTORY_KEY, []);
  const qp = vscode.window.createQuickPick();
  qp.title = 'Trace a Program';
  qp.placeholder =
    'A command line that runs a program using librdkafka, e.g. kcat -P -b localhost:9092 -t t -l file';
  const recent = history.map((label) => ({ label, description: 'recent' }));
  qp.items = recent;
  qp.onDidChangeValue((v) => {
    qp.items = v.trim() ? [{ label: v, description: 'trace this command line' }, ...recent] : recent;
  });
  return new Promise((resolve) => {
    qp.onDidAccept(() => {
      const v = (qp.selectedItems[0]?.label ?? qp.value).trim();
      resolve(v || undefined);
      qp.hide();
    });
    qp.onDidHide(() => {
      resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

export async function traceProgram(
  context: vscode.ExtensionContext,
  bindings: Bindings,
  panels: EventsPanels,
  args: TraceArgs = {},
): Promise<TraceSession | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'Tracing runs a program with an interposer library loaded into it: trust this folder (Manage Workspace Trust) first.',
    );
    return undefined;
  }
  const commandLine = args.commandLine?.trim() || (await askCommandLine(context));
  if (!commandLine) return undefined;
  let bindingsDir: string;
  try {
    bindingsDir = await bindings.ensure();
  } catch (e) {
    void vscode.window.showErrorMessage(`Cannot trace: the bindings are missing (${(e as Error).message}).`);
    return undefined;
  }
  const history = context.globalState.get<string[]>(HISTORY_KEY, []);
  await context.globalState.update(
    HISTORY_KEY,
    [commandLine, ...history.filter((h) => h !== commandLine)].slice(0, HISTORY_MAX),
  );

  const work = mkdtempSync(join(tmpdir(), 'rdkafka-trace-vscode-'));
  const eventsFile = join(work, 'events.jsonl');
  const cli = vscode.Uri.joinPath(context.extensionUri, 'dist', 'cli.mjs').fsPath;
  const trace = [process.execPath, cli, 'trace', '--bindings', bindingsDir, '--events', eventsFile, '--'];
  // The command line as the user typed it (pipes, quotes, variables), by a POSIX shell; the terminal stays
  // open when it ends, so its output can be read.
  const script = `${trace.map(shellQuote).join(' ')} /bin/sh -c ${shellQuote(commandLine)}; status=$?; printf '\\n%s\\n' "rdkafka-workbench trace: the program ended with status $status; press Enter to close this terminal"; read _`;
  const program = programOf(commandLine);
  const terminal = vscode.window.createTerminal({
    name: `trace: ${program}`,
    shellPath: '/bin/sh',
    shellArgs: ['-c', script],
    ...(vscode.workspace.workspaceFolders?.[0] ? { cwd: vscode.workspace.workspaceFolders[0].uri } : {}),
    // In desktop VS Code process.execPath is Electron: run it as Node.
    env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
  });

  // Live batches go to the panel as they come; only a bounded sample (handles always, the first and last
  // events of each type, the rest as counts) is kept for a panel that opens or reloads later.
  const sample = new EventSample(args.sample);
  const listeners = new Set<(events: KernelEvent[]) => void>();
  let librdkafka: string | null = null;
  const tail = followEventsFile(eventsFile, (batch) => {
    librdkafka ??= librdkafkaOf(batch);
    for (const e of batch) sample.add(e);
    for (const l of listeners) l(batch);
  });
  const key = `trace:${Date.now().toString(36)}:${program}`;
  const source: EventSource = {
    key,
    name: program,
    // Not a kernel: no fault actions, no cells to reveal (the panel's controls stay off).
    info: () => ({ librdkafka, bootstrap: null, state: 'traced program', interactive: false }),
    // The field docs of the version the program loaded (its first handle says which).
    statsDocs: () => statsDocsFor(bindingsDir, librdkafka),
    get events() {
      return sample.events();
    },
    subscribe(onEvents) {
      listeners.add(onEvents);
      return new vscode.Disposable(() => listeners.delete(onEvents));
    },
  };
  const closed = vscode.window.onDidCloseTerminal((t) => {
    if (t !== terminal) return;
    closed.dispose();
    tail.stop(); // the last events, then no more following
    rmSync(work, { recursive: true, force: true });
  });
  context.subscriptions.push(closed, { dispose: () => tail.stop() });
  terminal.show();
  panels.showSource(source);
  return {
    key,
    commandLine,
    get events() {
      return sample.events();
    },
    terminal,
  };
}
