// A built librdkafka version from the workbench's cache (the `versions` room's test setup builds 2.12.0 and
// 2.15.1 there: VERSION/lib/librdkafka.so.1, include/, bindings/), with bindings generated from its own
// header when the folder has none yet. Null, with the reason, when the version is not built.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from './repo.ts';

export interface BuiltVersion {
  version: string;
  library: string;
  bindingsDir: string;
  include: string;
}

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.RDKAFKA_WORKBENCH_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rdkafka-workbench')
  );
}

export function builtVersion(version: string): BuiltVersion | { missing: string } {
  const dir = join(cacheRoot(), 'librdkafka', version);
  const library = join(dir, 'lib', 'librdkafka.so.1');
  const header = join(dir, 'include', 'rdkafka.h');
  if (!existsSync(library) || !existsSync(header))
    return {
      missing: `librdkafka ${version} is not built in ${dir} (the versions test setup builds it there)`,
    };
  let bindingsDir = join(dir, 'bindings');
  if (!existsSync(join(bindingsDir, 'bindings.js'))) {
    bindingsDir = join(tmpdir(), `rdkafka-bindings-${version}`);
    if (!existsSync(join(bindingsDir, 'bindings.js'))) {
      mkdirSync(bindingsDir, { recursive: true });
      execFileSync(
        process.execPath,
        [cliPath, 'gen', '--header', header, '--lib', library, '--out', bindingsDir],
        {
          stdio: 'ignore',
          timeout: 120_000,
        },
      );
    }
  }
  return { version, library, bindingsDir, include: join(dir, 'include') };
}
