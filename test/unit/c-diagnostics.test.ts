// The compiler's words about a C cell → diagnostics on the cell's lines (gcc, clang and the linker).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDiagnostics } from '../../extension/kernel/c-compile.ts';

test('gcc errors, warnings and notes, at their line and column; other files ignored', () => {
  const out = [
    'cell3.c: In function ‘main’:',
    'cell3.c:5:3: error: ‘x’ undeclared (first use in this function)',
    '    5 |   x = 1;',
    '      |   ^',
    'cell3.c:5:3: note: each undeclared identifier is reported only once for each function it appears in',
    'cell3.c:9:7: warning: unused variable ‘y’ [-Wunused-variable]',
    '/usr/include/stdio.h:12:1: error: something in a header',
    'cell3.c:1:10: fatal error: nope.h: No such file or directory',
  ].join('\n');
  assert.deepEqual(parseDiagnostics(out, 'cell3.c'), [
    { severity: 'error', line: 5, column: 3, message: '‘x’ undeclared (first use in this function)' },
    {
      severity: 'note',
      line: 5,
      column: 3,
      message: 'each undeclared identifier is reported only once for each function it appears in',
    },
    { severity: 'warning', line: 9, column: 7, message: 'unused variable ‘y’ [-Wunused-variable]' },
    { severity: 'error', line: 1, column: 10, message: 'nope.h: No such file or directory' },
  ]);
});

test("the linker's undefined references, by the line ld names (full path) or at line 1", () => {
  const out = [
    "/usr/bin/ld: /tmp/ccEx9kpV.o: in function `main':",
    "/tmp/rdkafka-c-cells-1/cell3.c:7: undefined reference to `rd_kafka_nope'",
    "/usr/bin/ld: cell3.c:(.text+0x1a): undefined reference to `other'",
    'collect2: error: ld returned 1 exit status',
  ].join('\n');
  assert.deepEqual(parseDiagnostics(out, 'cell3.c'), [
    { severity: 'error', line: 7, column: 1, message: "undefined reference to `rd_kafka_nope'" },
    { severity: 'error', line: 1, column: 1, message: "undefined reference to `other'" },
  ]);
});

test("a cell's file name is matched literally, not as a pattern", () => {
  assert.deepEqual(parseDiagnostics('cell13.c:2:1: error: x', 'cell1.c'), []);
  assert.equal(parseDiagnostics('cell1.c:2:1: error: x', 'cell1.c').length, 1);
});
