// `rdkafka-workbench COMMAND --help` as a user types it (the built dist/cli.mjs in a child process): every
// command prints its own usage on stdout and exits 0, as `gen`, `lib` and `scenarios` always did.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { CLI } from './fixtures/gen/oracle.ts';

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const command of ['run', 'demo', 'compare', 'trace', 'mock', 'gen', 'lib', 'scenarios'])
  for (const flag of ['--help', '-h'])
    test(`${command} ${flag}: its usage on stdout, exit 0, nothing run`, () => {
      const r = cli(command, flag);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^usage: rdkafka-workbench ${command}\\b`));
      assert.equal(r.stderr, '');
    });
