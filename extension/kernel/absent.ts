// A cell that names a C function or constant this kernel's librdkafka does not have gets a ReferenceError
// like any undeclared name (typeof stays "undefined", as C's #ifdef would see it), but its message says
// so plainly: "rd_kafka_mock_start_request_tracking is not in librdkafka 2.0.2", and which installed
// versions have it. The installed versions are only looked at when such an error happens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listInstalled, systemLibrary } from '../../versions/list.ts';
import type { Model } from '../../gen/model.ts';

const UNDEFINED_C_NAME = /^((?:rd_kafka|RD_KAFKA)_\w+) is not defined$/;

/** The text of the files that exist among `paths`. */
function texts(paths: string[]): string {
  return paths
    .map((p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return '';
      }
    })
    .join('\n');
}

/** Installed versions (other than `version`) whose header declares `name`. */
function versionsWith(name: string, version: string): { have: string[]; all: string[] } {
  const have: string[] = [];
  const all: string[] = [];
  const word = new RegExp(`\\b${name}\\b`);
  for (const v of listInstalled().versions) {
    if (v.version === version) continue;
    all.push(v.version);
    // The version's own headers: what its bindings were generated from.
    if (word.test(texts([join(v.paths.include, 'rdkafka.h'), join(v.paths.include, 'rdkafka_mock.h')])))
      have.push(v.version);
  }
  const sys = systemLibrary();
  if (sys && sys.version !== version && !all.includes(sys.version)) {
    all.push(`${sys.version} (system)`);
    if (word.test(texts([sys.header, join(sys.include, 'rdkafka_mock.h')])))
      have.push(`${sys.version} (system)`);
  }
  return { have, all };
}

/** The message for `name` missing from `version`, naming the installed versions that have it. */
export function absentMessage(name: string, version: string): string {
  const { have, all } = versionsWith(name, version);
  const head = `${name} is not in librdkafka ${version} (its rdkafka.h does not declare it)`;
  if (have.length) {
    const v = have[have.length - 1]!.replace(/ \(system\)$/, '');
    return `${head} but is in the installed ${have.join(', ')}: pick ${have.length > 1 ? 'one of those' : 'that version'} for the notebook ("librdkafka": "${v}" in its metadata, run --librdkafka ${v}, or the kernel picker)`;
  }
  return `${head}, nor does any other installed version${all.length ? ` (${all.join(', ')})` : ''}: check the name`;
}

type TypeKinds = Pick<Model, 'structs' | 'opaque' | 'aliases' | 'enums' | 'callbacks'>;

/** What kind of C type `name` is in the model (a struct, an opaque type, …), or null when it is none. */
function typeKind(name: string, model: Partial<TypeKinds>): string | null {
  if (model.structs?.some((s) => s.name === name || s.tag === name)) return 'a struct';
  if (model.opaque?.includes(name)) return 'an opaque type';
  if (model.enums?.some((x) => x.name === name)) return 'an enum type';
  if (model.aliases?.some((x) => x.name === name)) return 'a typedef';
  if (model.callbacks?.some((x) => x.name === name)) return 'a callback type';
  return null;
}

/**
 * The message for a C type of this librdkafka used as a value: the header declares it, so "not in
 * librdkafka" (and the advice to switch versions) would send the user the wrong way.
 */
export function typeMessage(name: string, kind: string, version: string): string {
  const read =
    kind === 'a struct' ? `; cstruct(p, "${name}") or cref(p, "${name}") read one at a pointer` : '';
  return `${name} is a C type (${kind}) in librdkafka ${version}, not a value: name it only in type annotations (let x: ${name}); values of it come from librdkafka's functions${read}`;
}

/** Rewrites a cell's ReferenceError for a C name in place (message and the stack's first line). */
export function explainAbsent(e: unknown, version: string | undefined, model?: Partial<TypeKinds>): void {
  if (!version || !(e instanceof ReferenceError)) return;
  const m = UNDEFINED_C_NAME.exec(e.message);
  if (!m) return;
  const old = e.message;
  try {
    const kind = model ? typeKind(m[1]!, model) : null;
    e.message = kind ? typeMessage(m[1]!, kind, version) : absentMessage(m[1]!, version);
  } catch {
    return; // the plain message is still right
  }
  if (typeof e.stack === 'string') e.stack = e.stack.replace(old, e.message);
}
