// The test and build scripts count honestly: a suite that built or ran nothing fails `npm test`, and a
// renamed entry point fails the build instead of silently dropping its bundle. Each script is run as
// `npm test` runs it, in a scratch copy of the repository.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../support/repo.ts';

/** A scratch copy of the files git tracks (no dist/, no node_modules: linked). */
function scratchRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wb-accounting-'));
  const files = spawnSync('git', ['ls-files'], { cwd: repoRoot, encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean);
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(repoRoot, f), join(dir, f));
  }
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const node = (cwd: string, ...args: string[]) => {
  // Not as a subtest of this run: node --test reports to a parent test runner when it sees one.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env });
};

test('a renamed entry point fails the build, naming it', () => {
  const dir = scratchRepo();
  renameSync(join(dir, 'extension', 'kernel', 'main.ts'), join(dir, 'extension', 'kernel', 'kernel-main.ts'));
  const r = node(dir, 'scripts/build.mjs');
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /entry point extension\/kernel\/main\.ts missing/);
});

test('npm test fails for a suite that built no tests and for one that ran none', () => {
  const dir = scratchRepo();
  const none = node(dir, 'scripts/test.mjs', 'browser');
  assert.equal(none.status, 1, none.stdout);
  assert.match(none.stdout, /suites that did not finish cleanly: browser \(built no tests\)/);
  assert.match(none.stdout, /^0 passed, 1 failed, 0 skipped$/m);

  mkdirSync(join(dir, 'dist', 'test', 'unit'), { recursive: true });
  writeFileSync(join(dir, 'dist', 'test', 'unit', 'empty.test.mjs'), 'export {};\n');
  const empty = node(dir, 'scripts/test.mjs', 'unit');
  assert.equal(empty.status, 1, empty.stdout);
  assert.match(
    empty.stdout,
    /suites that did not finish cleanly: unit \(\S+empty\.test\.mjs registered no tests\)/,
  );
  assert.match(empty.stdout, /^0 passed, 1 failed, 0 skipped$/m);
});
