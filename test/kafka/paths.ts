// The kafka suite's own notebooks; everything else comes from test/support.
import { join } from 'node:path';
import { repoRoot } from '../support/repo.ts';

export { cliPath, examplesDir, kernelScript, repoRoot } from '../support/repo.ts';
export const notebooksDir = join(repoRoot, 'test', 'kafka', 'notebooks');
