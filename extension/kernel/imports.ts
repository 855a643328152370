// `import` inside cells: Node built-ins, files relative to the workspace, and packages from the
// workspace's node_modules (CommonJS or ESM-only), whatever folder the kernel itself runs from.
import { builtinModules, createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Picks the entry for `import` from a package.json "exports" condition object. */
function pickExport(target: unknown): string | null {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const t of target) {
      const p = pickExport(t);
      if (p) return p;
    }
    return null;
  }
  if (target && typeof target === 'object') {
    const t = target as Record<string, unknown>;
    for (const cond of ['import', 'node', 'module', 'default']) if (cond in t) return pickExport(t[cond]);
  }
  return null;
}

/** ESM entry of a bare specifier, for packages whose exports have no `require` condition. */
function resolveEsm(spec: string, cwd: string): string | null {
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const sub = '.' + spec.slice(name.length);
  for (let dir = cwd; ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', name);
    const pkgJson = join(pkgDir, 'package.json');
    if (existsSync(pkgJson)) {
      const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as {
        exports?: unknown;
        module?: string;
        main?: string;
      };
      let entry: string | null;
      if (pkg.exports !== undefined) {
        const ex = pkg.exports as Record<string, unknown>;
        const keyed =
          typeof ex === 'object' && !Array.isArray(ex) && Object.keys(ex).some((k) => k.startsWith('.'));
        entry = pickExport(keyed ? ex[sub] : sub === '.' ? ex : undefined);
      } else entry = sub === '.' ? (pkg.module ?? pkg.main ?? 'index.js') : sub;
      return entry ? join(pkgDir, entry) : null;
    }
    if (dirname(dir) === dir) return null;
  }
}

export function makeImporter(cwd: () => string) {
  return async function wbImport(spec: string): Promise<unknown> {
    if (spec.startsWith('node:') || builtinModules.includes(spec)) return import(spec);
    if (spec.startsWith('file:')) return import(spec);
    if (spec.startsWith('.') || isAbsolute(spec)) return import(pathToFileURL(resolve(cwd(), spec)).href);
    const require = createRequire(join(cwd(), 'index.js'));
    let path: string | null;
    try {
      path = require.resolve(spec);
    } catch {
      path = resolveEsm(spec, cwd());
    }
    if (!path)
      throw new Error(`Cannot find package '${spec}' from ${cwd()}: install it there (npm install ${spec})`);
    return import(pathToFileURL(path).href);
  };
}
