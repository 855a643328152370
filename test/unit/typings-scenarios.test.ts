// The scenario notebooks type-check as VS Code checks their cells, against the typings of a librdkafka that
// satisfies each one's `requires` (the one New Notebook from Scenario… records): the system's 2.0.2 where it
// can run, 2.15.1 for all. A red squiggle in a notebook someone opens to reproduce their problem is noise.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scenarioEntry } from '../../extension/notebook/scenario-catalog.ts';
import { satisfies } from '../../extension/notebook/requires.ts';
import { generate } from '../../gen/generate.ts';
import { fetchHeaders, ROOT, SYSTEM_HEADER } from './fixtures/gen/oracle.ts';
import { check, notebookCells } from '../support/typecheck.ts';

const DIR = join(ROOT, 'examples', 'scenarios');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.rdkafka'))
  .sort();

const cellFiles = (name: string) => notebookCells(DIR, name);

describe('typings: scenario notebooks type-check against a librdkafka they run on', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'typings-scenarios-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const dts: Record<string, string> = {};
  before(async () => {
    await generate({ header: SYSTEM_HEADER, out: join(tmp, 'system') });
    dts['2.0.2'] = readFileSync(join(tmp, 'system', 'rdkafka.d.ts'), 'utf8');
    await generate({ header: fetchHeaders().get('2.15.1')!, out: join(tmp, '2.15.1') });
    dts['2.15.1'] = readFileSync(join(tmp, '2.15.1', 'rdkafka.d.ts'), 'utf8');
  });

  for (const file of files)
    for (const version of ['2.0.2', '2.15.1']) {
      const entry = scenarioEntry(file, readFileSync(join(DIR, file), 'utf8'));
      if (entry.librdkafka && !satisfies(version, entry.librdkafka)) continue;
      test(`${file} with the ${version} typings: no type errors`, () => {
        const errors = check(dts[version]!, cellFiles(file));
        assert.deepEqual(errors, [], `${errors.length} type errors in ${file}`);
      });
    }
});
