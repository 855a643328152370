// The scenario notebooks (examples/scenarios/*.rdkafka) as a catalogue: name, title, one-line description
// and the librdkafka they need, from each notebook's metadata. Pure: file names and texts in, entries out;
// the CLI (`scenarios`) and the VS Code command (New Notebook from Scenario…) read the folder themselves.
import { parseNotebook, serializeNotebook } from './format.ts';
import { describeRange, requirements, satisfies, type ClusterKind } from './requires.ts';
import { compareVersions } from '../../versions/version.ts';

export const SCENARIOS_FOLDER = ['examples', 'scenarios'] as const;

export interface ScenarioEntry {
  /** The file name without `.rdkafka`: "produce-retries". */
  name: string;
  fileName: string;
  title: string;
  description: string;
  /** The version range of `"requires": {"librdkafka": …}`, or null for every version. */
  librdkafka: string | null;
  cluster: ClusterKind | null;
  /** What it needs, as the quick pick and the docs show it: "librdkafka >= 2.8.0", "any librdkafka". */
  needs: string;
}

/** One catalogue entry from a scenario notebook's text. Throws (NotebookFormatError, RequirementError). */
export function scenarioEntry(fileName: string, text: string): ScenarioEntry {
  const nb = parseNotebook(text, fileName);
  const meta = nb.metadata as { title?: unknown; description?: unknown };
  const name = fileName.replace(/\.rdkafka$/, '');
  const req = requirements(nb.metadata);
  const needs = [
    req.librdkafka ? `librdkafka ${describeRange(req.librdkafka)}` : 'any librdkafka',
    ...(req.cluster === 'kafka' ? ['a real Kafka cluster'] : []),
  ].join(', ');
  return {
    name,
    fileName,
    title: typeof meta.title === 'string' ? meta.title : name,
    description: typeof meta.description === 'string' ? meta.description : '',
    librdkafka: req.librdkafka,
    cluster: req.cluster,
    needs,
  };
}

/** Entries for every `.rdkafka` file of a folder listing, sorted by name; unreadable files are reported. */
export function scenarioCatalog(files: Array<{ fileName: string; text: string }>): {
  entries: ScenarioEntry[];
  problems: string[];
} {
  const entries: ScenarioEntry[] = [];
  const problems: string[] = [];
  for (const f of files.filter((f) => f.fileName.endsWith('.rdkafka'))) {
    try {
      entries.push(scenarioEntry(f.fileName, f.text));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  return { entries, problems };
}

/** An installed librdkafka: the system's or one built into the cache. */
export interface InstalledLibrary {
  version: string;
  system: boolean;
}

/** The newest installed librdkafka that satisfies the scenario's range, or null when none does. */
export function satisfyingVersion(
  entry: ScenarioEntry,
  installed: InstalledLibrary[],
): InstalledLibrary | null {
  const ok = installed.filter((v) => !entry.librdkafka || satisfies(v.version, entry.librdkafka));
  return ok.sort((a, b) => compareVersions(b.version, a.version))[0] ?? null;
}

export interface ScenarioPick {
  label: string;
  description: string;
  detail: string;
  entry: ScenarioEntry;
  /** The version its copy will name in its metadata, or null when no installed one satisfies it. */
  version: InstalledLibrary | null;
}

const versionLabel = (v: InstalledLibrary) => (v.system ? `${v.version} (system)` : v.version);

/** What the quick pick shows per scenario: its name, what it needs and on which installed version it runs. */
export function scenarioPicks(entries: ScenarioEntry[], installed: InstalledLibrary[]): ScenarioPick[] {
  return entries.map((entry) => {
    const version = satisfyingVersion(entry, installed);
    const runs = version ? `runs on ${versionLabel(version)}` : 'no installed librdkafka satisfies it';
    return {
      label: entry.name,
      description: `needs ${entry.needs} · ${runs}`,
      detail: entry.description || entry.title,
      entry,
      version,
    };
  });
}

/** A file name for the copy that no file of `taken` has: NAME.rdkafka, NAME-2.rdkafka, … */
export function copyFileName(name: string, taken: ReadonlySet<string>): string {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? `${name}.rdkafka` : `${name}-${i}.rdkafka`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** The copy's text: the scenario with the version it should run on recorded in its metadata. */
export function scenarioCopy(text: string, fileName: string, version: InstalledLibrary | null): string {
  const nb = parseNotebook(text, fileName);
  if (version) nb.metadata = { ...nb.metadata, librdkafka: version.system ? 'system' : version.version };
  return serializeNotebook(nb);
}
