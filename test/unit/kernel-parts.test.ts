// The kernel runtime's parts on their own: the pure ones with data (variadic promotions, fixed-arity
// wrappers, the blocking rule, the handle registry), and the runtime assembled in this process from the
// real bindings and librdkafka (no kernel process), with its interceptor table.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import ts from 'typescript';
import { CELL_GLOBALS_DTS } from '../../extension/kernel/cell-globals.ts';
import type { FunctionDecl } from '../../gen/model.ts';
import { EventStream } from '../../extension/kernel/events.ts';
import { factsOf } from '../../extension/kernel/facts.ts';
import { wrapFixed } from '../../extension/kernel/interceptors/arity.ts';
import { blockingCondition } from '../../extension/kernel/interceptors/blocking.ts';
import { INTERCEPTORS, type Interceptor } from '../../extension/kernel/interceptors/index.ts';
import { promote } from '../../extension/kernel/interceptors/varargs.ts';
import { HandleRegistry } from '../../extension/kernel/registry.ts';
import { Runtime } from '../../extension/kernel/runtime.ts';
import type { KernelEvent } from '../../protocol/index.ts';
import { ensureBindingsSync } from '../support/bindings.ts';

const decl = (name: string, params: [type: string, name: string][], variadic = false): FunctionDecl => ({
  name,
  returns: 'int',
  params: params.map(([type, n]) => ({ type, name: n })),
  variadic,
  deprecated: false,
  file: 'rdkafka.h',
  line: 1,
});

describe('variadic arguments: C default argument promotions', () => {
  const isType = (s: string) => ['int', 'int16_t', 'double', 'const char *', 'void *'].includes(s);

  test('plain values become the type/value pairs C would pass', () => {
    const bytes = new Uint8Array(2);
    assert.deepEqual(promote([6, -1, 2 ** 40, 8.5, true, 'x', 5n, null, bytes], isType), [
      ...['int', 6, 'int', -1, 'int64_t', 2 ** 40, 'double', 8.5, 'int', 1],
      ...['const char *', 'x', 'void *', 5n, 'void *', null, 'void *', bytes],
    ]);
  });

  test('arrays of explicit pairs (the RD_KAFKA_V_* tags) are spread in place, mixed with plain values', () => {
    assert.deepEqual(promote([['int16_t', 3], 7, ['int', 1, 'const char *', 't']], isType), [
      ...['int16_t', 3, 'int', 7, 'int', 1, 'const char *', 't'],
    ]);
  });

  test("koffi's own type/value form is left as it is", () => {
    const explicit = ['int16_t', 3, 'const char *', 'x'];
    assert.deepEqual(promote(explicit, isType), explicit);
  });

  test('a value C has no promotion for is refused with what to pass instead', () => {
    assert.throws(() => promote([1, undefined], isType), /variable argument 2 is undefined: pass a number/);
    assert.throws(() => promote([{}], isType), /variable argument 1 is object.*\['type', value\] pair/);
  });
});

describe('fixed-arity wrappers', () => {
  test('keep the arity, run their code around the call, and pass the result through', () => {
    const log: string[] = [];
    const next = (a: number, b: number) => (log.push(`call ${a},${b}`), a + b);
    const f = wrapFixed(
      next,
      2,
      false,
      { before: 'note("before " + a1);', after: 'note("after " + r);' },
      {
        note: (s: string) => log.push(s),
      },
    );
    assert.equal(f.length, 2);
    assert.equal(f(2, 3), 5);
    assert.deepEqual(log, ['before 3', 'call 2,3', 'after 5']);
  });

  test('a variadic wrapper passes every extra argument on', () => {
    const f = wrapFixed((...a: unknown[]) => a.join(','), 1, true, { before: '' });
    assert.equal(f('a', 'b', 'c'), 'a,b,c');
  });
});

describe('which calls can block', () => {
  const facts = factsOf({}, []);
  test('a timeout_ms that is not 0', () => {
    assert.equal(
      blockingCondition(
        decl('rd_kafka_poll', [
          ['rd_kafka_t *', 'rk'],
          ['int', 'timeout_ms'],
        ]),
        facts,
      ),
      'a1 !== 0',
    );
  });
  test('the calls without a timeout that block, and when', () => {
    const rk: [string, string] = ['rd_kafka_t *', 'rk'];
    assert.equal(blockingCondition(decl('rd_kafka_consumer_close', [rk]), facts), 'true');
    assert.equal(blockingCondition(decl('rd_kafka_destroy', [rk]), facts), 'true');
    assert.equal(
      blockingCondition(decl('rd_kafka_commit', [rk, ['void *', 'offsets'], ['int', 'async']]), facts),
      'a2 === 0',
    );
    assert.equal(
      blockingCondition(
        decl('rd_kafka_commit_queue', [rk, ['void *', 'offsets'], ['void *', 'rkqu']]),
        facts,
      ),
      '(a2 === null || a2 === 0n)',
    );
    assert.equal(
      blockingCondition(
        decl('rd_kafka_produce', [
          ['void *', 'rkt'],
          ['int32_t', 'partition'],
          ['int', 'msgflags'],
        ]),
        facts,
      ),
      '(a2 & 4) !== 0',
    );
  });
  test('neither an options setter taking a timeout_ms nor a plain call', () => {
    const setter = decl('rd_kafka_AdminOptions_set_request_timeout', [
      ['void *', 'options'],
      ['int', 'timeout_ms'],
    ]);
    assert.equal(blockingCondition(setter, facts), null);
    assert.equal(blockingCondition(decl('rd_kafka_name', [['rd_kafka_t *', 'rk']]), facts), null);
  });
});

