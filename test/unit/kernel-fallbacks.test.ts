// The kernel's librdkafka knowledge held to the headers: every hand-typed value of
// extension/kernel/fallbacks.ts equals what the generator reads from each header the tests use (Debian's
// 2.0.2, 2.12.0 and 2.15.1 from npm packages), and every callback of those headers is classified by its
// prototype as its setter says it should be.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generate } from '../../gen/generate.ts';
import type { Model } from '../../gen/model.ts';
import { classify, plainType } from '../../extension/kernel/callback-kinds.ts';
import { factsOf } from '../../extension/kernel/facts.ts';
import {
  BLOCKING_CALLS,
  CONSTANTS,
  FUNCTIONS,
  NOT_BLOCKING,
  STRUCTS,
} from '../../extension/kernel/fallbacks.ts';
import { fetchHeaders, SYSTEM_HEADER } from './fixtures/gen/oracle.ts';

const tmp = mkdtempSync(join(tmpdir(), 'kernel-fallbacks-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const cases: [string, () => string][] = [
  ['2.0.2', () => SYSTEM_HEADER],
  ['2.12.0', () => fetchHeaders().get('2.12.0')!],
  ['2.15.1', () => fetchHeaders().get('2.15.1')!],
];

const models = new Map<string, Model>();

/** The model's integer constants (enumerators and macros), by name. */
function integers(model: Model): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of model.enums)
    for (const v of e.values) if (typeof v.value === 'number') out.set(v.name, v.value);
  for (const c of model.constants)
    if (c.kind === 'integer' && typeof c.value === 'number') out.set(c.name, c.value);
  return out;
}

for (const [version, headerOf] of cases) {
  describe(`kernel facts against the librdkafka ${version} header`, () => {
    let model: Model;
    before(async () => {
      const out = join(tmp, version);
      await generate({ header: headerOf(), out });
      model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as Model;
      models.set(version, model);
    });

    test('every fallback constant equals the header value', () => {
      const ints = integers(model);
      for (const [name, value] of Object.entries(CONSTANTS))
        assert.equal(ints.get(name), value, `${name} in ${version}`);
    });

    test('every fallback struct size and field offset equals the compiler-checked layout', () => {
      for (const [name, s] of Object.entries(STRUCTS)) {
        const decl = model.structs.find((x) => x.name === name);
        assert.ok(decl, `${name} has a layout in the ${version} model`);
        assert.equal(decl.size, s.size, `sizeof(${name})`);
        for (const [field, offset] of Object.entries(s.offsets))
          assert.equal(decl.fields.find((f) => f.name === field)?.offset, offset, `${name}.${field}`);
      }
    });

    test('the facts the kernel reads from this model are those it falls back to without one', () => {
      assert.deepEqual(factsOf(Object.fromEntries(integers(model)), model.structs), factsOf({}, []));
    });

    test('every fallback prototype is the header declaration, type for type', () => {
      for (const [name, f] of Object.entries(FUNCTIONS)) {
        const decl = model.functions.find((x) => x.name === name);
        assert.ok(decl, `${name} is declared by the ${version} headers`);
        assert.equal(f.returns, decl.returns, `${name} returns`);
        assert.deepEqual(
          f.params,
          decl.params.map((p) => ({ type: p.type, name: p.name })),
          `${name} parameters`,
        );
      }
    });

    test('every blocking call the fallbacks name has the parameter they test', () => {
      for (const [name, when] of Object.entries(BLOCKING_CALLS)) {
        const decl = model.functions.find((x) => x.name === name);
        if (!decl || when === 'always') continue;
        assert.ok(
          decl.params.some((p) => p.name === when.param),
          `${name}(${decl.params.map((p) => p.name).join(', ')}) has no parameter ${when.param}`,
        );
      }
      for (const name of NOT_BLOCKING) {
        const decl = model.functions.find((x) => x.name === name);
        assert.ok(
          decl?.params.some((p) => p.name === 'timeout_ms'),
          `${name} takes a timeout_ms`,
        );
      }
    });

    test('each rd_kafka_conf_set_*_cb callback is classified by its prototype as the kind it sets', () => {
      const kinds: Record<string, string> = {
        dr_msg_cb: 'dr_msg',
        dr_cb: 'dr',
        stats_cb: 'stats',
        error_cb: 'error',
        log_cb: 'log',
        rebalance_cb: 'rebalance',
        offset_commit_cb: 'offset_commit',
        throttle_cb: 'throttle',
        consume_cb: 'consume',
        oauthbearer_token_refresh_cb: 'oauthbearer_token_refresh',
        background_event_cb: 'background_event',
      };
      let seen = 0;
      for (const [what, kind] of Object.entries(kinds)) {
        const setter = model.functions.find((f) => f.name === `rd_kafka_conf_set_${what}`);
        assert.ok(setter, `rd_kafka_conf_set_${what} in ${version}`);
        const param = setter.params.find((p) => p.callback)!;
        const proto = model.callbacks.find((c) => c.name === param.callback)!;
        assert.equal(classify(proto), kind, `${setter.name}(…, ${param.name})`);
        seen++;
      }
      assert.equal(seen, Object.keys(kinds).length);
      // Callbacks the header names otherwise: rd_kafka_commit_queue's `cb` commits offsets; the consume
      // callbacks of rd_kafka_consume_callback*; the deprecated rd_kafka_set_logger's `func` logs.
      const of = (fn: string) => {
        const p = model.functions.find((f) => f.name === fn)!.params.find((x) => x.callback)!;
        return classify(model.callbacks.find((c) => c.name === p.callback)!);
      };
      assert.equal(of('rd_kafka_commit_queue'), 'offset_commit');
      assert.equal(of('rd_kafka_consume_callback'), 'consume');
      assert.equal(of('rd_kafka_consume_callback_queue'), 'consume');
      assert.equal(of('rd_kafka_set_logger'), 'log');
    });

    test('no other callback of the header takes a decoded kind by accident (interceptors stay generic)', () => {
      const typed = model.callbacks.filter((c) => classify(c) !== 'callback').map((c) => c.name);
      for (const name of typed)
        assert.ok(
          /^rd_kafka_(conf_set_\w+_cb|commit_queue|consume_callback(_queue)?|set_logger)__/.test(name),
          `${name} (${plainType(model.callbacks.find((c) => c.name === name)!.returns)}) classified as ${classify(model.callbacks.find((c) => c.name === name)!)}`,
        );
    });
  });
}

test('every blocking call the fallbacks name is declared by at least one header', () => {
  assert.equal(models.size, cases.length, 'all three models were generated');
  for (const name of Object.keys(BLOCKING_CALLS))
    assert.ok(
      [...models.values()].some((m) => m.functions.some((f) => f.name === name)),
      `${name} is in no header the tests use`,
    );
});
