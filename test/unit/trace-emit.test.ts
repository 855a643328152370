// The tracer's C, generated from three real headers' models: every callback setter and every function
// the kernel observes is wrapped, the source compiles cleanly, the library defines exactly those symbols,
// and the offsets it reads messages with are the model's (which gen checked against the compiler).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { generate } from '../../gen/generate.ts';
import { abiType, emitTracer, plainKinds } from '../../gen/emit-tracer.ts';
import { GenError } from '../../gen/errors.ts';
import type { Model } from '../../gen/model.ts';
import { buildTracer } from '../../trace/build.ts';
import { fetchHeaders, SYSTEM_HEADER } from './fixtures/gen/oracle.ts';

const tmp = mkdtempSync(join(tmpdir(), 'trace-emit-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const OBSERVED = [
  'rd_kafka_new',
  'rd_kafka_destroy',
  'rd_kafka_destroy_flags',
  'rd_kafka_consumer_poll',
  'rd_kafka_consume',
  'rd_kafka_consume_batch',
  'rd_kafka_consume_batch_queue',
  'rd_kafka_queue_poll',
  'rd_kafka_event_message_next',
  'rd_kafka_event_message_array',
  'rd_kafka_queue_get_main',
  'rd_kafka_queue_destroy',
];

const cases: [string, () => string][] = [
  ['2.0.2', () => SYSTEM_HEADER],
  ['2.12.0', () => fetchHeaders().get('2.12.0')!],
  ['2.15.1', () => fetchHeaders().get('2.15.1')!],
];

for (const [version, headerOf] of cases) {
  describe(`tracer from the librdkafka ${version} header`, () => {
    let model: Model;
    let dir: string;
    const load = async () => {
      if (model) return model;
      dir = join(tmp, version);
      await generate({ header: headerOf(), out: dir });
      model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Model;
      return model;
    };

    test('every function that takes a callback, and every function the kernel observes, is wrapped', async () => {
      const m = await load();
      const t = emitTracer(m);
      const withCallback = m.functions.filter((f) => f.params.some((p) => p.callback)).map((f) => f.name);
      assert.ok(withCallback.length >= 38, `${withCallback.length} callback setters`);
      for (const name of withCallback)
        assert.ok(
          t.wrapped.includes(name) || t.skipped.some((s) => s.name === name),
          `${name} is neither wrapped nor listed as skipped`,
        );
      assert.deepEqual(t.skipped, [], 'nothing needs skipping in a librdkafka header');
      for (const name of OBSERVED) assert.ok(t.wrapped.includes(name), `${name} is observed`);
      // The file gen wrote is this very source.
      assert.equal(readFileSync(join(dir, 'tracer.c'), 'utf8'), t.code);
    });

    test('the source compiles without a warning, and defines exactly the wrapped functions', async () => {
      const m = await load();
      const t = emitTracer(m);
      const src = join(tmp, `${version}.c`);
      const so = join(tmp, `${version}.so`);
      writeFileSync(src, t.code);
      const r = spawnSync(
        'cc',
        ['-O1', '-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', '-o', so, src, '-ldl', '-lpthread'],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(r.status, 0, r.stderr);
      const defined = execFileSync('nm', ['-D', '--defined-only', so], { encoding: 'utf8' })
        .split('\n')
        .map((l) => l.trim().split(/\s+/))
        .filter((f) => f[1] === 'T')
        .map((f) => f[2]!);
      assert.deepEqual(defined.filter((n) => n.startsWith('rd_kafka_')).sort(), t.wrapped);
      // exit() runs atexit handlers; _exit and _Exit do not, and the exec family replaces the image
      // without them: the tracer flushes in each.
      assert.deepEqual(defined.filter((n) => !n.startsWith('rd_kafka_')).sort(), [
        '_Exit',
        '_exit',
        'execl',
        'execle',
        'execlp',
        'execv',
        'execve',
        'execvp',
        'execvpe',
        'fexecve',
      ]);
    });

    test("struct offsets and enum values in the C are the model's", async () => {
      const m = await load();
      const code = emitTracer(m).code;
      const define = (name: string) => Number(new RegExp(`#define ${name} (-?\\d+)`).exec(code)?.[1]);
      const field = (s: string, f: string) =>
        m.structs.find((x) => x.name === s)!.fields.find((x) => x.name === f)!.offset;
      for (const f of ['err', 'rkt', 'partition', 'len', 'key_len', 'offset'])
        assert.equal(define(`WB_M_${f.toUpperCase()}`), field('rd_kafka_message_t', f), f);
      assert.equal(
        define('WB_TP_SIZE'),
        m.structs.find((s) => s.name === 'rd_kafka_topic_partition_t')!.size,
      );
      const ev = m.constants.find((c) => c.name === 'RD_KAFKA_EVENT_REBALANCE')!.value;
      assert.equal(define('WB_EV_REBALANCE'), ev);
    });
  });
}

test('each callback is reported as the kernel decodes it: by its prototype, whatever the parameter is called', async () => {
  const code = emitTracer(JSON.parse(readFileSync(join(tmp, '2.0.2', 'model.json'), 'utf8')) as Model).code;
  const site = (fn: string, param: string) =>
    new RegExp(`/\\* ${fn}: ${param} → (\\w+) \\*/`).exec(code)?.[1];
  assert.equal(site('rd_kafka_conf_set_dr_msg_cb', 'dr_msg_cb'), 'dr');
  // 2.0.2 names background_event_cb's parameter `event_cb`; rd_kafka_commit_queue's offset-commit callback is `cb`.
  assert.equal(site('rd_kafka_conf_set_background_event_cb', 'event_cb'), 'background_event');
  assert.equal(site('rd_kafka_commit_queue', 'cb'), 'offset_commit');
  assert.equal(site('rd_kafka_conf_set_rebalance_cb', 'rebalance_cb'), 'rebalance');
  assert.equal(site('rd_kafka_interceptor_add_on_send', 'on_send'), 'callback');
});

test('types are spelled by their ABI: pointers, strings, enums and aliases', () => {
  const model = {
    enums: [{ name: 'rd_kafka_resp_err_t', base: 'int', values: [] }],
    aliases: [{ name: 'rd_kafka_event_type_t', type: 'int' }],
  } as unknown as Model;
  assert.deepEqual(abiType(model, 'const rd_kafka_message_t *'), { c: 'void *', kind: 'ptr' });
  assert.deepEqual(abiType(model, 'const char *'), { c: 'const char *', kind: 'str' });
  assert.deepEqual(abiType(model, 'const char **'), { c: 'void *', kind: 'ptr' });
  assert.deepEqual(abiType(model, 'rd_kafka_resp_err_t'), { c: 'int', kind: 'int' });
  assert.deepEqual(abiType(model, 'rd_kafka_event_type_t'), { c: 'int', kind: 'int' });
  assert.deepEqual(abiType(model, 'size_t'), { c: 'size_t', kind: 'uint' });
  assert.equal(abiType(model, 'some_struct_by_value'), null);
});

test("a generic callback's writable buffer and its size are shown as a pointer, not read as a string", () => {
  // on_conf_set(conf, name, val, errstr, errstr_size, opaque): errstr is for the callback to fill.
  assert.deepEqual(
    plainKinds([
      { c: 'void *', kind: 'ptr' },
      { c: 'const char *', kind: 'str' },
      { c: 'const char *', kind: 'str' },
      { c: 'char *', kind: 'str' },
      { c: 'size_t', kind: 'uint' },
      { c: 'void *', kind: 'ptr' },
    ]),
    ['ptr', 'str', 'str', 'ptr', 'uint', 'ptr'],
  );
  // A const buffer with its size is data the callback is given.
  assert.deepEqual(
    plainKinds([
      { c: 'const char *', kind: 'str' },
      { c: 'size_t', kind: 'uint' },
    ]),
    ['str', 'uint'],
  );
});

test('a model without what the tracer reads is refused with one sentence naming what is missing', async () => {
  const m = JSON.parse(readFileSync(join(tmp, '2.0.2', 'model.json'), 'utf8')) as Model;
  const broken = { ...m, structs: m.structs.filter((s) => s.name !== 'rd_kafka_message_t') };
  assert.throws(
    () => emitTracer(broken),
    (e: unknown) => e instanceof GenError && /lacks the struct rd_kafka_message_t/.test(e.message),
  );
});

test('the tracer is compiled once into the cache, then reused', () => {
  const cache = join(tmp, 'cache');
  const first = buildTracer(join(tmp, '2.0.2'), { dir: cache });
  const second = buildTracer(join(tmp, '2.0.2'), { dir: cache });
  assert.equal(first.compiled, true);
  assert.equal(second.compiled, false);
  assert.equal(second.path, first.path);
  assert.equal(first.version, '2.0.2');
});
