// The generator's stages on a small header holding the declaration shapes real headers use
// (fixtures/gen/rdkafka_shapes.h): preprocess → parse → model, then the layout check holding the
// emitted koffi types to the compiler. Values are what C says they are (comments show the arithmetic).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import koffi, { type TypeObject } from 'koffi';
import { buildModel } from '../../gen/build.ts';
import { DocIndex } from '../../gen/docs.ts';
import { emitBindings } from '../../gen/emit-bindings.ts';
import { emitDts } from '../../gen/emit-dts.ts';
import { compareLayouts, compilerLayouts } from '../../gen/layout.ts';
import type { Model } from '../../gen/model.ts';
import { parse } from '../../gen/parse.ts';
import { preprocess } from '../../gen/preprocess.ts';
import { ROOT } from './fixtures/gen/oracle.ts';

const header = join(ROOT, 'test', 'unit', 'fixtures', 'gen', 'rdkafka_shapes.h');
const tmp = mkdtempSync(join(tmpdir(), 'gen-parse-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let model: Model;
let errors = -1;

before(async () => {
  const pre = await preprocess('cc', [header]);
  const parsed = await parse(pre.code);
  errors = parsed.errors.count;
  model = buildModel({
    pre,
    parsed,
    docs: new DocIndex(),
    header,
    headers: [header],
    library: null,
    compiler: 'cc',
  }).model;
});

const fn = (name: string) => model.functions.find((f) => f.name === name)!;
const constant = (name: string) => model.constants.find((c) => c.name === name);

test('parses without syntax errors; static inline helpers are not bound', () => {
  assert.equal(errors, 0);
  assert.equal(model.librdkafka.version, '1.2.3');
  assert.equal(
    model.functions.some((f) => f.name === 'shape_inline'),
    false,
  );
  assert.deepEqual(model.functions.map((f) => f.name).sort(), [
    'shape_new', 'shape_old', 'shape_older', 'shape_point_get', 'shape_printf', 'shape_read', 'shape_set_cb', 'shape_set_fp', 'shape_unnamed',
  ]); // prettier-ignore
});

test('enums: implicit values, expressions over earlier enumerators, negatives', () => {
  const e = model.enums.find((x) => x.name === 'shape_t')!;
  assert.deepEqual(
    e.values.map((v) => [v.name, v.value]),
    [
      ['SHAPE_A', -5],
      ['SHAPE_B', -4],
      ['SHAPE_C', 92], // -4 * 2 + 100
      ['SHAPE_D', 8],
      ['SHAPE_E', -5], // 8 | -5: bit 3 is already set in -5
    ],
  );
  assert.equal(e.base, 'int');
  assert.equal(e.values[1]!.doc, 'implicit: -4');
});

test('macros: casts, hex, shifts, ors, references, suffixes, strings, function-like', () => {
  assert.equal(constant('RD_KAFKA_SHAPES_NEG')?.value, -1);
  assert.equal(constant('RD_KAFKA_SHAPES_OR')?.value, 0x13);
  assert.equal(constant('RD_KAFKA_SHAPES_SHIFT')?.value, 16);
  assert.equal(constant('RD_KAFKA_SHAPES_REF')?.value, 92);
  assert.equal(constant('RD_KAFKA_SHAPES_UCAST')?.value, 255);
  assert.deepEqual(constant('RD_KAFKA_SHAPES_BIG'), {
    name: 'RD_KAFKA_SHAPES_BIG',
    value: '18446744073709551615',
    kind: 'integer',
    bigint: true,
    expr: '0xffffffffffffffffULL',
  });
  assert.equal(constant('RD_KAFKA_SHAPES_STR')?.value, 'a,b');
  assert.equal(constant('SHAPES_DEPRECATED'), undefined, 'attribute macros are not constants');
  const tail = model.functionMacros.find((m) => m.name === 'RD_KAFKA_SHAPES_TAIL')!;
  assert.deepEqual(tail.js, { kind: 'expr', expr: '(-1 - (n))' });
});

test('prototypes: named and unnamed parameters, const pointer-to-pointer, arrays decay, libc typedefs', () => {
  assert.deepEqual(fn('shape_new').params, [
    { name: 'name', type: 'const char *' },
    { name: 'len', type: 'size_t' },
  ]);
  assert.equal(fn('shape_new').returns, 'shape_opaque_t *');
  assert.equal(fn('shape_new').doc, 'Creates a shape.');
  assert.deepEqual(
    fn('shape_unnamed').params.map((p) => [p.name, p.type]),
    [
      ['arg0', 'int'],
      ['arg1', 'const char **'],
      ['arg2', 'char **'],
    ],
  );
  assert.equal(fn('shape_read').returns, 'long'); // ssize_t, resolved through libc's typedefs
  assert.deepEqual(
    fn('shape_read').params.map((p) => p.type),
    ['FILE *', 'uint8_t *', 'size_t'],
  );
  assert.ok(model.opaque.includes('FILE') && model.opaque.includes('shape_opaque_t'));
});

test('function pointers: typedef’d function types, pointer typedefs, inline parameters', () => {
  const [, cb, log] = fn('shape_set_cb').params;
  assert.deepEqual(cb, { name: 'cb', type: 'shape_cb_t *', callback: 'shape_cb_t' });
  assert.deepEqual(log, { name: 'log_cb', type: 'shape_set_cb__log_cb *', callback: 'shape_set_cb__log_cb' });
  const proto = model.callbacks.find((c) => c.name === 'shape_set_cb__log_cb')!;
  assert.deepEqual(
    proto.params.map((p) => p.type),
    ['const shape_opaque_t *', 'int', 'const char *', 'const char *'],
  );
  assert.deepEqual(fn('shape_set_fp').params[0], {
    name: 'fp',
    type: 'shape_fp_t *',
    callback: 'shape_fp_t',
  });
  assert.equal(model.callbacks.find((c) => c.name === 'shape_cb_t')?.origin, 'typedef');
});

test('attributes anywhere: variadic printf-style kept, deprecation kept as a flag', () => {
  assert.equal(fn('shape_printf').variadic, true);
  assert.equal(fn('shape_printf').deprecated, false);
  assert.equal(fn('shape_old').deprecated, true);
  assert.equal(fn('shape_older').deprecated, true);
  assert.match(emitDts(model), /@deprecated[^]*?declare function shape_old\(\): number;/);
});

test('structs: nested anonymous union and struct, arrays, by-value order; layout equals the compiler’s', async () => {
  assert.deepEqual(
    model.structs.map((s) => s.name),
    ['shape_point_t__v__bytes', 'shape_point_t__v', 'shape_point_t'],
  );
  const point = model.structs.find((s) => s.name === 'shape_point_t')!;
  assert.deepEqual(
    point.fields.map((f) => [f.name, f.type]),
    [
      ['x', 'int32_t'],
      ['tag', 'char'],
      ['y', 'int64_t'],
      ['name', 'const char *'],
      ['buf', 'char [3]'],
      ['ptrs', 'void * [2]'],
      ['v', 'shape_point_t__v'],
      ['pp', 'shape_opaque_t **'],
      ['kind', 'shape_t'],
      ['cmp', 'shape_point_t__cmp *'],
    ],
  );
  const bytes = model.structs.find((s) => s.name === 'shape_point_t__v__bytes')!;
  assert.deepEqual(
    bytes.fields.map((f) => f.name),
    ['lo', 'hi'],
  );
  // The layout check: compiler vs the koffi types the emitted bindings.js declares.
  writeFileSync(join(tmp, 'bindings.js'), emitBindings(model));
  const mod = (await import(pathToFileURL(join(tmp, 'bindings.js')).href)) as {
    defineTypes(k: typeof koffi): { types: Record<string, unknown>; callbacks: Record<string, unknown> };
  };
  const { types, callbacks } = mod.defineTypes(koffi);
  const c = await compilerLayouts('cc', [header], model.structs);
  const check = compareLayouts(koffi, types, model.structs, c);
  assert.deepEqual(check.mismatches, []);
  assert.equal(check.checked, 3);
  assert.equal(point.size, 80); // x 0, tag 4, y 8, name 16, buf 24, ptrs 32, v 48, pp 56, kind 64, cmp 72
  assert.equal(point.fields.find((f) => f.name === 'v')?.offset, 48);
  assert.ok(
    callbacks.shape_set_cb__log_cb &&
      callbacks.shape_cb_t &&
      callbacks.shape_fp_t &&
      callbacks.shape_point_t__cmp,
  );
});

test('two bindings in one process: identical types are shared, a differing same-named struct gets its own koffi type', async () => {
  const changed = structuredClone(model);
  const point = changed.structs.find((s) => s.name === 'shape_point_t')!;
  point.fields.push({ name: 'extra', type: 'int64_t', offset: -1 });
  writeFileSync(join(tmp, 'a.js'), emitBindings(model));
  writeFileSync(join(tmp, 'b.js'), emitBindings(changed));
  type Mod = { defineTypes(k: typeof koffi): { types: Record<string, TypeObject> } };
  const a = ((await import(pathToFileURL(join(tmp, 'a.js')).href)) as Mod).defineTypes(koffi).types;
  const b = ((await import(pathToFileURL(join(tmp, 'b.js')).href)) as Mod).defineTypes(koffi).types;
  assert.equal(a.shape_point_t__v, b.shape_point_t__v, 'the identical union is one koffi type');
  assert.notEqual(a.shape_point_t, b.shape_point_t);
  assert.equal(koffi.sizeof(a.shape_point_t), 80);
  assert.equal(koffi.sizeof(b.shape_point_t), 88);
  assert.match(b.shape_point_t!.name, /^shape_point_t__\d+$/);
});
