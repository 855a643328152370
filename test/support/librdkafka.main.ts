// Test setup (scripts/test.mjs runs it before the suites that need it): the librdkafka versions of
// test/support/versions.ts built from their npm packages into the shared cache with the workbench's own
// `lib add`. Idempotent and quick once they are there (it only brings stale bindings up to date); on a new
// machine it installs the build tools first (make, python3, a C compiler).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { addVersion } from '../../versions/index.ts';
import { which } from '../../versions/tools.ts';
import { repoRoot } from './repo.ts';
import { sharedCache, TEST_VERSIONS } from './versions.ts';

const missing = [
  ...(which('cc') ? [] : ['gcc', 'libc6-dev']),
  ...(which('make') ? [] : ['make']),
  ...(which('python3') ? [] : ['python3']),
];
if (missing.length) {
  const r = spawnSync('bash', ['-c', `source scripts/lib.sh && apt_install ${missing.join(' ')}`], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    console.error(`installing ${missing.join(', ')} failed: librdkafka cannot be built from source here`);
    process.exit(1);
  }
}

for (const [version, source] of Object.entries(TEST_VERSIONS)) {
  let lastStep = '';
  const r = await addVersion(source, {
    cache: sharedCache,
    onProgress: (p) => {
      // One line per step: this runs under CI's log, not a terminal.
      if (p.step !== lastStep) console.log(`  librdkafka ${version}: ${p.message}`);
      lastStep = p.step;
    },
  }).catch((e: Error) => {
    console.error(`setting up librdkafka ${version} from ${source} failed: ${e.message}`);
    process.exit(1);
  });
  console.log(
    r.already
      ? `librdkafka ${version}: installed (${join(r.dir)})`
      : `librdkafka ${version}: built from ${source} in ${(r.elapsedMs / 1000).toFixed(0)} s (${r.dir})`,
  );
}
