// TypeScript server plugin (loaded by VS Code's TypeScript extension, contributed in package.json as
// `typescriptServerPlugins`). VS Code puts every notebook cell (a `vscode-notebook-cell` document) of a
// workspace into one inferred project, where no tsconfig or workspace .d.ts applies. This plugin:
// - adds the generated rdkafka.d.ts and the declarations of the kernel's other cell globals to projects that
//   hold cells (the extension sends their paths with configurePlugin);
// - gives each notebook its own scope, as its kernel has: requests about a cell go to a language service
//   over that notebook's cells and the declarations only, so names from another open notebook neither
//   complete nor clash. The services share one document registry, so the large .d.ts is parsed once.
// Built to dist/tsplugin/index.cjs; the package node_modules/rdkafka-workbench-tsplugin (made by the build)
// points here so tsserver can resolve it.
import type * as ts from 'typescript/lib/tsserverlibrary';

interface PluginConfig {
  /** Declaration files every project with notebook cells gets; the first is the bindings' rdkafka.d.ts. */
  dtsPaths?: string[];
  /**
   * Per notebook (its URI path): the rdkafka.d.ts of the librdkafka version it runs on, in place of the
   * first of dtsPaths, so that a call only 2.15.1 has type-checks in a 2.15.1 notebook and not in 2.0.2's.
   */
  notebookBindings?: Record<string, string>;
}

const CELL = 'vscode-notebook-cell';

/** The notebook a cell's file name belongs to (cells are `…/notebook.rdkafka#<cell id>`), or undefined. */
export function notebookOf(fileName: string): string | undefined {
  if (!fileName.includes(CELL)) return undefined;
  const hash = fileName.indexOf('#');
  return hash < 0 ? fileName : fileName.slice(0, hash);
}

/**
 * The URI path of a notebook from its cells' file name: the TypeScript extension names them
 * `^/vscode-notebook-cell/<authority>/<path>` (authority `ts-nul-authority` when empty).
 */
