// The example notebooks type-check the way VS Code's TypeScript server checks notebook cells: each code cell
// a separate global script, next to the generated rdkafka.d.ts and the kernel's other cell globals
// (CELL_GLOBALS_DTS), lib es2023 + dom, no Node typings. A red squiggle in a shipped example is the first
// thing a user sees; this reproduces the real-VS-Code check (test/vscode examples suite) without VS Code.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generate } from '../../gen/generate.ts';
import { fetchHeaders, ROOT, SYSTEM_HEADER } from './fixtures/gen/oracle.ts';
import { check, notebookCells } from '../support/typecheck.ts';

const EXAMPLES = join(ROOT, 'examples');
const notebooks = readdirSync(EXAMPLES)
  .filter((f) => f.endsWith('.rdkafka'))
  .sort();

const cellFiles = (name: string) => notebookCells(EXAMPLES, name);

describe('typings: example notebooks type-check as VS Code checks their cells', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'typings-examples-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  let dts = '';
  before(async () => {
    await generate({ header: SYSTEM_HEADER, out: join(tmp, 'bindings') });
    dts = readFileSync(join(tmp, 'bindings', 'rdkafka.d.ts'), 'utf8');
  });

  test('the check sees what the TS server sees: C API misuse, Node-only names, a clash across notebooks', () => {
    const errors = check(
      dts,
      new Map([
        ['/cells/a.rdkafka/cell1.ts', 'const rk = rd_kafka_new("producer", null, null, 0);'],
        ['/cells/a.rdkafka/cell2.ts', 'const len = Buffer.byteLength("x");'],
        ['/cells/a.rdkafka/cell3.ts', 'const e = errbuf();'],
        ['/cells/b.rdkafka/cell1.ts', 'const e = 5;\nrd_kafka_err2str(e);'],
      ]),
    );
    assert.equal(errors.length, 3, errors.join('\n'));
    assert.match(errors[0]!, /a\.rdkafka\/cell1\.ts, line 1: TS2345 .*string.* not assignable .*number/);
    assert.match(errors[1]!, /a\.rdkafka\/cell2\.ts, line 1: TS2591 Cannot find name 'Buffer'/);
    assert.match(errors[2]!, /b\.rdkafka\/cell1\.ts, line 2: TS2345/);
  });

  test('a writable char * parameter takes a buffer only; a const char * takes a string too', () => {
    const errors = check(
      dts,
      new Map([
        [
          '/cells/w.rdkafka/cell1.ts',
          'const wc = rd_kafka_conf_new(); const ws = out.size();\nrd_kafka_conf_get(wc, "client.id", "dest", ws);',
        ],
        [
          '/cells/w.rdkafka/cell2.ts',
          'const wc2 = rd_kafka_conf_new(); const ws2 = out.size(); const wd = errbuf(64);\nrd_kafka_conf_get(wc2, "client.id", wd, ws2);\nrd_kafka_conf_set(wc2, "client.id", "x", wd, wd.length);',
        ],
      ]),
    );
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(
      errors[0]!,
      /w\.rdkafka\/cell1\.ts, line 2: TS2345 Argument of type 'string' is not assignable to parameter of type 'ArrayBufferView/,
    );
  });

  test('there are example notebooks with code cells', () => {
    assert.ok(notebooks.length >= 1, 'examples/ holds no .rdkafka notebooks');
    for (const n of notebooks) assert.ok(cellFiles(n).size > 0, `${n} has no code cells`);
  });

  for (const name of notebooks)
    test(`${name}: its cells show no type errors`, () => {
      const errors = check(dts, cellFiles(name));
      assert.deepEqual(errors, [], `${errors.length} type errors in ${name}`);
    });

  const allCells = () => {
    const all = new Map<string, string>();
    for (const n of notebooks) for (const [f, s] of cellFiles(n)) all.set(f, s);
    return all;
  };

  test('all examples open together (one shared global scope) show no type errors', () => {
    const errors = check(dts, allCells());
    assert.deepEqual(errors, [], `${errors.length} type errors with every example open`);
  });

  test('with typings generated from the newer 2.15.1 header the examples show no type errors either', async () => {
    const out = join(tmp, 'bindings-2.15.1');
    await generate({ header: fetchHeaders().get('2.15.1')!, out });
    const errors = check(readFileSync(join(out, 'rdkafka.d.ts'), 'utf8'), allCells());
    assert.deepEqual(errors, [], `${errors.length} type errors against the 2.15.1 typings`);
  });
});
