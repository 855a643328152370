// The `.rdkafka` notebook file: JSON with a version number, notebook metadata and cells.
// One pure module used by the VS Code serializer, the CLI runner and the tests (no vscode, no fs).
// Reading is strict about what it needs and lenient about what it does not know: unknown fields are
// kept and written back; anything malformed throws one NotebookFormatError naming what and where.
import type { CellOutput } from '../../protocol/index.ts';

export const NOTEBOOK_FORMAT_VERSION = 1;

export interface CellData {
  kind: 'markdown' | 'code';
  language: string;
  source: string;
  outputs: CellOutput[];
  /** The execution number the cell showed when saved, as Jupyter's execution_count; absent: never ran. */
  executionCount?: number;
  [unknown: string]: unknown;
}

export interface NotebookData {
  rdkafkaNotebook: 1;
  metadata: Record<string, unknown>;
  cells: CellData[];
  [unknown: string]: unknown;
}

export class NotebookFormatError extends Error {
  override name = 'NotebookFormatError';
}

const OUTPUT_KINDS = new Set(['stream', 'display', 'result', 'error']);

/** An empty notebook (what a new, empty file reads as). */
export function emptyNotebook(metadata: Record<string, unknown> = {}): NotebookData {
  return { rdkafkaNotebook: 1, metadata, cells: [] };
}

/** Line and column (1-based) of a character offset, for error messages. */
function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

/**
 * Offset of the first syntax error in `text` (-1 if none found). V8's JSON.parse messages carry no
 * position on every Node version, so a small scanner finds it.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const bad = (): never => {
    throw i;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') bad();
        string();
        ws();
        if (text[i] !== ':') bad();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else bad();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else bad();
      }
    } else if (c === '"') string();
    else {
      const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(
        text.slice(i, i + 400),
      );
      if (!m) bad();
      i += m![0].length;
    }
  };
  const string = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) bad();
      i++;
    }
    if (i >= text.length) bad();
    i++;
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (pos) {
    return typeof pos === 'number' ? Math.min(pos, text.length) : -1;
  }
}

/**
 * Offset of the first byte of `bytes` that is not part of well-formed UTF-8 (overlong forms, surrogates and
 * code points past U+10FFFF included), or -1 when it is all UTF-8.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return -1;
  } catch {
    // find where, below
  }
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Length of the sequence and the range its second byte may take (RFC 3629's table).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    // A lead byte whose sequence is cut short or malformed is the bad byte (what follows may be fine).
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (k === 1 ? c < lo || c > hi : c < 0x80 || c > 0xbf)) return i;
    }
    i += n;
  }
  return -1;
}

/**
 * Decodes the bytes of a `.rdkafka` file. Text that is not UTF-8 is refused (NotebookFormatError naming the
 * first bad byte): decoding it would turn those bytes into U+FFFD and saving would write that back.
 */
export function decodeNotebook(bytes: Uint8Array, fileName = 'notebook'): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return new TextDecoder('utf-8').decode(bytes);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < bad; i++)
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  const hex = bytes[bad]!.toString(16).toUpperCase().padStart(2, '0');
  throw new NotebookFormatError(
    `${fileName}: not UTF-8 text: byte 0x${hex} at offset ${bad} (line ${line}, byte ${bad - lineStart + 1} of that line) is not valid UTF-8; the file was left as it is: convert it to UTF-8 (iconv -f latin1 -t utf-8) or restore it from version control`,
  );
}

