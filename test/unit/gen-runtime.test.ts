// Generated bindings against Debian's librdkafka.so.1 (2.0.2): the 2.0.2 bindings drive a producer on
// the mock cluster with a JS delivery-report callback; the 2.15.1 bindings report what the older
// library lacks, throw a clear error for those, and work for the rest.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import koffi from 'koffi';
import { generate } from '../../gen/generate.ts';
import type { Report } from '../../gen/model.ts';
import { fetchHeaders, SYSTEM_HEADER, SYSTEM_LIBRARY } from './fixtures/gen/oracle.ts';

// The bindings are plain generated JS, typed loosely on purpose.
type Bindings = any;

const tmp = mkdtempSync(join(tmpdir(), 'gen-runtime-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const stages: string[] = [];

async function bindingsFor(header: string, name: string): Promise<{ report: Report; mod: any }> {
  const out = join(tmp, name);
  stages.length = 0;
  const report = await generate({ header, out, library: SYSTEM_LIBRARY }, (p) => stages.push(p.stage));
  const mod = await import(pathToFileURL(join(out, 'bindings.js')).href);
  return { report, mod };
}

/** Symbols the shared library exports, as the dynamic linker sees them (nm -D). */
function exported(lib: string): Set<string> {
  const out = execFileSync('nm', ['-D', '--defined-only', lib], { encoding: 'utf8' });
  return new Set(
    out
      .split('\n')
      .map((l) => l.split(' ').pop()!)
      .filter(Boolean),
  );
}

describe('gen: 2.0.2 bindings on Debian librdkafka.so.1', () => {
  let rk: Bindings;
  before(async () => {
    const { mod } = await bindingsFor(SYSTEM_HEADER, '2.0.2');
    assert.equal(mod.meta.version, '2.0.2');
    assert.equal(mod.meta.library, SYSTEM_LIBRARY);
    // generate() reported each stage, in order, to its progress callback.
    assert.deepEqual(stages, [
      'discover',
      'preprocess',
      'parse',
      'model',
      'emit',
      'layout',
      'library',
      'write',
      'done',
    ]);
    rk = mod.load(koffi);
  });

  test('plain calls: rd_kafka_version_str(), rd_kafka_err2str()', () => {
    assert.equal(rk.functions.rd_kafka_version_str(), '2.0.2');
    assert.equal(rk.functions.rd_kafka_version(), rk.constants.RD_KAFKA_VERSION);
    assert.equal(
      rk.functions.rd_kafka_err2str(rk.constants.RD_KAFKA_RESP_ERR__TIMED_OUT),
      'Local: Timed out',
    );
    assert.deepEqual(rk.missing(), []);
  });

  test('a producer on the mock cluster delivers through a JS dr_msg_cb, then is destroyed cleanly', () => {
    const f = rk.functions;
    const c = rk.constants;
    const errstr = new Uint8Array(512);
    const conf = f.rd_kafka_conf_new();
    assert.equal(
      f.rd_kafka_conf_set(conf, 'test.mock.num.brokers', '3', errstr, errstr.length),
      c.RD_KAFKA_CONF_OK,
    );
    const reports: { err: number; partition: number; len: number; value: string; opaque: bigint | null }[] =
      [];
    // Registered: librdkafka keeps the pointer and calls it from rd_kafka_poll() long after set returns.
    const cb = rk.register('rd_kafka_conf_set_dr_msg_cb__dr_msg_cb', (_rk: bigint, msg: bigint) => {
      const m = koffi.decode(msg, rk.types.rd_kafka_message_t);
      const value = new TextDecoder().decode(koffi.decode(m.payload, 'uint8_t', m.len) as Uint8Array);
      reports.push({ err: m.err, partition: m.partition, len: Number(m.len), value, opaque: m._private });
    });
    try {
      f.rd_kafka_conf_set_dr_msg_cb(conf, cb);
      const p = f.rd_kafka_new(c.RD_KAFKA_PRODUCER, conf, errstr, errstr.length);
      assert.ok(p, new TextDecoder().decode(errstr));
      const topic = f.rd_kafka_topic_new(p, 'gen-runtime', null);
      const payloads = ['one', 'two', 'three'].map((s) => new TextEncoder().encode(s));
      for (const v of payloads) {
        assert.equal(
          f.rd_kafka_produce(
            topic,
            c.RD_KAFKA_PARTITION_UA,
            c.RD_KAFKA_MSG_F_COPY,
            v,
            v.length,
            null,
            0,
            null,
          ),
          0,
        );
      }
      // The variadic API with the macro helpers the generator derived from RD_KAFKA_V_*.
      const m = rk.macros;
      const v = new TextEncoder().encode('four');
      assert.equal(
        f.rd_kafka_producev(
          p,
          ...m.RD_KAFKA_V_TOPIC('gen-runtime'),
          ...m.RD_KAFKA_V_VALUE(v, v.length),
          ...m.RD_KAFKA_V_MSGFLAGS(c.RD_KAFKA_MSG_F_COPY),
          ...m.RD_KAFKA_V_END,
        ),
        0,
      );
      const until = Date.now() + 15000;
      while (reports.length < 4 && Date.now() < until) f.rd_kafka_poll(p, 50);
      assert.deepEqual(reports.map((r) => [r.err, r.value]).sort(), [
        [0, 'four'],
        [0, 'one'],
        [0, 'three'],
        [0, 'two'],
      ]);
      assert.equal(f.rd_kafka_flush(p, 5000), 0);
      f.rd_kafka_topic_destroy(topic);
      f.rd_kafka_destroy(p);
    } finally {
      koffi.unregister(cb); // only after destroy returned: librdkafka can no longer call it
    }
  });

  test('macro helpers compute what the C macros compute', () => {
    assert.equal(rk.macros.RD_KAFKA_OFFSET_TAIL(5), -2005);
    assert.deepEqual(rk.macros.RD_KAFKA_V_PARTITION(3), [
      'int',
      rk.constants.RD_KAFKA_VTYPE_PARTITION,
      'int32_t',
      3,
    ]);
  });
});

describe('gen: 2.15.1 bindings on the older 2.0.2 library', () => {
  let rk: Bindings;
  let report: Report;
  before(async () => {
    const r = await bindingsFor(fetchHeaders().get('2.15.1')!, '2.15.1');
    report = r.report;
    rk = r.mod.load(koffi);
  });

  test('the report and missing() list exactly the declared functions the library does not export', () => {
    const have = exported(SYSTEM_LIBRARY);
    const expected = rk.model.functions
      .map((f: { name: string }) => f.name)
      .filter((n: string) => !have.has(n));
    assert.ok(expected.length > 50, `expected many missing functions, got ${expected.length}`);
    assert.deepEqual(report.missing, expected);
    assert.deepEqual(rk.missing(), expected);
  });

  test('calling a missing function throws an error naming it, the header version and the library', () => {
    const name = report.missing[0]!;
    assert.throws(
      () => rk.functions[name](),
      (e: Error) => {
        assert.ok(e.message.includes(`${name}()`), e.message);
        assert.ok(e.message.includes('2.15.1'), e.message);
        assert.ok(e.message.includes(SYSTEM_LIBRARY), e.message);
        return true;
      },
    );
  });

  test('the other functions keep working', () => {
    assert.equal(rk.functions.rd_kafka_version_str(), '2.0.2');
    assert.equal(
      rk.functions.rd_kafka_err2str(rk.constants.RD_KAFKA_RESP_ERR__TIMED_OUT),
      'Local: Timed out',
    );
    const conf = rk.functions.rd_kafka_conf_new();
    rk.functions.rd_kafka_conf_destroy(conf);
  });
});
