// TypeScript server plugin (loaded by VS Code's TypeScript extension, contributed in package.json as
// `typescriptServerPlugins`): adds the generated rdkafka.d.ts to every project that holds notebook cells,
// which is the only way cells (separate `vscode-notebook-cell` documents in an inferred project) see it.
// The extension sends the path with configurePlugin. Built to dist/tsplugin/index.cjs; the package
// node_modules/rdkafka-workbench-tsplugin (made by the build) points here so tsserver can resolve it.
import type * as ts from 'typescript/lib/tsserverlibrary';

interface PluginConfig {
  dtsPath?: string;
}

function init(modules: { typescript: typeof ts }) {
  const tsm = modules.typescript;
  let dtsPath: string | undefined;
  const projects = new Set<ts.server.Project>();

  const holdsCells = (names: readonly string[]) => names.some((n) => n.includes('vscode-notebook-cell'));

  return {
    create(info: ts.server.PluginCreateInfo): ts.LanguageService {
      const config = info.config as PluginConfig | undefined;
      if (config?.dtsPath) dtsPath = config.dtsPath;
      projects.add(info.project);
      const host = info.languageServiceHost;
      const original = host.getScriptFileNames.bind(host);
      host.getScriptFileNames = () => {
        const names = original();
        if (!dtsPath || !holdsCells(names) || names.includes(dtsPath) || !tsm.sys.fileExists(dtsPath)) return names;
        return [...names, dtsPath];
      };
      info.project.projectService.logger.info(`rdkafka-workbench-tsplugin: active, d.ts ${dtsPath ?? '(not configured yet)'}`);
      return info.languageService;
    },
    onConfigurationChanged(config: PluginConfig) {
      dtsPath = config.dtsPath;
      // The file list changed for projects with cells: make them recompute it.
      // (markAsDirty is public at runtime but missing from the published typings)
      for (const p of projects) (p as unknown as { markAsDirty?: () => void }).markAsDirty?.();
    },
  };
}

// tsserver wants the factory as module.exports: the package's index.cjs unwraps this default export.
export default init;
