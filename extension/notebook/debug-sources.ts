// Debug Cell's translation between VS Code and the JavaScript debugger, as plain data. The kernel's cell
// scripts map to files named after the cell's text (kernel/debugging.ts); VS Code knows cells by their
// `vscode-notebook-cell:` URIs. Messages to the debug adapter get the file for a cell URI, messages from it
// get the cell back (the debugger does the line mapping itself, through the scripts' source maps). Pure:
// the lookups are passed in, so this is tested without VS Code.

/** A debug adapter protocol message, as far as this needs to see it. */
export interface DapMessage {
  type: string;
  command?: string;
  event?: string;
  arguments?: Record<string, unknown>;
  body?: Record<string, unknown>;
  success?: boolean;
}

export interface DapSource {
  name?: string;
  path?: string;
  sourceReference?: number;
}

/** The kernel's source file for a cell (by its URI as the adapter receives it), when it is one. */
export type CellToFile = (cellUri: string) => string | undefined;
/** The cell a kernel source file belongs to: its URI and the name to show ("quickstart.rdkafka, cell 3"). */
export type FileToCell = (path: string) => { uri: string; name: string } | undefined;

const isSource = (v: unknown): v is DapSource => typeof v === 'object' && v !== null;

function each(value: unknown, visit: (s: DapSource) => void): void {
  if (isSource(value)) visit(value);
}

/** Sources of a message, wherever the protocol puts them. */
function sourcesOf(m: DapMessage, visit: (s: DapSource) => void): void {
  const a = m.arguments ?? {};
  const b = m.body ?? {};
  if (m.type === 'request') {
    // setBreakpoints, breakpointLocations, source, gotoTargets
    each(a.source, visit);
  } else if (m.type === 'response' && m.success !== false) {
    for (const key of ['stackFrames', 'breakpoints', 'scopes', 'sources', 'targets'] as const) {
      const list = b[key];
      if (Array.isArray(list))
        for (const item of list) {
          if (key === 'sources') each(item, visit);
          else each((item as { source?: unknown }).source, visit);
        }
    }
  } else if (m.type === 'event') {
    each(b.source, visit);
    each((b.breakpoint as { source?: unknown } | undefined)?.source, visit);
  }
}

/** VS Code → adapter: a breakpoint (or any source) in a cell becomes its kernel source file. */
export function toAdapter(m: DapMessage, cellToFile: CellToFile): void {
  sourcesOf(m, (s) => {
    if (!s.path?.startsWith('vscode-notebook-cell:')) return;
    const file = cellToFile(s.path);
    if (file) {
      s.path = file;
      s.name = file.slice(file.lastIndexOf('/') + 1);
    }
  });
}

/** Adapter → VS Code: a kernel source file becomes its cell, so VS Code opens and marks the cell itself. */
export function fromAdapter(m: DapMessage, fileToCell: FileToCell): void {
  sourcesOf(m, (s) => {
    if (!s.path) return;
    const cell = fileToCell(s.path);
    if (!cell) return;
    s.path = cell.uri;
    s.name = cell.name;
    // The cell is an open document: VS Code must not ask the adapter for the file's text instead.
    delete s.sourceReference;
  });
}

/** The hash of a kernel source file's name (`…/<16 hex>.ts`) when it lies in `dir`, else undefined. */
export function sourceFileKey(path: string, dir: string): string | undefined {
  const p = path.startsWith('file://') ? decodeURIComponent(path.slice('file://'.length)) : path;
  if (!p.startsWith(dir.endsWith('/') ? dir : `${dir}/`)) return undefined;
  return /\/([0-9a-f]{16})\.ts$/.exec(p)?.[1];
}

/**
 * VS Code → adapter: Stop and Disconnect end the debugging, never the kernel. The kernel holds the user's
 * variables and handles (Jupyter's Debug Cell leaves the kernel running too), but the JavaScript debugger
 * kills a process it attached to on `terminate` (the debug toolbar's Stop) or on `disconnect` with
 * `terminateDebuggee`. Both become a plain disconnect: the paused cell resumes and runs to its end.
 */
export function sparingTheKernel(m: DapMessage): void {
  if (m.type !== 'request') return;
  if (m.command === 'terminate') {
    m.command = 'disconnect';
    m.arguments = { terminateDebuggee: false };
  } else if (m.command === 'disconnect') m.arguments = { ...m.arguments, terminateDebuggee: false };
}
