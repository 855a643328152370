// The librdkafka versions the suites run on besides the system's, built from the librdkafka source that
// these npm packages bundle (FACTS.md), by test/support/librdkafka.main.ts during `npm test`'s setup, into
// the shared cache (once per machine). Tests that add, remove or break versions use a temporary cache
// (RDKAFKA_WORKBENCH_CACHE) and take their sources from here, never touching the shared one.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const TEST_VERSIONS = {
  '2.12.0': 'npm:node-rdkafka@3.6.1',
  '2.15.1': 'npm:@confluentinc/kafka-javascript@1.10.1',
} as const;
export type TestVersion = keyof typeof TEST_VERSIONS;

/** The shared cache the setup builds into (RDKAFKA_WORKBENCH_CACHE as `npm test` was started with). */
export const sharedCache =
  process.env.RDKAFKA_WORKBENCH_CACHE ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rdkafka-workbench');

/** The npm tarball `lib add npm:…` kept in the shared cache: a local source for tests that build. */
export function cachedSourceTarball(version: TestVersion): string {
  const pkg = TEST_VERSIONS[version].slice('npm:'.length);
  const path = join(sharedCache, 'sources', 'npm', `${pkg.replace(/^@/, '').replace(/[/@]/g, '-')}.tgz`);
  if (!existsSync(path))
    throw new Error(
      `${path} is missing: run the test setup first (node dist/test/support/librdkafka.main.mjs)`,
    );
  return path;
}

/** The installed test version's folder in the shared cache. */
export function sharedVersionDir(version: TestVersion): string {
  return join(sharedCache, 'librdkafka', version);
}
