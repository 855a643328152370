// The TypeScript server plugin (extension/tsplugin) inside a real ts.server.ProjectService, as VS Code's
// TypeScript extension runs it: cells of an untitled notebook, each in an inferred project of its own, checked
// by the plugin's per-notebook service. That service must leave the server's own bookkeeping alone: a cell's
// file belongs to real projects only, so closing one cell never leaves another cell pointing at a closed
// project (the server then failed every request on it: "Cannot read properties of undefined (reading
// 'startRecordingFilesWithChangedResolutions')", "No Project", "Could not find source file").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import init from '../../extension/tsplugin/index.ts';

function projectService(): ts.server.ProjectService {
  const host = {
    ...ts.sys,
    setTimeout,
    clearTimeout,
    setImmediate,
    clearImmediate,
    watchFile: () => ({ close() {} }),
    watchDirectory: () => ({ close() {} }),
  } as unknown as ts.server.ServerHost;
  const logger = {
    close() {},
    hasLevel: () => false,
    loggingEnabled: () => false,
    perftrc() {},
    info() {},
    startGroup() {},
    endGroup() {},
    msg() {},
    getLogFileName: () => undefined,
  } as unknown as ts.server.Logger;
  return new ts.server.ProjectService({
    host,
    logger,
    cancellationToken: ts.server.nullCancellationToken,
    useSingleInferredProject: false,
    useInferredProjectPerProjectRoot: false,
    typingsInstaller: ts.server.nullTypingsInstaller,
    session: undefined,
  });
}

const cell = (notebook: string, id: string) =>
  `^/vscode-notebook-cell/ts-nul-authority/${notebook}.rdkafka#${id}`;

test('the per-notebook service never attaches a cell to a stand-in project: closing one cell leaves the other checkable', () => {
  const service = projectService();
  const plugin = init({ typescript: ts });
  const proxies = new Map<ts.server.Project, ts.LanguageService>();
  /** The language service tsserver would use for a file: its default project's, through the plugin. */
  const languageService = (file: string) => {
    const project = service.getScriptInfo(file)!.getDefaultProject();
    let proxy = proxies.get(project);
    if (!proxy) {
      proxy = plugin.create({
        project,
        languageService: project.getLanguageService(),
        languageServiceHost: project,
        serverHost: service.host,
        session: undefined,
        config: {},
      } as unknown as ts.server.PluginCreateInfo);
      proxies.set(project, proxy);
    }
    return proxy;
  };
  const a = cell('Untitled-1', 'a');
  const b = cell('Untitled-1', 'b');
  service.openClientFile(a, 'const a: number = 1;\n', ts.ScriptKind.TS);
  service.openClientFile(b, 'const b: string = a;\n', ts.ScriptKind.TS);
  assert.equal(service.inferredProjects.length, 2, 'each untitled cell in an inferred project of its own');

  // Checked as one scope (the notebook's): cell b sees cell a's declaration.
  const first = languageService(b)
    .getSemanticDiagnostics(b)
    .map((d) => d.code);
  assert.deepEqual(first, [2322], 'b: a number is not a string (and a is found in the other cell)');
  languageService(a).getSemanticDiagnostics(a);
  const real = new Set<ts.server.Project>(service.inferredProjects);
  for (const file of [a, b])
    for (const p of service.getScriptInfo(file)!.containingProjects)
      assert.ok(real.has(p), `${file} is attached to a project the server does not know`);

  // The user closes cell a's project (the cell is deleted): cell b must still be served.
  service.closeClientFile(a);
  const after = languageService(b)
    .getSemanticDiagnostics(b)
    .map((d) => d.code);
  assert.ok(Array.isArray(after), 'cell b is still served');
  for (const p of service.getScriptInfo(b)!.containingProjects)
    assert.ok(!p.isClosed(), 'cell b points at a closed project');
});
