// Doc comments come from the RAW header (the preprocessor drops comments): the `/** … */` block right
// above a declaration, or a trailing `/**< … */` on its line, cleaned of Doxygen decoration.
import { readFileSync } from 'node:fs';

export class DocIndex {
  private files = new Map<string, string[]>();

  private lines(file: string): string[] {
    let lines = this.files.get(file);
    if (!lines) {
      try {
        lines = readFileSync(file, 'utf8').split('\n');
      } catch {
        lines = [];
      }
      this.files.set(file, lines);
    }
    return lines;
  }

  /** The doc comment for a declaration that starts at `line` (1-based) of `file`. */
  above(file: string, line: number): string | undefined {
    const lines = this.lines(file);
    let i = line - 2;
    // Skip blank lines and lines holding only export/deprecation macros (RD_EXPORT, RD_DEPRECATED).
    while (i >= 0 && /^\s*(?:[A-Z_][A-Z0-9_]*(?:\s+|$))*$/.test(lines[i]!) && i > line - 6) i--;
    if (i < 0 || !/\*\/\s*$/.test(lines[i]!)) return undefined;
    const end = i;
    while (i >= 0 && !lines[i]!.includes('/*')) i--;
    if (i < 0) return undefined;
    const block = lines.slice(i, end + 1).join('\n');
    const start = block.lastIndexOf('/*');
    if (!/^\/\*[*!]/.test(block.slice(start)) || /^\/\*\*</.test(block.slice(start))) return undefined;
    return clean(block.slice(start));
  }

  /** A trailing `/**< … *\/` comment on `line`, or the block above it. */
  member(file: string, line: number): string | undefined {
    const text = this.lines(file)[line - 1] ?? '';
    const m = /\/\*[*!]<\s*(.*?)\s*\*\//.exec(text);
    if (m) return clean(m[0]);
    return this.above(file, line);
  }
}

/** Strips comment markers and leading `*`s, keeping Doxygen tags (`@brief`, `@param`) readable. */
export function clean(comment: string): string | undefined {
  const body = comment
    .replace(/^\/\*[*!]<?/, '')
    .replace(/\*\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*( ?)/, '').trimEnd())
    .join('\n')
    .replace(/@brief\s+/, '')
    // Doxygen inline markup → Markdown, which hovers render: \p name, \c code → `code`; \b word → **word**.
    .replace(/\\[pc]\s+([A-Za-z_][\w.>-]*\w|\w+)/g, '`$1`')
    .replace(/\\b\s+([A-Za-z_]\w*)/g, '**$1**')
    .trim();
  return body || undefined;
}
