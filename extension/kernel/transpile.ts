// TypeScript cell → runnable script: esbuild strips the types (keeping imports a later cell may use),
// then rewrite.ts makes the declarations persistent. Errors name the cell and line.
import { rewriteCell } from './rewrite.ts';
import { decodeMappings, type LineMap } from './sourcemap.ts';
import { withSourceMap } from './debugging.ts';

export interface TranspiledCell {
  code: string;
  map: LineMap;
  prefixLength: number;
  declared: string[];
}

export class CellSyntaxError extends Error {
  override name = 'SyntaxError';
}

// esbuild is loaded on first use (after `ready`), keeping it off the kernel's cold start.
let esbuild: Promise<typeof import('esbuild')> | null = null;
const loadEsbuild = () => (esbuild ??= import('esbuild'));

/** Loads esbuild and starts its service, so that the first cell does not wait for it. */
export async function warmUp(): Promise<void> {
  await (await loadEsbuild()).transform('', { loader: 'ts' });
}

export async function transpileCell(source: string, cell: number): Promise<TranspiledCell> {
  let js: string;
  let mapText: string;
  try {
    const { transform } = await loadEsbuild();
    const r = await transform(source, {
      loader: 'ts',
      sourcefile: `cell-${cell}.ts`,
      sourcemap: 'external',
      target: 'es2022',
      // Keep `import {x} from "y"` even when this cell does not use x: a later cell may.
      tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
      logLevel: 'silent',
    });
    js = r.code;
    mapText = r.map;
  } catch (e) {
    const err = (e as { errors?: Array<{ text: string; location?: { line: number; column: number } }> })
      .errors?.[0];
    if (!err) throw e;
    const where = err.location
      ? `cell ${cell}, line ${err.location.line}, column ${err.location.column + 1}`
      : `cell ${cell}`;
    throw new CellSyntaxError(`${err.text} (${where})`);
  }
  const mappings = (JSON.parse(mapText) as { mappings: string }).mappings;
  const map = decodeMappings(mappings);
  try {
    const r = rewriteCell(js);
    // The source map lets a debugger show and break in the cell's own lines (debugging.ts).
    const code = withSourceMap(r.code, mappings, r.prefixLength, source);
    return { code, map, prefixLength: r.prefixLength, declared: r.declared };
  } catch (e) {
    // esbuild accepted it but acorn did not (rare: syntax esbuild passes through); map acorn's position.
    const loc = (e as { loc?: { line: number; column: number } }).loc;
    const line = loc ? (map[loc.line - 1]?.[0]?.[1] ?? loc.line - 1) + 1 : null;
    throw new CellSyntaxError(
      `${(e as Error).message.replace(/ \(\d+:\d+\)$/, '')} (cell ${cell}${line ? `, line ${line}` : ''})`,
    );
  }
}
