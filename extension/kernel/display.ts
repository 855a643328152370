// JS values → MIME bundles for cell outputs: what a REPL prints, plus the richer views VS Code renders.
// Each bundle carries only the MIME types meant to be seen: VS Code ranks application/json above
// text/html whatever the order, so a table never travels with a JSON twin that would hide it.
// Pointers (koffi 3 hands them to JS as bigint) are shown as C shows them.
import { inspect } from 'node:util';

/** What the kernel knows about a pointer: its C type, and a name when it has one (a handle's). */
export interface KnownPointer {
  ctype: string;
  name?: string;
}

/** Looks a pointer up among the objects the cells created; undefined for any other. */
export type PointerNamer = (p: bigint) => KnownPointer | undefined;

let namer: PointerNamer = () => undefined;

/** Installs the kernel's lookup of known pointers (handles), used by every bundle made afterwards. */
export function setPointerNamer(fn: PointerNamer): void {
  namer = fn;
}

/**
 * Smallest value shown as an address: below it a bigint is a number the cell made (`12n`), not a
 * pointer (no mapping lives in the first page). Above 2^64 it cannot be a pointer either.
 */
const MIN_POINTER = 0x1000n;
const MAX_POINTER = (1n << 64n) - 1n;

export function isPointerLike(v: bigint): boolean {
  return v >= MIN_POINTER && v <= MAX_POINTER;
}

/** `rd_kafka_t * 0x41fe12c0 (rdkafka#producer-1)` for a known pointer, `0x41fe12c0` for another. */
export function formatPointer(p: bigint, lookup: PointerNamer = namer): string {
  const hex = `0x${p.toString(16)}`;
  const known = lookup(p);
  if (!known) return hex;
  return `${known.ctype} * ${hex}${known.name ? ` (${known.name})` : ''}`;
}

/** A bigint as shown to people: an address when it can be one, else as JavaScript writes it. */
export function formatBigint(v: bigint, lookup: PointerNamer = namer): string {
  return isPointerLike(v) || lookup(v) ? formatPointer(v, lookup) : `${v}n`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** A stand-in that util.inspect prints as the pointer's text, without quotes. */
class Shown {
  constructor(readonly text: string) {}
  [inspect.custom](): string {
    return this.text;
  }
}

/**
 * A copy of `value` for util.inspect in which every bigint is its formatted text. Plain objects,
 * arrays, Maps and Sets are copied (cycles kept as cycles); other objects are left as they are.
 */
function forInspect(value: unknown, lookup: PointerNamer, seen = new Map<object, unknown>()): unknown {
  if (typeof value === 'bigint') return new Shown(formatBigint(value, lookup));
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(forInspect(v, lookup, seen));
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) out.set(forInspect(k, lookup, seen), forInspect(v, lookup, seen));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const v of value) out.add(forInspect(v, lookup, seen));
    return out;
  }
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = Object.create(Object.getPrototypeOf(value) as object | null);
  seen.set(value, out);
  // Through descriptors: an accessor is copied as one, so inspect shows `[Getter]` as Node's REPL does
  // and showing a value never runs the cell's getters (one that throws used to fail a cell that had run).
  for (const k of Object.keys(value)) {
    const d = Object.getOwnPropertyDescriptor(value, k);
    if (!d) continue;
    if ('value' in d) out[k] = forInspect(d.value, lookup, seen);
    else Object.defineProperty(out, k, d);
  }
  return out;
}

/** A printf-style first argument (`console.log('%d', n)`): its arguments are the user's to format. */
const FORMAT = /%[sdifjoOc]/;

/**
 * console.log's arguments with every pointer as C shows it (a bare bigint, or one inside plain objects,
 * arrays, Maps, Sets), for util.format to print; a format string's arguments, and a value that cannot be
 * walked (a revoked Proxy), are left as given.
 */
export function consoleArgs(args: unknown[], lookup: PointerNamer = namer): unknown[] {
  if (typeof args[0] === 'string' && FORMAT.test(args[0])) return args;
  try {
    return args.map((a) => (typeof a === 'string' ? a : forInspect(a, lookup)));
  } catch {
    return args;
  }
}