describe('handle registry', () => {
  test("a conf's callbacks move to its handle and are released after the handle is forgotten", () => {
    const released: bigint[] = [];
    const reg = new HandleRegistry((p) => released.push(p));
    reg.addConf(1n);
    reg.keepAlive(1n, 100n);
    reg.addHandle(2n, 1n, 'producer', 'rdkafka#producer-1');
    assert.equal(reg.conf(1n), undefined, 'rd_kafka_new consumed the conf');
    assert.deepEqual(released, []);
    assert.equal(reg.forget(2n)?.name, 'rdkafka#producer-1');
    assert.deepEqual(released, [100n]);
  });
  test('callbacks of a duplicated conf are kept for good', () => {
    const released: bigint[] = [];
    const reg = new HandleRegistry((p) => released.push(p));
    reg.addConf(1n);
    reg.keepAlive(1n, 100n);
    reg.dupConf(1n, 3n);
    reg.destroyConf(1n);
    reg.destroyConf(3n);
    assert.deepEqual(released, []);
  });
});

describe('the runtime, assembled in this process', () => {
  const events: KernelEvent[] = [];
  const calls: string[] = [];
  let rt: Runtime;
  const stream = new EventStream({ enabled: true, send: (b) => events.push(...b) });
  // Nearest C (after the blocking hook): records that the native call is being made.
  const spy: Interceptor = {
    name: 'test: records the calls that reach C',
    functions: ['rd_kafka_poll', 'rd_kafka_consumer_close'],
    wrap:
      (next, f) =>
      (...a: unknown[]) => {
        calls.push(`${f.name}(${a.slice(1).join(',')})`);
        return next(...a);
      },
  };
  // Outermost: sees the conf rd_kafka_new gets, before the built-in interceptors take it over.
  const confDump: Interceptor = {
    name: 'test: the conf before rd_kafka_new',
    functions: ['rd_kafka_new'],
    wrap: (next, _f, ctx) => (type: unknown, conf: unknown, errstr: unknown, size: unknown) => {
      calls.push(`conf known: ${ctx.registry.conf(conf) !== undefined}`);
      return next(type, conf, errstr, size);
    },
  };
  before(async () => {
    rt = await Runtime.load({
      bindingsDir: ensureBindingsSync(),
      bootstrap: 'mock',
      events: stream,
      onCallbackError: (cb, e) => calls.push(`error in ${cb}: ${String(e)}`),
      beforeBlockingCall: () => calls.push('hook'),
      interceptors: [confDump, ...INTERCEPTORS, spy],
    });
  });
  after(() => rt?.shutdown());

  test('a function no interceptor applies to is the koffi function itself', () => {
    assert.equal(rt.fn('rd_kafka_version_str'), rt.bindings.functions.rd_kafka_version_str);
    assert.notEqual(rt.fn('rd_kafka_new'), rt.bindings.functions.rd_kafka_new);
  });

  test('beforeBlockingCall runs right before calls that can block, and not for rd_kafka_poll(rk, 0)', () => {
    const e = Buffer.alloc(512);
    const conf = rt.fn('rd_kafka_conf_new')();
    rt.fn('rd_kafka_conf_set')(conf, 'bootstrap.servers', rt.mock.bootstrap(), e, e.length);
    rt.fn('rd_kafka_conf_set')(conf, 'group.id', 'kernel-parts', e, e.length);
    calls.length = 0;
    const rk = rt.fn('rd_kafka_new')(rt.facts.c.RD_KAFKA_CONSUMER, conf, e, e.length);
    assert.ok(rk, e.toString());
    rt.fn('rd_kafka_poll')(rk, 0);
    rt.fn('rd_kafka_poll')(rk, 1);
    rt.fn('rd_kafka_consumer_close')(rk);
    rt.fn('rd_kafka_destroy')(rk);
    assert.deepEqual(calls, [
      'conf known: true',
      'rd_kafka_poll(0)',
      'hook',
      'rd_kafka_poll(1)',
      'hook',
      'rd_kafka_consumer_close()',
      'hook',
    ]);
    stream.flush();
    const mine = events.filter((x) => x.type === 'handle_created' || x.type === 'handle_destroyed');
    assert.deepEqual(
      mine.map((x) => [x.type, x.type === 'handle_created' ? x.data.kind : '']),
      [
        ['handle_created', 'consumer'],
        ['handle_destroyed', ''],
      ],
    );
  });

  test('the globals install() adds beyond the C API are exactly the declared cell API (minus what main.ts adds: display, require, cellEvents, compareEvents)', () => {
    const declared = new Set<string>();
    const sf = ts.createSourceFile('g.d.ts', CELL_GLOBALS_DTS, ts.ScriptTarget.Latest, true);
    sf.forEachChild(function visit(n: ts.Node): void {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) declared.add(n.name.text);
      else if (ts.isFunctionDeclaration(n) && n.name) declared.add(n.name.text);
      n.forEachChild(visit);
    });
    const target: Record<string, unknown> = {};
    rt.install(target);
    const model = new Set([
      ...rt.bindings.model.functions.map((f) => f.name),
      ...Object.keys(rt.bindings.constants),
    ]);
    const installed = Object.getOwnPropertyNames(target).filter(
      (n) =>
        declared.has(n) || !(model.has(n) || n in (rt.bindings.macros ?? {}) || /^rd_kafka_mock_/.test(n)),
    );
    assert.deepEqual(
      installed.sort(),
      // main.ts adds these itself: they need the kernel's outputs and event history, not the runtime.
      [...declared].filter((n) => !['display', 'require', 'cellEvents', 'compareEvents'].includes(n)).sort(),
    );
  });
});
