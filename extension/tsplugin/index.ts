// TypeScript server plugin (loaded by VS Code's TypeScript extension, contributed in package.json as
// `typescriptServerPlugins`): adds the generated rdkafka.d.ts (and the declarations of the kernel's other
// cell globals) to every project that holds notebook cells,
// which is the only way cells (separate `vscode-notebook-cell` documents in an inferred project) see it.
// The extension sends the path with configurePlugin. Built to dist/tsplugin/index.cjs; the package
// node_modules/rdkafka-workbench-tsplugin (made by the build) points here so tsserver can resolve it.
import type * as ts from 'typescript/lib/tsserverlibrary';

interface PluginConfig {
  /** Declaration files every project with notebook cells gets. */
  dtsPaths?: string[];
}

function init(modules: { typescript: typeof ts }) {
  const tsm = modules.typescript;
  let dtsPaths: string[] = [];
  const projects = new Set<ts.server.Project>();

  const holdsCells = (names: readonly string[]) => names.some((n) => n.includes('vscode-notebook-cell'));

  return {
    create(info: ts.server.PluginCreateInfo): ts.LanguageService {
      const config = info.config as PluginConfig | undefined;
      if (config?.dtsPaths) dtsPaths = config.dtsPaths;
      projects.add(info.project);
      const host = info.languageServiceHost;
      const original = host.getScriptFileNames.bind(host);
      host.getScriptFileNames = () => {
        const names = original();
        if (!dtsPaths.length || !holdsCells(names)) return names;
        const extra = dtsPaths.filter((p) => !names.includes(p) && tsm.sys.fileExists(p));
        return extra.length ? [...names, ...extra] : names;
      };
      info.project.projectService.logger.info(
        `rdkafka-workbench-tsplugin: active, declarations ${dtsPaths.join(', ') || '(not configured yet)'}`,
      );
      return info.languageService;
    },
    onConfigurationChanged(config: PluginConfig) {
      dtsPaths = config.dtsPaths ?? [];
      // The file list changed for projects with cells: make them recompute it.
      // (markAsDirty is public at runtime but missing from the published typings)
      for (const p of projects) (p as unknown as { markAsDirty?: () => void }).markAsDirty?.();
    },
  };
}

// tsserver wants the factory as module.exports: the package's index.cjs unwraps this default export.
export default init;
