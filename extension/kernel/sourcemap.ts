// Maps positions in a cell's generated script back to the cell's own TypeScript lines, and rewrites
// stack traces so that frames read "cell 3, line 4". Pure.

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** For each generated line (0-based), the segments [generatedColumn, originalLine (0-based)]. */
export type LineMap = Array<Array<[number, number]>>;

/** Absolute segments of one generated line: [generatedColumn, originalLine, originalColumn], 0-based. */
export type Segments = Array<[number, number, number]>;

/** Decodes the `mappings` of a source map (version 3, single source) into absolute segments per line. */
export function decodeSegments(mappings: string): Segments[] {
  const lines: Segments[] = [];
  let srcLine = 0;
  let srcCol = 0;
  for (const line of mappings.split(';')) {
    const segs: Segments = [];
    let genCol = 0;
    for (const seg of line.split(',')) {
      if (!seg) continue;
      const values: number[] = [];
      let shift = 0;
      let acc = 0;
      for (const ch of seg) {
        const d = B64_INDEX.get(ch) ?? 0;
        acc += (d & 31) << shift;
        if (d & 32) shift += 5;
        else {
          values.push(acc & 1 ? -(acc >>> 1) : acc >>> 1);
          acc = 0;
          shift = 0;
        }
      }
      genCol += values[0] ?? 0;
      if (values.length >= 4) {
        srcLine += values[2]!;
        srcCol += values[3]!;
        segs.push([genCol, srcLine, srcCol]);
      }
    }
    lines.push(segs);
  }
  return lines;
}

function vlq(n: number): string {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = '';
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v) digit |= 32;
    out += B64[digit];
  } while (v);
  return out;
}

/** Encodes absolute segments back into `mappings` (one source, index 0). */
export function encodeSegments(lines: Segments[]): string {
  let prevLine = 0;
  let prevCol = 0;
  return lines
    .map((segs) => {
      let prevGen = 0;
      return segs
        .map(([gen, line, col]) => {
          const s = vlq(gen - prevGen) + vlq(0) + vlq(line - prevLine) + vlq(col - prevCol);
          prevGen = gen;
          prevLine = line;
          prevCol = col;
          return s;
        })
        .join(',');
    })
    .join(';');
}

/** Decodes the `mappings` of a source map (version 3, single source) into a LineMap. */
export function decodeMappings(mappings: string): LineMap {
  return decodeSegments(mappings).map((segs) => segs.map(([gen, line]): [number, number] => [gen, line]));
}

/**
 * Original line (1-based) for a generated line/column (1-based), or null when unmapped: also for the lines
 * after the cell's last mapped one, which hold only the wrapper's code (transpile.ts: the call that starts
 * the cell), none of the cell's.
 */
export function originalLine(map: LineMap, line: number, column: number): number | null {
  const segs = map[line - 1];
  if (!segs || segs.length === 0) {
    if (!map.slice(line).some((s) => s.length > 0)) return null;
    // A line esbuild emitted without mappings (a closing brace): use the nearest mapped line above.
    for (let l = line - 2; l >= 0; l--) {
      const s = map[l];
      if (s && s.length) return s[s.length - 1]![1] + 1;
    }
    return null;
  }
  let best = segs[0]!;
  for (const s of segs) if (s[0] <= column - 1) best = s;
  return best[1] + 1;
}

export interface CellScript {
  cell: number;
  map: LineMap;
  /** Characters added in front of line 1 by the rewrite. */
  prefixLength: number;
}

/**
 * Rewrites a V8 stack: frames in cell scripts (registered by file name) become "cell N, line L";
 * frames inside the kernel itself and Node's internals are dropped, other frames are kept.
 * `kernelFiles` are substrings identifying the kernel's own bundle.
 */
export function rewriteStack(stack: string, scripts: Map<string, CellScript>, kernelFiles: string[]): string {
  const out: string[] = [];
  for (const line of stack.split('\n')) {
    const frame = /^(\s+at )(?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (!frame) {
      out.push(line);
      continue;
    }
    const [, at, fn, file, l, c] = frame;
    const script = scripts.get(file!);
    if (script) {
      const col = Number(l) === 1 ? Math.max(1, Number(c) - script.prefixLength) : Number(c);
      const orig = originalLine(script.map, Number(l), col);
      // The wrapper's own frame (it calls the cell from after the cell's last line): no line of the cell.
      if (orig === null) continue;
      const where = `cell ${script.cell}, line ${orig}`;
      const text = fn && fn !== 'eval' ? `${at}${fn} (${where})` : `${at}${where}`;
      // The wrapper adds an anonymous frame at the same place: show it once.
      if (out[out.length - 1] !== text) out.push(text);
    } else if (file!.startsWith('node:') || kernelFiles.some((k) => file!.includes(k))) {
      continue;
    } else out.push(line);
  }
  return out.join('\n');
}
