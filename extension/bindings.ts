// Where the generated bindings live for this window, and (re)generating them. A regeneration writes into a
// fresh folder beside the current one and swaps only on success, so a failure never touches the bindings
// the kernels use.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { settings } from './settings.ts';
import { discoverHeader, summaryLines, type GenReport } from './gensummary.ts';

export interface GenerateRequest {
  header: string;
  library?: string;
  compiler: string;
}

export interface GenerateOutcome {
  dir: string;
  report: GenReport;
  ms: number;
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
    return folder ? join(folder.uri.fsPath, '.rdkafka', 'bindings') : join(this.context.globalStorageUri.fsPath, 'bindings');
  }

  get dtsPath(): string {
    return join(this.dir, 'rdkafka.d.ts');
  }

  exists(): boolean {
    return existsSync(join(this.dir, 'bindings.js')) && existsSync(join(this.dir, 'model.json'));
  }

  /** The bindings folder, generated first from the configured or discovered header when there is none. */
  async ensure(): Promise<string> {
    if (this.exists()) return this.dir;
    const s = settings();
    const header = s.headerPath || (await discoverHeader());
    if (!header)
      throw new Error(
        'No rdkafka.h was found (pkg-config rdkafka, /usr/include/librdkafka, /usr/local/include/librdkafka): install librdkafka-dev or set rdkafka.headerPath, then run "librdkafka: Regenerate Bindings from rdkafka.h…".',
      );
    await this.generateWithProgress({ header, compiler: s.compiler, ...(s.libraryPath ? { library: s.libraryPath } : {}) });
    return this.dir;
  }

  generateWithProgress(req: GenerateRequest): Promise<GenerateOutcome> {
    return Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Generating librdkafka bindings from ${req.header}`, cancellable: false },
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

  private async doGenerate(req: GenerateRequest, onProgress: (message: string) => void): Promise<GenerateOutcome> {
    const dir = this.dir;
    const fresh = `${dir}.new-${process.pid}-${Date.now()}`;
    const old = `${dir}.old-${process.pid}-${Date.now()}`;
    await mkdir(dirname(dir), { recursive: true });
    const started = Date.now();
    this.log.info(`generating bindings: header ${req.header}, library ${req.library ?? '(matching the header)'}, compiler ${req.compiler}`);
    try {
      const { generate } = await import('../gen/generate.ts');
      const report = (await generate({
        header: req.header,
        out: fresh,
        compiler: req.compiler,
        ...(req.library ? { library: req.library } : {}),
        onProgress,
      })) as unknown as GenReport;
      // Swap: the old folder moves aside only once the new one is complete.
      if (existsSync(dir)) await rename(dir, old);
      await rename(fresh, dir);
      await rm(old, { recursive: true, force: true });
      const outcome = { dir, report, ms: Date.now() - started };
      for (const line of summaryLines(report, outcome.ms)) this.log.info(line);
      this.changed.fire(dir);
      return outcome;
    } catch (e) {
      await rm(fresh, { recursive: true, force: true });
      this.log.error(`generation failed, the previous bindings are untouched: ${(e as Error).message}`);
      throw e;
    }
  }
}
