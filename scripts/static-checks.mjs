// The project's own rules, checked as part of `npm test`: strict types, lint, formatting.
// Each is one check; the run ends with `N passed, N failed` like every other suite.
import { spawnSync } from 'node:child_process';

const checks = [
  ['types (tsc --noEmit, strict)', 'npx', ['tsc', '--noEmit', '-p', '.']],
  ['panel types without Node (tsc -p webview)', 'npx', ['tsc', '--noEmit', '-p', 'webview']],
  ['lint (eslint)', 'npx', ['eslint', '.']],
  ['format (prettier --check)', 'npx', ['prettier', '--check', '--log-level', 'warn', '.']],
];

let passed = 0;
let failed = 0;
for (const [name, cmd, args] of checks) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  const ok = r.status === 0;
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? '✔' : '✖'} ${name} (${Date.now() - started} ms)`);
  if (!ok) console.log((r.stdout + r.stderr).trim().split('\n').slice(0, 40).join('\n'));
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
