// The generated bindings the kernel loads: `.rdkafka/bindings` in the repository (the runner's default,
// git-ignored), generated with the CLI when missing; RDKAFKA_WORKBENCH_BINDINGS overrides it (as in the
// kernel tests).

import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { cliPath, repoRoot } from './repo.ts';

export const bindingsDir = process.env.RDKAFKA_WORKBENCH_BINDINGS ?? join(repoRoot, '.rdkafka', 'bindings');

export async function ensureBindings(): Promise<string> {
  if (existsSync(join(bindingsDir, 'model.json')) && existsSync(join(bindingsDir, 'bindings.js')))
    return bindingsDir;
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      [cliPath, 'gen', '--out', bindingsDir],
      { cwd: repoRoot, timeout: 120_000 },
      (err, _out, stderr) => {
        if (err)
          reject(
            new Error(
              `rdkafka-workbench gen --out ${bindingsDir} failed: ${String(stderr).trim() || err.message}`,
            ),
          );
        else resolve();
      },
    );
  });
  return bindingsDir;
}

/** The same, synchronously, for tests that need the folder before their first await. */
export function ensureBindingsSync(): string {
  if (existsSync(join(bindingsDir, 'model.json')) && existsSync(join(bindingsDir, 'bindings.js')))
    return bindingsDir;
  const r = spawnSync(process.execPath, [cliPath, 'gen', '--out', bindingsDir], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (r.status !== 0)
    throw new Error(`rdkafka-workbench gen --out ${bindingsDir} failed: ${(r.stderr || r.stdout).trim()}`);
  return bindingsDir;
}
