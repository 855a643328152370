// The scenario notebooks (examples/scenarios/*.rdkafka) as a catalogue: name, title, one-line description
// and the librdkafka they need, from each notebook's metadata. Pure: file names and texts in, entries out;
// the CLI (`scenarios`) and the VS Code command (New Notebook from Scenario…) read the folder themselves.
import { parseNotebook } from './format.ts';
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

/**
 * The version to preselect for a scenario among installed ones (newest first wins): the newest that satisfies
 * its range, or null when none does. `versions` are plain version strings ("2.15.1", "2.0.2").
 */
export function satisfyingVersion(entry: ScenarioEntry, versions: string[]): string | null {
  const ok = versions.filter((v) => !entry.librdkafka || satisfies(v, entry.librdkafka));
  return ok.sort((a, b) => compareVersions(b, a))[0] ?? null;
}
