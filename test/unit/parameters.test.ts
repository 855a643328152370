// Parameters cells (papermill's model) and `requires` metadata: the pure pieces, then `run -p` and the
// skip on an older librdkafka end to end in a real kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  declarations,
  injectParameters,
  parseParameterArgs,
  ParameterError,
  INJECTED_TAG,
} from '../../extension/notebook/parameters.ts';
import {
  editorSkipMessage,
  satisfies,
  unmetRequirement,
  describeRange,
  RequirementError,
} from '../../extension/notebook/requires.ts';
import { parseNotebook, serializeNotebook, type NotebookData } from '../../extension/notebook/format.ts';
import { main } from '../../cli/run.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

const nb = (cells: Array<Record<string, unknown>>, metadata: Record<string, unknown> = {}): NotebookData =>
  parseNotebook(JSON.stringify({ rdkafkaNotebook: 1, metadata, cells }));

test('-p values are JSON when they parse as JSON, else the string itself', () => {
  assert.deepEqual(
    parseParameterArgs([
      'partitions=4',
      'group_protocol=consumer',
      'quoted="consumer"',
      'flag=true',
      'list=[1,2]',
      'none=null',
      'empty=',
      'expr=a=b',
      'partitions=6',
    ]),
    {
      partitions: 6,
      group_protocol: 'consumer',
      quoted: 'consumer',
      flag: true,
      list: [1, 2],
      none: null,
      empty: '',
      expr: 'a=b',
    },
  );
});

test('-p without NAME= or with a name a cell cannot use is refused with the reason', () => {
  assert.throws(() => parseParameterArgs(['partitions']), /-p needs NAME=VALUE, got "partitions"/);
  assert.throws(() => parseParameterArgs(['=3']), ParameterError);
  assert.throws(() => parseParameterArgs(['2x=3']), /"2x" is not a name a cell can use/);
  assert.throws(() => parseParameterArgs(['a-b=3']), /"a-b" is not a name/);
});

test('-p with a reserved word is refused before anything runs; -p __proto__=1 is kept like any other name', () => {
  assert.throws(
    () => parseParameterArgs(['if=1']),
    /-p if=1: "if" is a reserved word of JavaScript: a cell cannot declare it/,
  );
  assert.throws(() => parseParameterArgs(['const=1']), /"const" is a reserved word/);
  assert.throws(() => parseParameterArgs(['await=1']), /"await" is a reserved word/);
  const p = parseParameterArgs(['__proto__=1', 'partitions=3']);
  assert.deepEqual(Object.keys(p), ['__proto__', 'partitions']);
  assert.equal(Object.getOwnPropertyDescriptor(p, '__proto__')?.value, 1);
});

