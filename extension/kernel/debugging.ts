// Debug Cell, kernel side. Every cell script carries a source map (an inline data: URL) whose source is a
// file named after the cell's text (`<sha1, 16 hex>.ts` in a folder of this process); the inspector
// (node:inspector, opened only when asked) lets VS Code's JavaScript debugger attach, read the map and
// set breakpoints by cell line. The files are written when debugging starts (and for each cell run while
// it is on), so nothing is written for a kernel nobody debugs; the folder goes when the process ends.
// The extension maps a source file back to the cell whose text has that hash (extension/notebook/debug.ts).
import inspector from 'node:inspector';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeSegments, encodeSegments } from './sourcemap.ts';

/** Where this kernel's cell sources go while debugging. */
export const SOURCE_DIR = join(tmpdir(), `rdkafka-workbench-debug-${process.pid}`);

/** The name of a cell's source file: its text's hash, so the extension finds the cell that has that text. */
export function sourceKey(source: string): string {
  return createHash('sha1').update(source).digest('hex').slice(0, 16);
}

export function sourcePath(source: string, dir = SOURCE_DIR): string {
  return join(dir, `${sourceKey(source)}.ts`);
}

/**
 * The source map of a rewritten cell script: esbuild's mappings (`mappings`, from the TypeScript text to
 * esbuild's output), whose lines the rewrite kept; only line 1 moved, by the `prefixLength` characters put
 * in front of it.
 */
export function cellSourceMap(mappings: string, prefixLength: number, sourceFile: string): string {
  const lines = decodeSegments(mappings);
  if (lines[0]) lines[0] = lines[0].map(([g, l, c]) => [g + prefixLength, l, c]);
  return JSON.stringify({
    version: 3,
    sources: [pathToFileURL(sourceFile).href],
    names: [],
    mappings: encodeSegments(lines),
  });
}

// Spelled in two parts: this file's own text must not hold the magic comment, or a debugger reading it
// (through the kernel bundle's source map) takes the template for a source map of its own.
const MAGIC = ['//#', 'sourceMappingURL='].join(' ');

const sources = new Map<string, string>();
let writing = false;

function writeSource(source: string): void {
  try {
    mkdirSync(SOURCE_DIR, { recursive: true });
    writeFileSync(sourcePath(source), source);
  } catch {
    // a read-only tmp: breakpoints will not bind, the cell still runs
  }
}

/** `code` with its source map appended; the cell's text is kept to be written when debugging starts. */
export function withSourceMap(code: string, mappings: string, prefixLength: number, source: string): string {
  sources.set(sourceKey(source), source);
  if (writing) writeSource(source);
  const map = Buffer.from(cellSourceMap(mappings, prefixLength, sourcePath(source))).toString('base64');
  return `${code}\n${MAGIC}data:application/json;charset=utf-8;base64,${map}`;
}

/** Opens the inspector (once) and writes every cell source run so far; returns its port. */
export function startDebugging(): { port: number; sourceDir: string } {
  if (!inspector.url()) inspector.open(0, '127.0.0.1', false);
  const url = inspector.url();
  const port = url ? Number(new URL(url).port) : NaN;
  if (!Number.isInteger(port) || port <= 0) throw new Error('the inspector did not open');
  if (!writing) {
    writing = true;
    for (const s of sources.values()) writeSource(s);
    process.once('exit', () => rmSync(SOURCE_DIR, { recursive: true, force: true }));
  }
  return { port, sourceDir: SOURCE_DIR };
}

/** Closes the inspector; the sources stay (another session may start). */
export function stopDebugging(): void {
  if (inspector.url()) inspector.close();
}