/** parseNotebook over the file's bytes: refuses text that is not UTF-8 (see decodeNotebook). */
export function parseNotebookBytes(bytes: Uint8Array, fileName = 'notebook'): NotebookData {
  return parseNotebook(decodeNotebook(bytes, fileName), fileName);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses the text of a `.rdkafka` file. Whitespace-only text is an empty notebook (VS Code creates new
 * files empty). Throws NotebookFormatError whose message names the file, the problem and its location.
 */
export function parseNotebook(text: string, fileName = 'notebook'): NotebookData {
  const fail = (what: string): never => {
    throw new NotebookFormatError(`${fileName}: ${what}`);
  };
  if (text.trim() === '') return emptyNotebook();
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const pos = jsonErrorOffset(text);
    const where = pos >= 0 ? ` at ${lineCol(text, pos)}` : '';
    const msg = (e as Error).message
      .replace(/,\s*(?:\.\.\.)?".*$/s, '')
      .replace(/\s*in JSON at position \d+.*$/s, '');
    fail(`invalid JSON${where} (${msg}); fix the file or restore it from version control`);
  }
  if (!isObject(raw)) return fail('not an rdkafka notebook: the top level must be a JSON object');
  const version = raw.rdkafkaNotebook;
  if (version === undefined) fail('not an rdkafka notebook: the field "rdkafkaNotebook": 1 is missing');
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    fail(`"rdkafkaNotebook" must be a format version number (1), not ${JSON.stringify(version)}`);
  if ((version as number) > NOTEBOOK_FORMAT_VERSION)
    fail(
      `written in notebook format version ${version}, newer than this workbench reads (${NOTEBOOK_FORMAT_VERSION}); update rdkafka workbench to open it`,
    );
  const metadata = raw.metadata ?? {};
  if (!isObject(metadata)) fail('"metadata" must be an object');
  const cellsRaw = raw.cells ?? [];
  if (!Array.isArray(cellsRaw)) fail('"cells" must be an array');
  const cells = (cellsRaw as unknown[]).map((c, i) => parseCell(c, i, fail));
  return { ...raw, rdkafkaNotebook: 1, metadata: metadata as Record<string, unknown>, cells };
}

function parseCell(c: unknown, i: number, fail: (what: string) => never): CellData {
  const at = `cell ${i + 1}`;
  if (!isObject(c)) return fail(`${at}: must be an object with "kind" and "source"`);
  if (c.kind !== 'markdown' && c.kind !== 'code')
    fail(`${at}: "kind" must be "markdown" or "code", not ${JSON.stringify(c.kind)}`);
  let source = c.source ?? '';
  if (Array.isArray(source)) {
    if (!source.every((l) => typeof l === 'string')) fail(`${at}: "source" lines must all be strings`);
    // Lines may or may not carry their newline (Jupyter style keeps them): join accordingly.
    source = (source as string[])
      .map((l, k, a) => (k < a.length - 1 && !l.endsWith('\n') ? l + '\n' : l))
      .join('');
  }
  if (typeof source !== 'string') fail(`${at}: "source" must be a string or an array of lines`);
  const language = c.language ?? (c.kind === 'code' ? 'typescript' : 'markdown');
  if (typeof language !== 'string') fail(`${at}: "language" must be a string`);
  const outputs = c.outputs ?? [];
  if (!Array.isArray(outputs)) fail(`${at}: "outputs" must be an array`);
  (outputs as unknown[]).forEach((o, k) => {
    if (!isObject(o) || typeof o.kind !== 'string' || !OUTPUT_KINDS.has(o.kind))
      fail(`${at}, output ${k + 1}: must be an object whose "kind" is one of stream, display, result, error`);
  });
  // Only a number to show: a value that is not one is dropped rather than refusing the whole file.
  const { executionCount, ...rest } = c;
  const count =
    typeof executionCount === 'number' && Number.isInteger(executionCount) && executionCount > 0
      ? { executionCount }
      : {};
  return {
    ...rest,
    kind: c.kind as CellData['kind'],
    language: language as string,
    source: source as string,
    outputs: outputs as CellOutput[],
    ...count,
  };
}

const NOTEBOOK_KEYS = ['rdkafkaNotebook', 'metadata', 'cells'];
const CELL_KEYS = ['kind', 'language', 'source', 'executionCount', 'outputs'];
const OUTPUT_KEYS = ['kind', 'name', 'text', 'data', 'message', 'stack'];

/** Copy with keys in a fixed order: `first` in that order, then the rest alphabetically, recursively. */
function ordered(value: unknown, first: string[] = []): unknown {
  if (Array.isArray(value)) return value.map((v) => ordered(v));
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  const rest = keys.filter((k) => !first.includes(k)).sort();
  const out: Record<string, unknown> = {};
  for (const k of [...first.filter((k) => k in value), ...rest]) {
    if (value[k] === undefined) continue;
    out[k] = ordered(value[k]);
  }
  return out;
}

/** The file text: 2-space indented JSON, stable key order, unknown fields kept, trailing newline. */
export function serializeNotebook(data: NotebookData): string {
  const top = ordered({ ...data, cells: [] }, NOTEBOOK_KEYS) as Record<string, unknown>;
  top.cells = data.cells.map((cell) => {
    const c = ordered({ ...cell, outputs: [] }, CELL_KEYS) as Record<string, unknown>;
    c.outputs = (cell.outputs ?? []).map((o) => ordered(o, OUTPUT_KEYS));
    return c;
  });
  return JSON.stringify(top, null, 2) + '\n';
}