test('declarations of a parameters cell: names and keywords, several per line, not inside strings or blocks', () => {
  const d = declarations(
    [
      'const partitions = 3; // how many',
      'let messages = 100, group_protocol: string = "classic";',
      'var error = "a, b = c";',
      'const knobs = { x: 1, y: [2, 3] }, retries = 2;',
      'if (x) {',
      '  const inner = 1;',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(Object.fromEntries(d), {
    partitions: 'const',
    messages: 'let',
    group_protocol: 'let',
    error: 'var',
    knobs: 'const',
    retries: 'const',
  });
});

test('the injected cell goes right after the parameters cell, tagged, with the same keywords', () => {
  const source = nb([
    { kind: 'markdown', source: '# t' },
    { kind: 'code', source: 'const setup = 1;' },
    {
      kind: 'code',
      source: 'let partitions = 3;\nconst group_protocol = "classic";',
      metadata: { tags: ['parameters'] },
    },
    { kind: 'code', source: 'partitions' },
  ]);
  const r = injectParameters(source, { partitions: 6, group_protocol: 'consumer', extra: { a: 1 } });
  assert.equal(r.parametersCell, 3);
  assert.equal(r.cell, 4);
  assert.deepEqual(r.unknown, ['extra']);
  const cell = r.notebook.cells[3]!;
  assert.deepEqual(cell.metadata, { tags: [INJECTED_TAG] });
  assert.equal(
    cell.source,
    '// Parameters injected by `rdkafka-workbench run -p`\nlet partitions = 6;\nconst group_protocol = "consumer";\nconst extra = {"a":1};',
  );
  assert.equal(r.notebook.cells.length, 5);
  assert.equal(source.cells.length, 4, 'the input notebook is not changed');
  // Saved and read again, the tag is still there (the format keeps cell metadata).
  const again = parseNotebook(serializeNotebook(r.notebook));
  assert.deepEqual(again.cells[3]!.metadata, { tags: [INJECTED_TAG] });
});

test('a second injection replaces the first one instead of stacking', () => {
  const first = injectParameters(
    nb([
      { kind: 'code', source: 'const n = 1;', metadata: { tags: ['parameters'] } },
      { kind: 'code', source: 'n' },
    ]),
    { n: 2 },
  ).notebook;
  const second = injectParameters(first, { n: 3 }).notebook;
  assert.equal(second.cells.length, 3);
  assert.match(second.cells[1]!.source, /const n = 3;/);
});

test('without a parameters cell the values go before the first code cell, and every name is reported unknown', () => {
  const r = injectParameters(
    nb([
      { kind: 'markdown', source: '# t' },
      { kind: 'code', source: 'n' },
    ]),
    { n: 2 },
  );
  assert.equal(r.parametersCell, null);
  assert.equal(r.cell, 2);
  assert.deepEqual(r.unknown, ['n']);
  assert.equal(r.notebook.cells[0]!.kind, 'markdown');
});

test('version ranges: comparators, alternatives, short versions, release-candidate suffixes', () => {
  assert.equal(satisfies('2.15.1', '>=2.8.0'), true);
  assert.equal(satisfies('2.0.2', '>=2.8.0'), false);
  assert.equal(satisfies('2.8.0', '>= 2.8'), true);
  assert.equal(satisfies('2.16.0-RC1', '>=2.16.0'), true);
  assert.equal(satisfies('2.3.0', '>=2.3.0 <2.15'), true);
  assert.equal(satisfies('2.15.1', '>=2.3.0 <2.15'), false);
  assert.equal(satisfies('2.0.2', '>=2.10 || 2.0.2'), true);
  assert.equal(satisfies('2.12.0', '2.12.0'), true);
  assert.equal(satisfies('2.12.1', '2.12.0'), false);
  assert.equal(describeRange('>=2.3.0  <2.15'), '>= 2.3.0 < 2.15');
});

test('requires metadata: the skip reason names both versions; a bad range is an error, not a skip', () => {
  const meta = { requires: { librdkafka: '>=2.8.0' } };
  assert.equal(unmetRequirement(meta, '2.0.2'), 'needs librdkafka >= 2.8.0, this is 2.0.2');
  assert.equal(unmetRequirement(meta, '2.15.1'), null);
  assert.equal(unmetRequirement({}, '2.0.2'), null);
  assert.equal(unmetRequirement({ requires: {} }, '2.0.2'), null);
  assert.throws(() => unmetRequirement({ requires: { librdkafka: 'latest' } }, '2.0.2'), RequirementError);
  assert.throws(() => unmetRequirement({ requires: { librdkafka: 2.8 } }, '2.0.2'), /must be a string/);
  assert.throws(() => unmetRequirement({ requires: '>=2.8' }, '2.0.2'), /must be an object/);
});

test('requires a kind of cluster: a notebook the mock cannot show is skipped there, with what to do', () => {
  const meta = { requires: { librdkafka: '>=2.0.0', cluster: 'kafka' } };
  assert.equal(
    unmetRequirement(meta, '2.15.1', 'mock'),
    'needs a real Kafka cluster (run it with --bootstrap HOST:PORT), this is the mock cluster',
  );
  assert.equal(unmetRequirement(meta, '2.15.1', 'kafka'), null);
  assert.equal(unmetRequirement(meta, '1.9.0', 'kafka'), 'needs librdkafka >= 2.0.0, this is 1.9.0');
  assert.match(
    unmetRequirement({ requires: { cluster: 'mock' } }, '2.0.2', 'kafka')!,
    /needs the mock cluster/,
  );
  assert.throws(
    () => unmetRequirement({ requires: { cluster: 'real' } }, '2.0.2'),
    /must be "mock" or "kafka"/,
  );
});

// End to end, with the kernel the tests generate bindings for (the system librdkafka, 2.0.2 on Debian 12).
const dir = mkdtempSync(join(tmpdir(), 'wb-params-'));
async function cli(args: string[]) {
  const chunks: string[] = [];
  const code = await main(args, (_name, s) => chunks.push(s));
  return { code, text: chunks.join('') };
}
const write = (name: string, data: object) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(data));
  return path;
};

