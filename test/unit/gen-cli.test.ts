// `rdkafka-workbench gen` as a user runs it (the built dist/cli.mjs in a child process): success
// prints progress and a summary; every kind of bad input exits non-zero with one sentence, no stack
// trace, and leaves the previous output folder byte-for-byte as it was.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI, ROOT, SYSTEM_HEADER } from './fixtures/gen/oracle.ts';

const FIXTURES = join(ROOT, 'test', 'unit', 'fixtures', 'gen');
const tmp = mkdtempSync(join(tmpdir(), 'gen-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function gen(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, 'gen', ...args], {
    encoding: 'utf8',
    cwd: tmp,
    env: { ...process.env, RDKAFKA_WORKBENCH_DEBUG: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file below `dir` with the hash of its bytes, and the folder's listing. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p, `${rel}${name}/`);
      else out[rel + name] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

describe('gen CLI', () => {
  const out = join(tmp, 'out', 'bindings');
  let before1: Record<string, string>;

  before(() => {
    const r = gen('--header', SYSTEM_HEADER, '--out', out);
    assert.equal(r.code, 0, r.stderr);
    before1 = snapshot(out);
  });

  test('success: exit 0, progress on stderr, the summary on stdout', () => {
    assert.deepEqual(Object.keys(before1).sort(), [
      'bindings.js',
      'model.json',
      'package.json',
      'rdkafka.d.ts',
      'report.json',
      'tracer.c',
    ]);
    const r = gen('--header', SYSTEM_HEADER, '--out', join(tmp, 'second'));
    assert.equal(r.code, 0);
    assert.match(r.stderr, /preprocessing .*rdkafka\.h/);
    assert.match(r.stdout, /librdkafka 2\.0\.2 bindings in /);
    assert.match(r.stdout, /layout check: ok/);
    assert.match(r.stdout, /deprecated: .*rd_kafka_set_logger/);
    assert.match(r.stdout, /missing from the library: none/);
  });

  const binary = () => {
    const p = join(tmp, 'rdkafka-binary.h');
    writeFileSync(
      p,
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0xff, 0xfe]),
    );
    return p;
  };
  const cases: [string, () => string[], RegExp][] = [
    [
      'a header that does not exist',
      () => ['--header', join(tmp, 'nope', 'rdkafka.h')],
      /^error: The header .*nope\/rdkafka\.h does not exist: pass --header/,
    ],
    [
      'a binary file',
      () => ['--header', binary()],
      /^error: .*rdkafka-binary\.h is not a C header \(it is a binary file\)/,
    ],
    [
      'a text file that is not C',
      () => ['--header', join(FIXTURES, 'notes.md')],
      /^error: .*notes\.md is not a C header \(the C parser found \d+ syntax errors\)/,
    ],
    [
      'a C header that is not librdkafka’s',
      () => ['--header', join(FIXTURES, 'not-rdkafka.h')],
      /^error: .*not-rdkafka\.h is a C header but not librdkafka's/,
    ],
    [
      'a header the preprocessor rejects',
      () => ['--header', join(FIXTURES, 'broken.h')],
      /^error: The C preprocessor failed on .*broken\.h: .*rdkafka_missing_dependency\.h.*; check that/,
    ],
    [
      'no C compiler',
      () => ['--header', SYSTEM_HEADER, '--cc', join(tmp, 'no-such-cc')],
      /^error: No C compiler '.*no-such-cc' was found: install one/,
    ],
    [
      'a --cc that is not a C compiler',
      () => ['--header', SYSTEM_HEADER, '--cc', 'true'],
      /^error: true produced no preprocessed output for .*: pass --cc with a C compiler/,
    ],
    // Fails late, after the new output was staged: the staging folder must vanish, the old output stay.
    [
      'a struct koffi cannot lay out like C (bit-fields)',
      () => ['--header', join(FIXTURES, 'rdkafka_bitfield.h')],
      /^error: The layout check failed with \d+ differences between koffi and cc \(rd_kafka_flags_t: sizeof is 8 in C, 12 in koffi; rd_kafka_flags_t\.a is a 3-bit bit-field/,
    ],
    // Fails late too: the staging folder must vanish, the old output stay.
    [
      'a library file that is not a shared library',
      () => ['--header', SYSTEM_HEADER, '--lib', join(FIXTURES, 'not-rdkafka.h')],
      /^error: Cannot load the library .*not-rdkafka\.h .*: pass --lib/,
    ],
    [
      'a library that does not exist',
      () => ['--header', SYSTEM_HEADER, '--lib', join(tmp, 'librdkafka.so.9')],
      /^error: The library .* does not exist: pass --lib/,
    ],
  ];
  for (const [what, args, message] of cases) {
    test(`bad input, ${what}: exit 1, one sentence, previous output untouched`, () => {
      const r = gen(...args(), '--out', out);
      assert.equal(r.code, 1);
      const lines = r.stderr
        .trim()
        .split('\n')
        .filter((l) => !/…$/.test(l)); // progress lines end in …
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, message);
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
      assert.equal(r.stdout, '');
      assert.deepEqual(snapshot(out), before1);
      assert.deepEqual(
        readdirSync(join(tmp, 'out')),
        ['bindings'],
        'no temporary folder left beside the output',
      );
    });
  }

  test('an --out folder that holds other things is refused, and nothing in it is touched', () => {
    const dir = join(tmp, 'project');
    cpSync(join(FIXTURES), dir, { recursive: true });
    const snap = snapshot(dir);
    const r = gen('--header', SYSTEM_HEADER, '--out', dir);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr.trim().split('\n').pop()!,
      /^error: --out .*project is a folder that does not hold bindings \(no model\.json\)/,
    );
    assert.deepEqual(snapshot(dir), snap);
    const file = join(dir, 'notes.md');
    const f = gen('--header', SYSTEM_HEADER, '--out', file);
    assert.equal(f.code, 1);
    assert.match(f.stderr, /^error: --out .*notes\.md is a file, not a folder/m);
    assert.deepEqual(snapshot(dir), snap);
  });

  test('unknown option: usage, exit 2', () => {
    const r = gen('--frobnicate');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Unknown option '--frobnicate': usage: rdkafka-workbench gen/);
  });

  test('regenerating replaces the whole folder atomically (nothing stale survives, no temp left)', () => {
    const dir = join(tmp, 'regen', 'b');
    cpSync(out, dir, { recursive: true });
    writeFileSync(join(dir, 'stale.txt'), 'from an older run');
    const r = gen('--header', SYSTEM_HEADER, '--out', dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(join(dir, 'stale.txt')), false);
    assert.deepEqual(readdirSync(join(tmp, 'regen')), ['b']);
    assert.deepEqual(Object.keys(snapshot(dir)).sort(), Object.keys(before1).sort());
  });
});
