// One kernel process per notebook, started on the first run of a cell. Keeps what the rest of the extension
// shows about it: state (status bar), librdkafka version, and the events (for the events panel).
import * as vscode from 'vscode';
import { mkdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { KernelClient, type KernelOptions } from './kernel/client.ts';
import type { KernelEvent, ReadyMessage } from '../protocol/index.ts';
import { redactConfig } from './redact.ts';
import type { Credentials } from './credentials.ts';
import type { ClusterApproval } from './cluster-approval.ts';
import type { Bindings } from './bindings.ts';
import { bootstrapChoice, settings } from './settings.ts';

export type KernelState =
  'not started' | 'starting' | 'idle' | 'busy' | 'interrupting' | 'restarting' | 'dead';

/** Events kept per notebook so that a panel opened late shows what already happened. */
const EVENT_HISTORY = 20_000;

export class NotebookKernel {
  client: KernelClient | undefined;
  private starting: Promise<KernelClient> | undefined;
  state: KernelState = 'not started';
  info: ReadyMessage | undefined;
  /** Execution counter shown as [N] next to cells; restarts from 1 with the kernel. */
  executionOrder = 0;
  /** Why the kernel last died, when it did. */
  lastExit: string | undefined;
  readonly events: KernelEvent[] = [];
  private readonly eventListeners = new Set<(events: KernelEvent[]) => void>();
  private readonly resetListeners = new Set<() => void>();
  private unsubscribe: (() => void)[] = [];

  constructor(
    readonly notebook: vscode.NotebookDocument,
    private readonly manager: KernelManager,
  ) {}

  setState(state: KernelState): void {
    this.state = state;
    this.manager.stateChanged(this);
  }

  /** The running kernel, started first if need be. Rejects with the kernel's one-sentence reason. */
  ensure(): Promise<KernelClient> {
    if (this.client?.alive) return Promise.resolve(this.client);
    this.starting ??= this.start().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async start(): Promise<KernelClient> {
    this.dispose(false);
    // A new process numbers its events from 1 again: panels start over too (after a crash, say).
    if (this.events.length) this.clearEvents();
    this.setState('starting');
    try {
      const options = await this.manager.options(this.notebook);
      const client = await KernelClient.start(options);
      this.attach(client);
      return client;
    } catch (e) {
      this.setState('dead');
      this.lastExit = (e as Error).message;
      throw e;
    }
  }

  private attach(client: KernelClient): void {
    this.client = client;
    this.info = client.info;
    this.executionOrder = 0;
    this.lastExit = undefined;
    this.unsubscribe.push(
      client.onEvents((events) => {
        this.events.push(...events);
        if (this.events.length > EVENT_HISTORY) this.events.splice(0, this.events.length - EVENT_HISTORY);
        for (const l of this.eventListeners) l(events);
      }),
      client.onExit(({ message }) => {
        if (this.client !== client) return;
        this.lastExit = message;
        this.manager.log.warn(`kernel of ${this.notebook.uri.fsPath} exited: ${message}`);
        this.setState('dead');
      }),
    );
    this.manager.log.info(
      `kernel started for ${this.notebook.uri.fsPath}: librdkafka ${client.info.librdkafka.version} (${client.info.librdkafka.library}), bootstrap ${client.info.bootstrap}, ${client.info.startupMs} ms`,
    );
    this.setState('idle');
  }

  async restart(): Promise<void> {
    if (!this.client?.alive) {
      // Nothing running: a restart is a fresh start, so the next run begins clean.
      this.clearEvents();
      await this.ensure();
      return;
    }
    this.setState('restarting');
    this.clearEvents();
    try {
      await this.client.restart();
      this.info = this.client.info;
      this.executionOrder = 0;
      this.lastExit = undefined;
      this.setState('idle');
    } catch (e) {
      this.lastExit = (e as Error).message;
      this.setState('dead');
      throw e;
    }
  }

  interrupt(): void {
    if (this.client?.alive && this.state === 'busy') {
      this.setState('interrupting');
      this.client.interrupt();
    }
  }

  private clearEvents(): void {
    this.events.length = 0;
    for (const l of this.resetListeners) l();
  }

  /** Live events, and a reset signal when the kernel restarts (its history starts over). */
  subscribe(onEvents: (events: KernelEvent[]) => void, onReset: () => void): vscode.Disposable {
    this.eventListeners.add(onEvents);
    this.resetListeners.add(onReset);
    return new vscode.Disposable(() => {
      this.eventListeners.delete(onEvents);
      this.resetListeners.delete(onReset);
    });
  }

  dispose(shutdown = true): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    const client = this.client;
    this.client = undefined;
    if (shutdown && client?.alive) void client.shutdown().catch(() => {});
  }
}

export class KernelManager implements vscode.Disposable {
  private readonly kernels = new Map<string, NotebookKernel>();
  private readonly stateEmitter = new vscode.EventEmitter<NotebookKernel>();
  readonly onDidChangeState = this.stateEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    private readonly bindings: Bindings,
    private readonly credentials: Credentials,
    private readonly approval: ClusterApproval,
  ) {
    // A closed notebook's kernel goes with it: every handle its cells created is destroyed.
    this.subscriptions.push(
      vscode.workspace.onDidCloseNotebookDocument((nb) => {
        const k = this.kernels.get(nb.uri.toString());
        if (!k) return;
        this.kernels.delete(nb.uri.toString());
        k.dispose();
        this.stateEmitter.fire(k);
      }),
    );
  }

  /** The notebook's kernel object (its process starts on first use). */
  get(notebook: vscode.NotebookDocument): NotebookKernel {
    const key = notebook.uri.toString();
    let k = this.kernels.get(key);
    if (!k) {
      k = new NotebookKernel(notebook, this);
      this.kernels.set(key, k);
    }
    return k;
  }

  find(notebook: vscode.NotebookDocument | undefined): NotebookKernel | undefined {
    return notebook && this.kernels.get(notebook.uri.toString());
  }

  running(): NotebookKernel[] {
    return [...this.kernels.values()].filter((k) => k.client?.alive);
  }

  stateChanged(k: NotebookKernel): void {
    this.stateEmitter.fire(k);
  }

  /** Everything a kernel for `notebook` starts with, from settings, secrets and the bindings. */
  async options(notebook: vscode.NotebookDocument): Promise<KernelOptions> {
    const s = settings(notebook.uri);
    const bindingsDir = await this.bindings.ensure();
    // Cells run (and import from node_modules) in the notebook's workspace folder; an untitled notebook in
    // the first folder; without any folder, beside the file or in the extension's storage.
    const folder =
      vscode.workspace.getWorkspaceFolder(notebook.uri) ?? vscode.workspace.workspaceFolders?.[0];
    const cwd =
      folder?.uri.fsPath ??
      (notebook.uri.scheme === 'file' ? dirname(notebook.uri.fsPath) : this.context.globalStorageUri.fsPath);
    await mkdir(cwd, { recursive: true });
    // A real cluster the user has not approved is asked about first; credentials go only to their own
    // cluster (credentials.ts), the embedded mock cluster takes none.
    const { bootstrap, source } = bootstrapChoice(notebook.uri, notebook.metadata);
    await this.approval.check(bootstrap, source, basename(notebook.uri.path) || 'this notebook');
    const clusterConfig = await this.credentials.get(bootstrap);
    const options: KernelOptions = {
      bindingsDir,
      bootstrap,
      cwd,
      kernelScript: this.context.asAbsolutePath('dist/kernel.mjs'),
      ...(s.libraryPath ? { library: s.libraryPath } : {}),
      ...(clusterConfig ? { clusterConfig } : {}),
    };
    this.log.info(
      `starting a kernel: bindings ${bindingsDir}, bootstrap ${options.bootstrap}, library ${options.library ?? '(from the bindings)'}` +
        (clusterConfig ? `, cluster config ${JSON.stringify(redactConfig(clusterConfig))}` : ''),
    );
    return options;
  }

  dispose(): void {
    for (const k of this.kernels.values()) k.dispose();
    this.kernels.clear();
    for (const s of this.subscriptions) s.dispose();
    this.stateEmitter.dispose();
  }
}
