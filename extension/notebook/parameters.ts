// Parameters cells, as papermill has them: a code cell tagged `parameters` (cell metadata
// `"tags": ["parameters"]`) holds a notebook's knobs with their defaults; `run NB -p NAME=VALUE` injects
// a cell right after it (tagged `injected-parameters`) that sets new values, so the saved notebook shows
// what the run used. Pure: notebooks in, notebooks out (no fs, no vscode).
import type { CellData, NotebookData } from './format.ts';

export const PARAMETERS_TAG = 'parameters';
export const INJECTED_TAG = 'injected-parameters';

export class ParameterError extends Error {
  override name = 'ParameterError';
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

// Names a `const NAME = …` cannot declare: the injected cell would be a syntax error in the kernel.
const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally ' +
    'for function if import in instanceof new null return super switch this throw true try typeof var void ' +
    'while with yield let static implements interface package private protected public await'
  ).split(' '),
);

/** The tags of a cell (`metadata.tags`), ignoring anything that is not a list of strings. */
export function cellTags(cell: CellData): string[] {
  const meta = cell.metadata;
  const tags = meta && typeof meta === 'object' ? (meta as { tags?: unknown }).tags : undefined;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/**
 * `NAME=VALUE` arguments of `-p` into values: VALUE parsed as JSON (`4`, `true`, `"x"`, `[1,2]`), else
 * taken as the string it is (`consumer`). A later NAME wins over an earlier one, as on papermill's line.
 */
export function parseParameterArgs(args: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq).trim() : '';
    if (!IDENTIFIER.test(name))
      throw new ParameterError(
        eq > 0
          ? `-p ${arg}: "${name}" is not a name a cell can use (letters, digits, _ and $, not starting with a digit)`
          : `-p needs NAME=VALUE, got "${arg}"`,
      );
    if (RESERVED.has(name))
      throw new ParameterError(
        `-p ${arg}: "${name}" is a reserved word of JavaScript: a cell cannot declare it; name the parameter otherwise`,
      );
    const text = arg.slice(eq + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON: the string itself.
    }
    // Defined, not assigned: `out.__proto__ = 1` would set the prototype and the parameter was lost.
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * The names a cell declares at its top level, with their keyword (`const a = 1, b = 2` on one line gives
 * both). A light scan, not a parser: enough for the plain declarations a parameters cell holds.
 */
export function declarations(source: string): Map<string, 'const' | 'let' | 'var'> {
  const names = new Map<string, 'const' | 'let' | 'var'>();
  for (const line of source.split('\n')) {
    const m = /^(const|let|var)\s+(.*)$/.exec(line);
    if (!m) continue;
    // Split the declarators at top-level commas; keep each one's name.
    let depth = 0;
    let quote = '';
    let part = '';
    for (const ch of m[2]! + ',') {
      if (quote) {
        if (ch === quote && !part.endsWith('\\')) quote = '';
      } else if ('"\'`'.includes(ch)) quote = ch;
      else if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) depth--;
      if (ch === ',' && depth === 0 && !quote) {
        const name = /^\s*([A-Za-z_$][\w$]*)/.exec(part)?.[1];
        if (name && !names.has(name)) names.set(name, m[1] as 'const' | 'let' | 'var');
        part = '';
      } else part += ch;
    }
  }
  return names;
}

/** TypeScript source of the injected cell. Values are JSON, which is valid TypeScript too. */
export function parametersSource(values: Record<string, unknown>, declaredIn = ''): string {
  const declared = declarations(declaredIn);
  const lines = ['// Parameters injected by `rdkafka-workbench run -p`'];
  for (const [name, value] of Object.entries(values)) {
    const keyword = declared.get(name) ?? 'const';
    lines.push(`${keyword} ${name} = ${JSON.stringify(value)};`);
  }
  return lines.join('\n');
}

export interface Injection {
  notebook: NotebookData;
  /** Position (from 1) of the injected cell in the new notebook. */
  cell: number;
  /** Position (from 1) of the parameters cell, or null when the notebook has none. */
  parametersCell: number | null;
  /** Names set that the parameters cell does not declare (papermill warns about those too). */
  unknown: string[];
}

/**
 * A copy of `nb` with a cell setting `values` after its parameters cell (or, when it has none, before
 * its first code cell). Cells injected by an earlier run are dropped first, so running a saved notebook
 * again with new parameters does not stack them.
 */
export function injectParameters(nb: NotebookData, values: Record<string, unknown>): Injection {
  const cells = nb.cells.filter((c) => !cellTags(c).includes(INJECTED_TAG));
  const at = cells.findIndex((c) => c.kind === 'code' && cellTags(c).includes(PARAMETERS_TAG));
  const params = at >= 0 ? cells[at]! : null;
  const firstCode = cells.findIndex((c) => c.kind === 'code');
  const index = params ? at + 1 : firstCode >= 0 ? firstCode : cells.length;
  const declared = declarations(params?.source ?? '');
  const injected: CellData = {
    kind: 'code',
    language: params?.language ?? 'typescript',
    source: parametersSource(values, params?.source),
    outputs: [],
    metadata: { tags: [INJECTED_TAG] },
  };
  cells.splice(index, 0, injected);
  return {
    notebook: { ...nb, cells },
    cell: index + 1,
    parametersCell: params ? at + 1 : null,
    unknown: Object.keys(values).filter((n) => !declared.has(n)),
  };
}

/** What a run prints about an injection: where the values went, and names the parameters cell lacks. */
export function injectionNotes(p: Injection): string[] {
  if (p.parametersCell === null)
    return [`no cell is tagged "${PARAMETERS_TAG}": the values are set in a new cell ${p.cell}`];
  const notes = [`set in cell ${p.cell}, after the parameters cell ${p.parametersCell}`];
  if (p.unknown.length)
    notes.push(`${p.unknown.join(', ')} not declared in the parameters cell (set anyway)`);
  return notes;
}
