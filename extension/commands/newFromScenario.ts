// "librdkafka: New Notebook from Scenario…": a quick pick of the scenario notebooks the extension ships
// (examples/scenarios), each with what it shows and the librdkafka it needs; the one picked is copied into the
// workspace (never over an existing file) with the newest installed librdkafka that satisfies it recorded in
// its metadata, and opened. The pure part is extension/notebook/scenario-catalog.ts.
import * as vscode from 'vscode';
import {
  scenarioCatalog,
  scenarioCopy,
  scenarioPicks,
  copyFileName,
  SCENARIOS_FOLDER,
  type InstalledLibrary,
  type ScenarioPick,
} from '../notebook/scenario-catalog.ts';
import { NOTEBOOK_TYPE, toNotebookData } from '../notebook/serializer.ts';
import { parseNotebook } from '../notebook/format.ts';
import { listInstalled, systemLibrary } from '../../versions/list.ts';

export interface NewFromScenarioArgs {
  /** Skip the quick pick: the scenario's name ("produce-retries"). */
  scenario?: string;
  /** Where to copy it (default: the first workspace folder). */
  folder?: vscode.Uri;
}

export interface NewFromScenarioResult {
  uri: vscode.Uri;
  scenario: string;
  /** The version written into the copy's metadata ("2.15.1", "system"), or null. */
  librdkafka: string | null;
}

/** The quick pick's items as last shown (for the extension's API: tests read what the user saw). */
let lastPicks: ScenarioPick[] = [];
export const shownScenarioPicks = () =>
  lastPicks.map(({ label, description, detail }) => ({ label, description, detail }));

function installedLibraries(): InstalledLibrary[] {
  const out: InstalledLibrary[] = [];
  const sys = systemLibrary();
  if (sys?.library) out.push({ version: sys.version, system: true });
  for (const v of listInstalled().versions) out.push({ version: v.version, system: false });
  return out;
}

async function readCatalog(extensionUri: vscode.Uri) {
  const dir = vscode.Uri.joinPath(extensionUri, ...SCENARIOS_FOLDER);
  const files = await Promise.all(
    (await vscode.workspace.fs.readDirectory(dir))
      .filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.rdkafka'))
      .map(async ([fileName]) => ({
        fileName,
        text: new TextDecoder().decode(
          await vscode.workspace.fs.readFile(vscode.Uri.joinPath(dir, fileName)),
        ),
      })),
  );
  return { dir, ...scenarioCatalog(files) };
}

function pick(items: ScenarioPick[]): Promise<ScenarioPick | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<ScenarioPick>();
    qp.title = 'New Notebook from Scenario';
    qp.placeholder =
      'A problem librdkafka users report, reproduced on the mock cluster: pick one to copy into the workspace';
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    qp.items = items;
    let chosen: ScenarioPick | undefined;
    qp.onDidAccept(() => {
      chosen = qp.selectedItems[0];
      qp.hide();
    });
    qp.onDidHide(() => {
      qp.dispose();
      resolve(chosen);
    });
    qp.show();
  });
}

export async function newNotebookFromScenario(
  extensionUri: vscode.Uri,
  args: NewFromScenarioArgs = {},
): Promise<NewFromScenarioResult | undefined> {
  const catalog = await readCatalog(extensionUri);
  if (!catalog.entries.length) {
    void vscode.window.showErrorMessage(
      `No scenario notebooks found in ${catalog.dir.fsPath}${catalog.problems.length ? `: ${catalog.problems[0]}` : ''}. Reinstall the extension.`,
    );
    return undefined;
  }
  const items = scenarioPicks(catalog.entries, installedLibraries());
  lastPicks = items;
  const chosen = args.scenario ? items.find((i) => i.entry.name === args.scenario) : await pick(items);
  if (!chosen) {
    if (args.scenario)
      void vscode.window.showErrorMessage(
        `There is no scenario named "${args.scenario}" (there are: ${items.map((i) => i.label).join(', ')}).`,
      );
    return undefined;
  }
  const source = vscode.Uri.joinPath(catalog.dir, chosen.entry.fileName);
  const text = scenarioCopy(
    new TextDecoder().decode(await vscode.workspace.fs.readFile(source)),
    chosen.entry.fileName,
    chosen.version,
  );
  const librdkafka = chosen.version ? (chosen.version.system ? 'system' : chosen.version.version) : null;
  const folder = args.folder ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  let doc: vscode.NotebookDocument;
  let uri: vscode.Uri;
  if (folder) {
    const taken = new Set((await vscode.workspace.fs.readDirectory(folder)).map(([name]) => name));
    uri = vscode.Uri.joinPath(folder, copyFileName(chosen.entry.name, taken));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    doc = await vscode.workspace.openNotebookDocument(uri);
  } else {
    // No folder open: an untitled notebook with the scenario's cells (Save As puts it where the user wants).
    doc = await vscode.workspace.openNotebookDocument(
      NOTEBOOK_TYPE,
      toNotebookData(parseNotebook(text, chosen.entry.fileName)),
    );
    uri = doc.uri;
  }
  await vscode.window.showNotebookDocument(doc);
  if (chosen.entry.cluster === 'kafka')
    void vscode.window.showInformationMessage(
      `${chosen.entry.name} needs a real Kafka cluster (the mock cluster cannot show it): set "bootstrap" in the notebook's metadata or the rdkafka.bootstrapServers setting to HOST:PORT.`,
    );
  else if (!chosen.version) {
    const add = 'Add librdkafka Version…';
    void vscode.window
      .showWarningMessage(
        `${chosen.entry.name} needs ${chosen.entry.needs}, and no installed librdkafka satisfies it: its cells will say so instead of running. Add a version that does, then pick its kernel.`,
        add,
      )
      .then((pick) => pick === add && vscode.commands.executeCommand('rdkafka.addLibrdkafkaVersion'));
  }
  return { uri, scenario: chosen.entry.name, librdkafka };
}
