// `npm run package`: builds rdkafka-workbench-<version>.vsix with @vscode/vsce. The extension is staged in a
// temporary folder first: the bundles, media, examples, the production dependencies (koffi and esbuild
// with their platform binaries, the tree-sitter wasm, codicons) and the TypeScript server plugin package,
// which tsserver must find at <extension>/node_modules/rdkafka-workbench-tsplugin (the repository's
// node_modules has it only because the build writes it; it is no npm dependency).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PLUGIN = 'rdkafka-workbench-tsplugin';
const run = (cmd, args, cwd = root) =>
  execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
for (const f of [
  'dist/extension.cjs',
  'dist/kernel.mjs',
  'dist/tsplugin/index.cjs',
  `node_modules/${PLUGIN}/package.json`,
]) {
  if (!existsSync(join(root, f))) {
    console.error(
      `error: ${f} is missing after the build; fix the build errors above and run npm run package again`,
    );
    process.exit(1);
  }
}

const stage = mkdtempSync(join(tmpdir(), 'rdkafka-vsix-'));
try {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  delete pkg.devDependencies;
  delete pkg.scripts; // no vscode:prepublish: everything is built already
  pkg.dependencies = { ...pkg.dependencies, [PLUGIN]: '0.0.0' };
  writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');

  // Runtime files only: no tests, benchmarks or source maps.
  cpSync(join(root, 'dist'), join(stage, 'dist'), {
    recursive: true,
    filter: (src) =>
      !relative(join(root, 'dist'), src).startsWith('test') &&
      !relative(join(root, 'dist'), src).startsWith('bench') &&
      !src.endsWith('.map'),
  });
  // docs/ too: README.md links into it (relative links stay relative: --no-rewrite-relative-links).
  for (const dir of ['media', 'examples', 'docs'])
    if (existsSync(join(root, dir))) cpSync(join(root, dir), join(stage, dir), { recursive: true });
  for (const f of ['README.md', 'LICENSE', 'CHANGELOG.md'])
    if (existsSync(join(root, f))) cpSync(join(root, f), join(stage, f));
  if (!existsSync(join(stage, 'README.md')))
    writeFileSync(join(stage, 'README.md'), `# ${pkg.displayName}\n\n${pkg.description}\n`);

  // Production dependencies as npm resolved them, plus the plugin package.
  const deps = run('npm', ['ls', '--omit=dev', '--parseable', '--all'])
    .split('\n')
    .filter((p) => p.startsWith(join(root, 'node_modules')));
  for (const dep of [...deps, join(root, 'node_modules', PLUGIN)])
    cpSync(dep, join(stage, relative(root, dep)), { recursive: true, dereference: true });
  writeFileSync(
    join(stage, '.vscodeignore'),
    [
      '**/*.map',
      'node_modules/tree-sitter-c/src/**',
      'node_modules/tree-sitter-c/bindings/**',
      'node_modules/tree-sitter-c/prebuilds/**',
      'node_modules/**/test/**',
    ].join('\n') + '\n',
  );

  const out = join(root, `${pkg.name}-${pkg.version}.vsix`);
  const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  try {
    execFileSync(
      process.execPath,
      [
        vsce,
        'package',
        '--skip-license',
        '--allow-missing-repository',
        '--no-rewrite-relative-links',
        '--out',
        out,
      ],
      { cwd: stage, stdio: 'inherit' },
    );
  } catch {
    console.error('error: vsce could not package the extension (its message is above); nothing was written');
    process.exit(1);
  }

  const listing = run(process.execPath, [vsce, 'ls', '--tree'], stage);
  if (!listing.includes(PLUGIN)) {
    console.error(`error: the package lacks node_modules/${PLUGIN}; IntelliSense in cells would not work`);
    process.exit(1);
  }
  console.log(`${relative(process.cwd(), out)} (${readdirSync(stage).join(', ')})`);
} finally {
  rmSync(stage, { recursive: true, force: true });
}
