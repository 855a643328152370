// Runs the VS Code suites through @vscode/test-electron's runTests, with the code-server shim as the "VS Code
// executable" (set VSCODE_EXECUTABLE to a desktop VS Code to run the same suites there). Sessions: the
// main one in a trusted copy of examples/, one in an untrusted folder, versions, intellisense-off. Ends with
// `N passed, N failed`.
import testElectron from '@vscode/test-electron';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  mkdirSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { cacheDir } from './host.ts';

const root = resolve(import.meta.dirname, '..', '..', '..');
const shim = process.env.VSCODE_EXECUTABLE || join(root, 'test', 'vscode', 'shim.sh');
const suiteIndex = join(root, 'dist', 'test', 'vscode', 'suite', 'index.cjs');

interface Results {
  passed: number;
  failed: number;
  skipped: number;
  failures: { name: string; error: string }[];
}

/** A scratch workspace: the example notebooks plus the suites' fixtures. */
function workspace(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `rdkafka-ws-${name}-`));
  const examples = join(root, 'examples');
  if (existsSync(examples))
    cpSync(examples, dir, { recursive: true, filter: (src) => !src.includes('.rdkafka/bindings') });
  cpSync(join(root, 'test', 'vscode', 'fixtures'), join(dir, 'fixtures'), { recursive: true });
  // For working on the suites: start from ready bindings instead of generating them.
  const seed = process.env.RDKAFKA_TEST_SEED_BINDINGS;
  if (seed) cpSync(seed, join(dir, '.rdkafka', 'bindings'), { recursive: true });
  return dir;
}

async function session(name: string, env: Record<string, string>): Promise<Results> {
  const ws = workspace(name);
  const resultsFile = join(ws, '..', `${ws.split('/').pop()}-results.json`);
  rmSync(resultsFile, { force: true });
  console.log(`\n## session ${name}: workspace ${ws}`);
  let exit: unknown;
  try {
    await testElectron.runTests({
      vscodeExecutablePath: shim,
      // RDKAFKA_TEST_EXTENSION: run against another copy, e.g. the unpacked .vsix (`extension/` inside it).
      extensionDevelopmentPath: process.env.RDKAFKA_TEST_EXTENSION || root,
      extensionTestsPath: suiteIndex,
      launchArgs: [ws],
      extensionTestsEnv: {
        RDKAFKA_TEST_SESSION: name,
        RDKAFKA_TEST_RESULTS_FILE: resultsFile,
        RDKAFKA_TEST_RESULTS: join(root, 'test-results'),
        RDKAFKA_TEST_REPO: root,
        ...env,
      },
    });
  } catch (e) {
    exit = e;
  }
  let results: Results;
  if (existsSync(resultsFile)) results = JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
  else {
    // The host died or never ran the suites: that is one failure, said plainly.
    results = {
      passed: 0,
      failed: 1,
      skipped: 0,
      failures: [
        { name: `session ${name}`, error: `no results (${(exit as Error)?.message ?? 'host exited'})` },
      ],
    };
  }
  rmSync(resultsFile, { force: true });
  if (!process.env.RDKAFKA_TEST_KEEP) rmSync(ws, { recursive: true, force: true });
  return results;
}

const started = Date.now();
mkdirSync(join(root, 'test-results'), { recursive: true });
if (!existsSync(suiteIndex)) {
  console.log(`missing ${suiteIndex}: run node scripts/build.mjs first`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
/**
 * The librdkafka versions session gets a cache of its own holding 2.15.1 (copied from the shared cache,
 * where the test setup built it), so that adding a version there changes nothing shared.
 */
function versionsCache(): Record<string, string> {
  const shared = cacheDir();
  const cache = mkdtempSync(join(tmpdir(), 'rdkafka-versions-cache-'));
  const r = spawnSync(
    process.execPath,
    [join(root, 'dist', 'cli.mjs'), 'lib', 'add', join(shared, 'librdkafka', '2.15.1')],
    {
      env: { ...process.env, RDKAFKA_WORKBENCH_CACHE: cache },
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`seeding the versions session's cache failed: ${r.stderr || r.stdout}`);
  return {
    RDKAFKA_WORKBENCH_CACHE: cache,
    RDKAFKA_TEST_HOST_CACHE: shared,
    RDKAFKA_TEST_SHARED_CACHE: shared,
  };
}

const only = process.env.RDKAFKA_TEST_SESSIONS?.split(',');
const all: [string, Record<string, string> | (() => Record<string, string>)][] = [
  ['main', {}],
  ['untrusted', { RDKAFKA_TEST_TRUST: '1' }],
  ['versions', versionsCache],
  // Restricted, and the TypeScript extension not allowed to run there: after trust it is out of reach.
  ['intellisense-off', { RDKAFKA_TEST_TRUST: '1', RDKAFKA_TEST_TS_RESTRICTED: '0' }],
];
const total: Results = { passed: 0, failed: 0, skipped: 0, failures: [] };
for (const [name, env] of all) {
  if (only && !only.includes(name)) continue;
  const vars = typeof env === 'function' ? env() : env;
  const r = await session(name, vars);
  if (vars.RDKAFKA_WORKBENCH_CACHE && !process.env.RDKAFKA_TEST_KEEP)
    rmSync(vars.RDKAFKA_WORKBENCH_CACHE, { recursive: true, force: true });
  total.passed += r.passed;
  total.failed += r.failed;
  total.skipped += r.skipped;
  total.failures.push(...r.failures.map((f) => ({ ...f, name: `${name}: ${f.name}` })));
}
for (const f of total.failures) console.log(`FAILED ${f.name}\n${f.error.replace(/^/gm, '    ')}`);
// Only this run's screenshots (other suites keep theirs in test-results/ too).
const shots = readdirSync(join(root, 'test-results')).filter(
  (f) => f.endsWith('.png') && statSync(join(root, 'test-results', f)).mtimeMs >= started,
);
if (shots.length) console.log(`screenshots in test-results/: ${shots.join(', ')}`);
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed ? 1 : 0);
