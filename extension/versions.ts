// The librdkafka versions VS Code offers as kernels: the system library and every version in the cache,
// kept current while the window is open (a `lib add` in a terminal or the Add command shows up without a
// reload: the cache folder is watched; each add or remove ends by releasing a lock file there).
import * as vscode from 'vscode';
import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { listInstalled, systemLibrary, versionsRoot } from '../versions/index.ts';
import { CONTROLLER_ID } from './notebook/controller.ts';

export interface KernelChoice {
  /** NotebookController id: the system's keeps the id it always had. */
  id: string;
  /** "system" or the version: what a kernel is started with, what metadata records. */
  spec: string;
  /** The version as the header says (the system's too), or null when no system header is installed. */
  version: string | null;
  /** "librdkafka 2.15.1", "librdkafka 2.0.2 (system)". */
  label: string;
  system: boolean;
  /** The version's rdkafka.d.ts (IntelliSense); the system's comes from the workspace's bindings. */
  dtsPath?: string;
  /** Where it is, for the picker's description. */
  where: string;
}

export function versionControllerId(version: string): string {
  return `${CONTROLLER_ID}-${version}`;
}

export class LibrdkafkaVersions implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<KernelChoice[]>();
  readonly onDidChange = this.changed.event;
  private list: KernelChoice[] = [];
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.list = this.read();
    this.watch();
  }

  choices(): KernelChoice[] {
    return this.list;
  }

  /** Reads the cache again; fires onDidChange when the set of versions changed. */
  refresh(): KernelChoice[] {
    const next = this.read();
    const key = (l: KernelChoice[]) => l.map((c) => `${c.id}:${c.dtsPath ?? ''}`).join(',');
    if (key(next) !== key(this.list)) {
      this.list = next;
      this.log.info(`librdkafka kernels: ${next.map((c) => c.label).join(', ')}`);
      this.changed.fire(next);
    }
    return this.list;
  }

  private read(): KernelChoice[] {
    const sys = systemLibrary();
    const out: KernelChoice[] = [
      {
        id: CONTROLLER_ID,
        spec: 'system',
        version: sys?.version ?? null,
        label: sys ? `librdkafka ${sys.version} (system)` : 'librdkafka (system)',
        system: true,
        where: sys?.library ?? 'no system librdkafka found',
      },
    ];
    for (const v of listInstalled().versions)
      out.push({
        id: versionControllerId(v.version),
        spec: v.version,
        version: v.version,
        label: `librdkafka ${v.version}`,
        system: false,
        // Until this workbench has made its own bindings of it, the installer's declarations stand in.
        dtsPath: `${v.bindingsCurrent ? v.bindingsDir : v.paths.bindings}/rdkafka.d.ts`,
        where: v.paths.dir,
      });
    return out;
  }

  private watch(): void {
    const dir = versionsRoot();
    try {
      mkdirSync(dir, { recursive: true });
      this.watcher = watch(dir, () => {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.refresh(), 300);
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch (e) {
      this.log.warn(`not watching ${dir} for new librdkafka versions: ${(e as Error).message}`);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.changed.dispose();
  }
}