/** Text as Node's REPL shows a value, pointers as C shows them; objects broken over indented lines. */
export function inspectValue(value: unknown, lookup: PointerNamer = namer): string {
  return inspect(forInspect(value, lookup), {
    depth: 4,
    maxArrayLength: 100,
    maxStringLength: 10_000,
    breakLength: 80,
  });
}

/** One line for a value (table cells, the Variables view): strings bare, the rest as inspect shows it. */
export function shortText(value: unknown, max = 120, lookup: PointerNamer = namer): string {
  const text =
    typeof value === 'string'
      ? value
      : inspect(forInspect(value, lookup), { depth: 1, breakLength: Infinity, maxArrayLength: 20 });
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** JSON-safe copy: pointers → their text, other BigInts → number when exact, else string; cycles cut. */
export function toJson(value: unknown, seen = new Set<unknown>(), lookup: PointerNamer = namer): unknown {
  if (typeof value === 'bigint') {
    if (isPointerLike(value) || lookup(value)) return formatPointer(value, lookup);
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return null;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v, seen, lookup)]));
  if (value instanceof Set) return [...value].map((v) => toJson(v, seen, lookup));
  if (Array.isArray(value)) return value.map((v) => toJson(v, seen, lookup));
  if (value instanceof Error) return { name: value.name, message: value.message };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v, seen, lookup)]));
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);

/** Rows shown in a table; the rest is counted below it. */
const TABLE_ROWS = 1000;

// The output webview has VS Code's theme variables: the table follows the editor's colours.
const TABLE_STYLE =
  '<style>table.rdkafka-table{border-collapse:collapse;font-family:var(--vscode-editor-font-family,monospace);font-size:var(--vscode-editor-font-size,13px)}' +
  'table.rdkafka-table th,table.rdkafka-table td{padding:2px 10px;border-bottom:1px solid var(--vscode-editorWidget-border,#8884);text-align:left}' +
  'table.rdkafka-table th{font-weight:600}table.rdkafka-table td.num{text-align:right;font-variant-numeric:tabular-nums}</style>';

/** An HTML table for an array of plain objects (columns: union of keys, first 1000 rows). */
export function htmlTable(rows: Record<string, unknown>[], lookup: PointerNamer = namer): string {
  const shown = rows.slice(0, TABLE_ROWS);
  const cols = [...new Set(shown.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    const numeric = typeof v === 'number' || (typeof v === 'bigint' && !isPointerLike(v));
    return `<td${numeric ? ' class="num"' : ''}>${escapeHtml(shortText(v, 200, lookup))}</td>`;
  };
  const head = `<thead><tr>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead>`;
  const body = shown
    .map((r) => `<tr>${cols.map((c) => (c in r ? cell(r[c]) : '<td></td>')).join('')}</tr>`)
    .join('');
  const more = rows.length > TABLE_ROWS ? `<p>… ${rows.length - TABLE_ROWS} more rows</p>` : '';
  return `${TABLE_STYLE}<table class="rdkafka-table">${head}<tbody>${body}</tbody></table>${more}`;
}

/** The value of a cell's last expression: readable, indented text, as Node's REPL shows it. */
export function resultBundle(value: unknown): Record<string, unknown> {
  return { 'text/plain': inspectValue(value) };
}

/** `display.json(value)`: the JSON itself (VS Code's JSON view), with its text for other readers. */
export function jsonBundle(value: unknown): Record<string, unknown> {
  const json = toJson(value);
  return { 'application/json': json, 'text/plain': JSON.stringify(json, null, 2) ?? 'undefined' };
}

const isTable = (value: unknown): value is Record<string, unknown>[] =>
  Array.isArray(value) && value.length > 0 && value.every(isPlainObject);

/** `display(value)`: a table for an array of objects, text as the REPL shows it otherwise. */
export function displayBundle(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { 'text/plain': value };
  if (isTable(value)) return { 'text/html': htmlTable(value), 'text/plain': inspectValue(value) };
  return resultBundle(value);
}
