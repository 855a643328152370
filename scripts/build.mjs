// The one esbuild script for every bundle. Every entry listed here must exist: a renamed or deleted entry
// point fails the build, naming it, instead of silently dropping its bundle (tests, benchmarks and
// `*.main.ts` files are found by name). `node scripts/build.mjs --watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cellGlobalsDts } from './cell-globals-dts.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);

// Native, wasm-carrying or host-provided packages stay outside the bundles and load from node_modules.
const external = [
  'vscode',
  'koffi',
  'esbuild',
  'web-tree-sitter',
  'tree-sitter-c',
  'playwright-core',
  '@vscode/test-electron',
  'typescript',
];
// ESM bundles that inline CommonJS code still need `require`.
const esmBanner =
  "import { createRequire as __wbCreateRequire } from 'node:module'; const require = __wbCreateRequire(import.meta.url);";

// Which generator this build carries (versions/stamp.ts): bindings made by another one read as stale.
const genStamp = createHash('sha256')
  .update(
    readdirSync('gen')
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map((f) => f + '\0' + readFileSync(join('gen', f), 'utf8'))
      .join('\0'),
  )
  .digest('hex')
  .slice(0, 16);
// The editor's declarations of the cell API, generated from its one declaration (extension/kernel/cell-api.ts).
const cellGlobals = { __CELL_GLOBALS_DTS__: JSON.stringify(cellGlobalsDts('extension/kernel/cell-api.ts')) };
const defines = { ...cellGlobals, __RDKAFKA_GEN_STAMP__: JSON.stringify(genStamp) };

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  external,
  logLevel: 'warning',
  define: defines,
};
const esm = { ...node, format: 'esm', banner: { js: esmBanner } };

/** Files under `dir` whose name ends with `suffix`. */
function find(dir, suffix) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...find(path, suffix));
    else if (name.endsWith(suffix)) out.push(path);
  }
  return out;
}

const mjs = (src) => join('dist', relative('.', src)).replace(/\.ts$/, '.mjs');

const entries = [
  // CommonJS (VS Code loads extensions with require), but gen/ and the kernel client use import.meta.url.
  {
    entryPoints: ['extension/extension.ts'],
    outfile: 'dist/extension.cjs',
    ...node,
    format: 'cjs',
    define: { ...defines, 'import.meta.url': '__wbImportMetaUrl' },
    banner: { js: "const __wbImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  },
  { entryPoints: ['extension/kernel/main.ts'], outfile: 'dist/kernel.mjs', ...esm },
  {
    entryPoints: ['cli/main.ts'],
    outfile: 'dist/cli.mjs',
    ...esm,
    banner: { js: '#!/usr/bin/env node\n' + esmBanner },
  },
  {
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview.js',
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: 'linked',
    logLevel: 'warning',
  },
  {
    entryPoints: ['extension/tsplugin/index.ts'],
    outfile: 'dist/tsplugin/index.cjs',
    ...node,
    format: 'cjs',
  },
  {
    entryPoints: ['test/vscode/suite/index.ts'],
    outfile: 'dist/test/vscode/suite/index.cjs',
    ...node,
    format: 'cjs',
  },
  ...[...find('test', '.test.ts'), ...find('test', '.main.ts'), ...find('bench', '.bench.ts')].map((src) => ({
    entryPoints: [src],
    outfile: mjs(src),
    ...esm,
  })),
];

const missing = entries.flatMap((e) => e.entryPoints).filter((p) => !existsSync(p));
if (missing.length) {
  console.error(
    `build failed: entry point${missing.length > 1 ? 's' : ''} ${missing.join(', ')} missing: restore ${missing.length > 1 ? 'them' : 'it'}, or change scripts/build.mjs if ${missing.length > 1 ? 'they were' : 'it was'} renamed`,
  );
  process.exit(1);
}

// tsserver loads the extension's TypeScript plugin by package name from <extension>/node_modules: a tiny
// package there forwards to the bundle (not committed; the .vsix carries it).
const plugin = join('node_modules', 'rdkafka-workbench-tsplugin');
mkdirSync(plugin, { recursive: true });
writeFileSync(
  join(plugin, 'package.json'),
  JSON.stringify(
    { name: 'rdkafka-workbench-tsplugin', version: '0.0.0', private: true, main: 'index.cjs' },
    null,
    2,
  ) + '\n',
);
writeFileSync(
  join(plugin, 'index.cjs'),
  "module.exports = require('../../dist/tsplugin/index.cjs').default;\n",
);

const watch = process.argv.includes('--watch');
const started = Date.now();
if (watch) {
  for (const e of entries) await (await esbuild.context(e)).watch();
  console.log(`watching ${entries.length} bundles`);
} else {
  await Promise.all(entries.map((e) => esbuild.build(e)));
  console.log(`built ${entries.length} bundles in ${Date.now() - started} ms`);
}