test('run -p: the cells see the injected values, the saved notebook shows the injected cell, -p again replaces it', async () => {
  const path = write('params.rdkafka', {
    rdkafkaNotebook: 1,
    metadata: {},
    cells: [
      { kind: 'markdown', source: '# knobs' },
      {
        kind: 'code',
        source: 'let partitions = 3;\nconst group_protocol = "classic";',
        metadata: { tags: ['parameters'] },
      },
      {
        kind: 'code',
        source: 'console.log(`partitions=${partitions} protocol=${group_protocol} ${typeof partitions}`);',
      },
    ],
  });
  const r = await cli([
    path,
    '--bindings',
    bindings(),
    '--inplace',
    '-p',
    'partitions=6',
    '-p',
    'group_protocol=consumer',
  ]);
  assert.equal(r.code, 0, r.text);
  assert.match(r.text, /partitions=6 protocol=consumer number/);
  assert.match(r.text, /parameters: set in cell 3, after the parameters cell 2/);
  const saved = parseNotebook(readFileSync(path, 'utf8'));
  assert.equal(saved.cells.length, 4);
  assert.deepEqual(saved.cells[2]!.metadata, { tags: [INJECTED_TAG] });
  assert.match(saved.cells[2]!.source, /let partitions = 6;/);
  assert.match(String((saved.cells[3]!.outputs[0] as { text?: string }).text), /partitions=6/);

  const again = await cli([path, '--bindings', bindings(), '--inplace', '-p', 'partitions=9']);
  assert.equal(again.code, 0, again.text);
  assert.match(again.text, /partitions=9 protocol=classic/);
  assert.equal(
    parseNotebook(readFileSync(path, 'utf8')).cells.length,
    4,
    'the old injected cell was replaced',
  );
});

test('run -p with a malformed argument is a usage error (exit 2) and runs nothing', async () => {
  const path = write('bad-param.rdkafka', {
    rdkafkaNotebook: 1,
    cells: [{ kind: 'code', source: 'console.log("ran")' }],
  });
  const r = await cli([path, '--bindings', bindings(), '-p', 'partitions']);
  assert.equal(r.code, 2);
  assert.match(r.text, /-p needs NAME=VALUE, got "partitions"/);
  assert.doesNotMatch(r.text, /ran/);
});

test('requires a newer librdkafka than the kernel loads: reported skipped with the reason, exit 0, nothing ran or was written', async () => {
  const data = {
    rdkafkaNotebook: 1,
    metadata: { requires: { librdkafka: '>=99.0.0' } },
    cells: [{ kind: 'code', source: 'console.log("ran")' }],
  };
  const path = write('needs-new.rdkafka', data);
  const r = await cli([path, '--bindings', bindings(), '--inplace']);
  assert.equal(r.code, 0, r.text);
  assert.match(r.text, /^skipped: needs librdkafka >= 99\.0\.0, this is \d+\.\d+\.\d+/m);
  assert.doesNotMatch(r.text, /ran/);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), data, 'the notebook was not rewritten');
});

test('requires a version the kernel satisfies: it runs', async () => {
  const path = write('needs-old.rdkafka', {
    rdkafkaNotebook: 1,
    metadata: { requires: { librdkafka: '>=1.0' } },
    cells: [{ kind: 'code', source: 'console.log("ran on", rd_kafka_version_str())' }],
  });
  const r = await cli([path, '--bindings', bindings()]);
  assert.equal(r.code, 0, r.text);
  assert.match(r.text, /ran on \d/);
});

test('a malformed requires range is a usage error naming the fix (exit 2), not a skip', async () => {
  const path = write('bad-range.rdkafka', {
    rdkafkaNotebook: 1,
    metadata: { requires: { librdkafka: 'newest' } },
    cells: [{ kind: 'code', source: '1' }],
  });
  const r = await cli([path, '--bindings', bindings()]);
  assert.equal(r.code, 2);
  assert.match(
    r.text,
    /bad-range\.rdkafka: "requires": \{"librdkafka": "newest"\}: "newest" is not a version comparator \(write e\.g\. ">=2\.8\.0"\)/,
  );
});

test('in the editor: a cell of a notebook the kernel cannot run says why and what to do instead of running', () => {
  const meta = { requires: { librdkafka: '>=2.8.0' } };
  assert.equal(
    editorSkipMessage(meta, '2.0.2', 'mock'),
    'skipped: this notebook needs librdkafka >= 2.8.0, this is 2.0.2. Pick a kernel for a librdkafka that satisfies it (rdkafka-workbench lib add VERSION adds one).',
  );
  assert.equal(editorSkipMessage(meta, '2.15.1', 'mock'), null);
  assert.match(
    editorSkipMessage({ requires: { cluster: 'kafka' } }, '2.15.1', 'mock')!,
    /needs a real Kafka cluster .*rdkafka\.bootstrapServers/,
  );
  assert.equal(editorSkipMessage({ requires: { cluster: 'kafka' } }, '2.15.1', 'broker:9092'), null);
  assert.match(
    editorSkipMessage({ requires: 'new' }, '2.15.1', 'mock')!,
    /metadata is malformed: "requires" must be an object/,
  );
});