export function notebookPath(notebook: string): string {
  const m = /^\^\/[^/]+\/[^/]*(\/.*)$/.exec(notebook);
  const path = m ? m[1]! : notebook;
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The declarations for a notebook: its version's rdkafka.d.ts in place of the default one. */
export function declarationsFor(
  notebook: string | undefined,
  dtsPaths: string[],
  notebookBindings: Record<string, string>,
): string[] {
  if (!notebook || !dtsPaths.length) return dtsPaths;
  const path = notebookPath(notebook);
  const own = notebookBindings[path] ?? notebookBindings[path.startsWith('/') ? path.slice(1) : `/${path}`];
  return own ? [own, ...dtsPaths.slice(1)] : dtsPaths;
}

function init(modules: { typescript: typeof ts }) {
  const tsm = modules.typescript;
  let dtsPaths: string[] = [];
  let notebookBindings: Record<string, string> = {};
  /** Bumped on every configuration: the per-notebook services then recompute their files. */
  let configVersion = 0;
  const projects = new Set<ts.server.Project>();
  const registry = tsm.createDocumentRegistry();
  const declarations = (names: readonly string[], notebook?: string) =>
    declarationsFor(notebook, dtsPaths, notebookBindings).filter(
      (p) => !names.includes(p) && tsm.sys.fileExists(p),
    );

  return {
    create(info: ts.server.PluginCreateInfo): ts.LanguageService {
      const config = info.config as PluginConfig | undefined;
      if (config?.dtsPaths) dtsPaths = config.dtsPaths;
      if (config?.notebookBindings) notebookBindings = config.notebookBindings;
      projects.add(info.project);
      const host = info.languageServiceHost;
      const original = host.getScriptFileNames.bind(host);
      host.getScriptFileNames = () => {
        const names = original();
        if (!dtsPaths.length || !names.some((n) => n.includes(CELL))) return names;
        const extra = declarations(names);
        return extra.length ? [...names, ...extra] : names;
      };

      // One language service per notebook: the project's host, narrowed to that notebook's cells.
      const services = new Map<string, ts.LanguageService>();
      const cellsOf = (notebook: string): string[] => {
        // Cells of an untitled notebook land in one inferred project each: gather them all.
        const cells = new Set(original().filter((n) => notebookOf(n) === notebook));
        for (const p of info.project.projectService.inferredProjects)
          if (p !== info.project)
            for (const n of p.getRootFiles()) if (notebookOf(n) === notebook) cells.add(n);
        return [...cells];
      };
      const serviceFor = (notebook: string): ts.LanguageService => {
        let service = services.get(notebook);
        if (!service) {
          // A new notebook: first let go of the services of notebooks that were closed.
          for (const [nb, old] of services)
            if (!cellsOf(nb).length) {
              old.dispose();
              services.delete(nb);
            }
          // Every call goes to the project's host itself (never to a copy of the project: tsserver would record
          // a copy as a project holding the files it reads, and later ask that copy, closed or not, to update).
          // A cell of another inferred project (untitled notebooks) is read without attaching it to this one.
          const own = (f: string) => !f.includes(CELL) || original().includes(f);
          const infoOf = (f: string) => info.project.projectService.getScriptInfo(f);
          const narrowed = new Proxy(host, {
            get(target, key) {
              switch (key) {
                // The project's host would update the project's program instead of this one.
                case 'updateFromProject':
                  return undefined;
                // Its own version too: a notebook's declarations can change without any project file changing.
                case 'getProjectVersion':
                  return () => `${target.getProjectVersion?.() ?? ''}:${configVersion}`;
                case 'getScriptFileNames':
                  return () => {
                    const cells = cellsOf(notebook);
                    return [...cells, ...declarations(cells, notebook)];
                  };
                case 'getScriptSnapshot':
                  return (f: string) => (own(f) ? target.getScriptSnapshot(f) : infoOf(f)?.getSnapshot());
                case 'getScriptVersion':
                  return (f: string) =>
                    own(f) ? target.getScriptVersion(f) : (infoOf(f)?.getLatestVersion() ?? '0');
              }
              const value = Reflect.get(target, key, target) as unknown;
              return typeof value === 'function'
                ? (value as (...a: unknown[]) => unknown).bind(target)
                : value;
            },
          });
          service = tsm.createLanguageService(narrowed, registry);
          services.set(notebook, service);
        }
        return service;
      };
      const base = info.languageService;
      const proxy = new Proxy(base, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (typeof value !== 'function' || key === 'dispose') return value;
          return (...args: unknown[]) => {
            const notebook = typeof args[0] === 'string' ? notebookOf(args[0]) : undefined;
            const service = notebook ? serviceFor(notebook) : target;
            if (service !== target) target.getProgram(); // brings the project (its script infos) up to date first
            return (service[key as keyof ts.LanguageService] as (...a: unknown[]) => unknown).apply(
              service,
              args,
            );
          };
        },
      });
      info.project.projectService.logger.info(
        `rdkafka-workbench-tsplugin: active, declarations ${dtsPaths.join(', ') || '(not configured yet)'}`,
      );
      return proxy;
    },
    onConfigurationChanged(config: PluginConfig) {
      dtsPaths = config.dtsPaths ?? [];
      const next = config.notebookBindings ?? {};
      // Only a changed mapping makes the per-notebook services recompute their files.
      if (JSON.stringify(next) !== JSON.stringify(notebookBindings)) configVersion++;
      notebookBindings = next;
      // The file list changed for projects with cells: make them recompute it.
      // (markAsDirty is public at runtime but missing from the published typings)
      for (const p of projects) (p as unknown as { markAsDirty?: () => void }).markAsDirty?.();
    },
  };
}

// tsserver wants the factory as module.exports: the package's index.cjs unwraps this default export.
export default init;
