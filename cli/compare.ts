// `rdkafka-workbench compare A.jsonl B.jsonl [C.jsonl …] [--keep-handles]`: two (or more) runs' --events
// files (from `run` or `trace`) side by side: counts by type, delivery-report errors by code, and the
// first point where the event sequences part, as the version matrix compares versions. Handles are
// matched by role (the n-th producer with the n-th producer) unless --keep-handles. Exit 0 when the
// sequences agree, 1 when they part, 2 for bad usage or an unreadable file.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { EVENT_TYPES, type KernelEvent } from '../protocol/index.ts';
import { compareTraces, comparisonText } from '../trace/compare.ts';

export const COMPARE_USAGE =
  'usage: rdkafka-workbench compare A.jsonl B.jsonl [MORE.jsonl …] [--keep-handles]';

type Write = (name: 'stdout' | 'stderr', s: string) => unknown;
const defaultWrite: Write = (name, s) => process[name].write(s);

class InputError extends Error {}
const TYPES = new Set<string>(EVENT_TYPES);

/** An --events file: one KernelEvent per line. */
export function readEventsFile(path: string): KernelEvent[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new InputError(
      `cannot read ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): check the path`,
    );
  }
  const events: KernelEvent[] = [];
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let e: Partial<KernelEvent>;
    try {
      e = JSON.parse(line) as Partial<KernelEvent>;
    } catch {
      // A run killed mid-write leaves a last line cut short: everything before it still counts.
      if (i === lines.length - 1) break;
      throw new InputError(
        `${path} line ${i + 1} is not JSON: give an --events file written by run or trace`,
      );
    }
    if (typeof e !== 'object' || e === null || !TYPES.has(String(e.type)) || typeof e.data !== 'object')
      throw new InputError(
        `${path} line ${i + 1} is not an event: give an --events file written by run or trace`,
      );
    events.push(e as KernelEvent);
  }
  return events;
}

/** Column names: each file's name, its path as given where two names are the same, numbered when the
 * same file is given twice. */
export function columnLabels(files: readonly string[]): string[] {
  const names = files.map((f) => basename(f));
  const clash = (n: string) => names.filter((x) => x === n).length > 1;
  const labels = files.map((f, i) => (clash(names[i]!) ? f : names[i]!));
  return labels.map((l, i) => {
    const before = labels.slice(0, i).filter((x) => x === l).length;
    return before || labels.indexOf(l, i + 1) >= 0 ? `${l} (${before + 1})` : l;
  });
}

export async function main(argv: string[], write: Write = defaultWrite): Promise<number> {
  const files = argv.filter((a) => !a.startsWith('--'));
  const unknown = argv.filter((a) => a.startsWith('--') && a !== '--keep-handles');
  if (unknown.length || files.length < 2) {
    write(
      'stderr',
      `rdkafka-workbench compare: ${unknown.length ? `unknown option ${unknown[0]}` : 'give two --events files to compare'}\n\n${COMPARE_USAGE}\n`,
    );
    return 2;
  }
  try {
    const labels = columnLabels(files);
    const runs = files.map((f, i) => ({ label: labels[i]!, events: readEventsFile(resolve(f)) }));
    const c = compareTraces(runs, { keepHandles: argv.includes('--keep-handles') });
    write('stdout', comparisonText(c));
    return c.divergence ? 1 : 0;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    write('stderr', `rdkafka-workbench compare: ${e.message}\n`);
    return 2;
  }
}
