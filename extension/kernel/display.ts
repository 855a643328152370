// JS values → MIME bundles for cell outputs (what a REPL prints, plus richer views VS Code renders).
import { inspect } from 'node:util';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** JSON-safe copy: BigInt → number when exact, else string; Buffers → their text; cycles cut. */
export function toJson(value: unknown, seen = new Set<unknown>()): unknown {
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return null;
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), toJson(v, seen)]));
  if (value instanceof Set) return [...value].map((v) => toJson(v, seen));
  if (Array.isArray(value)) return value.map((v) => toJson(v, seen));
  if (value instanceof Error) return { name: value.name, message: value.message };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v, seen)]));
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c]};`);

/** An HTML table for an array of plain objects (columns: union of keys, first 1000 rows). */
export function htmlTable(rows: Record<string, unknown>[]): string {
  const cols = [...new Set(rows.slice(0, 1000).flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => escapeHtml(typeof v === 'string' ? v : (JSON.stringify(toJson(v)) ?? ''));
  const head = `<tr>${cols.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = rows
    .slice(0, 1000)
    .map((r) => `<tr>${cols.map((c) => `<td>${c in r ? cell(r[c]) : ''}</td>`).join('')}</tr>`)
    .join('');
  const more = rows.length > 1000 ? `<p>… ${rows.length - 1000} more rows</p>` : '';
  return `<table>${head}${body}</table>${more}`;
}

/** The value of a cell's last expression: text as Node's REPL shows it, plus JSON for data. */
export function resultBundle(value: unknown): Record<string, unknown> {
  const data: Record<string, unknown> = {
    'text/plain': inspect(value, { depth: 4, maxArrayLength: 100, breakLength: 100 }),
  };
  if (Array.isArray(value) || isPlainObject(value)) data['application/json'] = toJson(value);
  return data;
}

/** `display(value)`: tables for arrays of objects, a JSON tree for objects, text otherwise. */
export function displayBundle(value: unknown): Record<string, unknown> {
  if (typeof value === 'string') return { 'text/plain': value };
  if (Array.isArray(value) && value.length > 0 && value.every(isPlainObject))
    return {
      'text/html': htmlTable(value),
      'application/json': toJson(value),
      'text/plain': inspect(value, { depth: 2 }),
    };
  return resultBundle(value);
}
