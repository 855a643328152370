// Where the generated bindings live for this window, and (re)generating them with gen/generate.ts, which
// stages its output and replaces the folder only on success: a failure never touches the bindings the
// kernels use.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { settings } from './settings.ts';
import { generate, summary, type Report } from '../gen/generate.ts';
import { discoverHeader } from '../gen/discover.ts';

export interface GenerateRequest {
  header: string;
  library?: string;
  compiler: string;
}

export interface GenerateOutcome {
  dir: string;
  report: Report;
  /** The generator's summary: version, counts, missing symbols, deprecated, layout check. */
  summary: string[];
}

export class Bindings {
  private readonly changed = new vscode.EventEmitter<string>();
  /** Fires with the folder after new bindings are in place. */
  readonly onDidChange = this.changed.event;
  private generating: Promise<GenerateOutcome> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** `.rdkafka/bindings` in the first workspace folder (as the CLI's default), else in global storage. */
  get dir(): string {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder
      ? join(folder.uri.fsPath, '.rdkafka', 'bindings')
      : join(this.context.globalStorageUri.fsPath, 'bindings');
  }

  get dtsPath(): string {
    return join(this.dir, 'rdkafka.d.ts');
  }

  exists(): boolean {
    return existsSync(join(this.dir, 'bindings.js')) && existsSync(join(this.dir, 'model.json'));
  }

  /** The bindings folder, generated first from the configured or discovered header when there is none. */
  ensure(location: vscode.ProgressLocation = vscode.ProgressLocation.Notification): Promise<string> {
    if (this.exists()) return Promise.resolve(this.dir);
    // Callers that come while a first generation runs wait for it instead of generating again.
    this.ensuring ??= this.generateMissing(location).finally(() => (this.ensuring = undefined));
    return this.ensuring;
  }

  private ensuring: Promise<string> | undefined;

  private async generateMissing(location: vscode.ProgressLocation): Promise<string> {
    const s = settings();
    const header = s.headerPath || discoverHeader();
    if (!header)
      throw new Error(
        'No rdkafka.h was found (pkg-config rdkafka, /usr/include/librdkafka, /usr/local/include/librdkafka): install librdkafka-dev or set rdkafka.headerPath, then run "librdkafka: Regenerate Bindings from rdkafka.h…".',
      );
    await this.generateWithProgress(
      { header, compiler: s.compiler, ...(s.libraryPath ? { library: s.libraryPath } : {}) },
      location,
    );
    return this.dir;
  }

  /**
   * When a notebook opens in a trusted workspace without bindings: generate them quietly (status bar
   * progress, about a second) so that completions work before the first run. Failures only go to the log;
   * the first run reports them.
   */
  prepareInBackground(): void {
    if (this.exists() || !vscode.workspace.isTrusted) return;
    this.ensure(vscode.ProgressLocation.Window).catch((e: Error) =>
      this.log.warn(`bindings not generated yet: ${e.message}`),
    );
  }

  generateWithProgress(
    req: GenerateRequest,
    location = vscode.ProgressLocation.Notification,
  ): Promise<GenerateOutcome> {
    return Promise.resolve(
      vscode.window.withProgress(
        {
          location,
          title: `Generating librdkafka bindings from ${req.header}`,
          cancellable: false,
        },
        (progress) => this.generate(req, (message) => progress.report({ message })),
      ),
    );
  }

  /** One generation at a time; a second request waits for the first and then runs. */
  generate(req: GenerateRequest, onProgress: (message: string) => void = () => {}): Promise<GenerateOutcome> {
    const run = () => this.doGenerate(req, onProgress);
    const next = (this.generating ?? Promise.resolve()).then(run, run);
    this.generating = next;
    return next;
  }

  private async doGenerate(
    req: GenerateRequest,
    onProgress: (message: string) => void,
  ): Promise<GenerateOutcome> {
    const dir = this.dir;
    this.log.info(
      `generating bindings into ${dir}: header ${req.header}, library ${req.library ?? '(matching the header)'}, compiler ${req.compiler}`,
    );
    try {
      const report = await generate(
        {
          header: req.header,
          out: dir,
          compiler: req.compiler,
          ...(req.library ? { library: req.library } : {}),
        },
        (p) => onProgress(p.message),
      );
      const lines = summary(report).split('\n');
      for (const line of lines) this.log.info(line);
      this.changed.fire(dir);
      return { dir, report, summary: lines };
    } catch (e) {
      this.log.error(`generation failed, the previous bindings are untouched: ${(e as Error).message}`);
      throw e;
    }
  }
}
