// Where things are, for every suite: found from a test bundle in dist/test/<suite>/ or a source in test/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (
      existsSync(pkg) &&
      (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'rdkafka-workbench'
    )
      return dir;
  }
  throw new Error(`no rdkafka-workbench package.json above ${from}`);
}

export const repoRoot = findRoot(dirname(fileURLToPath(import.meta.url)));
export const cliPath = join(repoRoot, 'dist', 'cli.mjs');
export const kernelScript = join(repoRoot, 'dist', 'kernel.mjs');
export const examplesDir = join(repoRoot, 'examples');
