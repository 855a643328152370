import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  firstInvalidUtf8,
  parseNotebook,
  parseNotebookBytes,
  serializeNotebook,
  NotebookFormatError,
} from '../../extension/notebook/format.ts';

const sample = {
  rdkafkaNotebook: 1,
  metadata: { title: 'x' },
  cells: [
    { kind: 'markdown', source: '# Title' },
    {
      kind: 'code',
      language: 'typescript',
      source: 'const a = 1;\na',
      outputs: [{ kind: 'result', data: { 'text/plain': '1' } }],
    },
  ],
};

test('round trip keeps cells, outputs and metadata', () => {
  const nb = parseNotebook(JSON.stringify(sample), 'a.rdkafka');
  assert.equal(nb.cells.length, 2);
  assert.equal(nb.cells[0]!.language, 'markdown');
  assert.equal(nb.cells[1]!.source, 'const a = 1;\na');
  const again = parseNotebook(serializeNotebook(nb));
  assert.deepEqual(again, nb);
});

test('serialization is stable: key order does not depend on input order, ends with newline', () => {
  const shuffled = {
    cells: [{ outputs: [], source: 'x', language: 'typescript', kind: 'code' }],
    metadata: { b: 1, a: 2 },
    rdkafkaNotebook: 1,
  };
  const text = serializeNotebook(parseNotebook(JSON.stringify(shuffled)));
  assert.ok(text.endsWith('}\n'));
  assert.ok(text.indexOf('"rdkafkaNotebook"') < text.indexOf('"metadata"'));
  assert.ok(text.indexOf('"metadata"') < text.indexOf('"cells"'));
  assert.ok(text.indexOf('"a": 2') < text.indexOf('"b": 1'));
  assert.ok(
    text.indexOf('"kind"') < text.indexOf('"language"') &&
      text.indexOf('"language"') < text.indexOf('"source"'),
  );
  assert.equal(serializeNotebook(parseNotebook(text)), text);
});

test('unknown fields on the notebook and on cells survive a save', () => {
  const nb = parseNotebook(
    JSON.stringify({
      ...sample,
      futureThing: { z: 1 },
      cells: [{ kind: 'code', source: 'x', collapsed: true }],
    }),
  );
  const text = serializeNotebook(nb);
  const back = JSON.parse(text);
  assert.deepEqual(back.futureThing, { z: 1 });
  assert.equal(back.cells[0].collapsed, true);
});

test('source given as an array of lines is joined', () => {
  const nb = parseNotebook(
    JSON.stringify({ rdkafkaNotebook: 1, cells: [{ kind: 'code', source: ['a = 1', 'b = 2\n', 'c'] }] }),
  );
  assert.equal(nb.cells[0]!.source, 'a = 1\nb = 2\nc');
});

test('an empty file is an empty notebook', () => {
  assert.deepEqual(parseNotebook('  \n').cells, []);
});

function rejects(text: string, pattern: RegExp) {
  assert.throws(
    () => parseNotebook(text, 'bad.rdkafka'),
    (e: unknown) =>
      e instanceof NotebookFormatError && pattern.test(e.message) && e.message.startsWith('bad.rdkafka: '),
  );
}

test('invalid JSON names the line and column', () => {
  rejects('{\n  "rdkafkaNotebook": 1,\n  "cells": [}\n', /invalid JSON at line 3, column \d+/);
});

test('missing, wrong or newer versions are refused with a clear message', () => {
  rejects('{"cells": []}', /"rdkafkaNotebook": 1 is missing/);
  rejects('{"rdkafkaNotebook": "1"}', /must be a format version number/);
  rejects('{"rdkafkaNotebook": 2, "cells": []}', /version 2, newer than this workbench reads \(1\); update/);
  rejects('[1,2]', /top level must be a JSON object/);
});

test('a bad cell is named by its 1-based position', () => {
  rejects(
    '{"rdkafkaNotebook": 1, "cells": [{"kind": "code", "source": "x"}, {"kind": "python", "source": ""}]}',
    /cell 2: "kind" must be/,
  );
  rejects('{"rdkafkaNotebook": 1, "cells": [{"kind": "code", "source": 42}]}', /cell 1: "source" must be/);
  rejects(
    '{"rdkafkaNotebook": 1, "cells": [{"kind": "code", "source": "", "outputs": [{"kind": "weird"}]}]}',
    /cell 1, output 1/,
  );
  rejects('{"rdkafkaNotebook": 1, "cells": {}}', /"cells" must be an array/);
});

test('a cell keeps its execution number through a save; a value that is not one is dropped', () => {
  const nb = parseNotebook(
    JSON.stringify({
      rdkafkaNotebook: 1,
      cells: [
        { kind: 'code', source: 'a', executionCount: 7, outputs: [] },
        { kind: 'code', source: 'b', executionCount: 'seven' },
        { kind: 'code', source: 'c' },
      ],
    }),
  );
  assert.equal(nb.cells[0]!.executionCount, 7);
  assert.equal('executionCount' in nb.cells[1]!, false);
  const text = serializeNotebook(nb);
  assert.ok(text.indexOf('"executionCount": 7') < text.indexOf('"outputs"'), text);
  assert.equal(parseNotebook(text).cells[0]!.executionCount, 7);
  assert.equal(JSON.parse(text).cells[2].executionCount, undefined);
});

test('bytes that are not UTF-8 are found at their first bad byte, whatever the kind of error', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  const cat = (...parts: (Uint8Array | number[])[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
  assert.equal(firstInvalidUtf8(enc('{"é": "日本語 🎉"}')), -1);
  assert.equal(firstInvalidUtf8(cat(enc('ab'), [0xe9], enc('cd'))), 2, 'a Latin-1 é');
  assert.equal(firstInvalidUtf8(cat(enc('a'), [0xc3])), 1, 'truncated at the end');
  assert.equal(firstInvalidUtf8(cat(enc('x'), [0xc3, 0x28])), 1, 'a lead byte without its continuation');
  assert.equal(firstInvalidUtf8(cat([0xc0, 0xaf])), 0, 'overlong');
  assert.equal(firstInvalidUtf8(cat([0xed, 0xa0, 0x80])), 0, 'a UTF-16 surrogate');
  assert.equal(firstInvalidUtf8(cat([0xf4, 0x90, 0x80, 0x80])), 0, 'past U+10FFFF');
  assert.equal(firstInvalidUtf8(cat(enc('ok'), [0x80])), 2, 'a stray continuation byte');
  assert.equal(firstInvalidUtf8(cat([0xff])), 0);
});

test('a notebook that is not UTF-8 is refused with the position of the first bad byte', () => {
  const bytes = Uint8Array.from([
    ...new TextEncoder().encode('{"rdkafkaNotebook": 1,\n "cells": [{"kind": "code", "source": "caf'),
    0xe9,
    ...new TextEncoder().encode('"}]}\n'),
  ]);
  assert.throws(
    () => parseNotebookBytes(bytes, 'latin1.rdkafka'),
    (e: Error) =>
      e instanceof NotebookFormatError &&
      /^latin1\.rdkafka: not UTF-8 text: byte 0xE9 at offset 65 \(line 2, byte 43 of that line\)/.test(
        e.message,
      ),
  );
  assert.equal(parseNotebookBytes(new TextEncoder().encode('{"rdkafkaNotebook": 1}')).cells.length, 0);
});
