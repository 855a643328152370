// The generator against three real headers: Debian's 2.0.2, 2.12.0 (node-rdkafka 3.6.1) and 2.15.1
// (@confluentinc/kafka-javascript 1.10.1). Every count and value is compared with what the C compiler
// sees (gen's own parser is not used for the expectations: see fixtures/gen/oracle.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generate } from '../../gen/generate.ts';
import type { Model, Report } from '../../gen/model.ts';
import {
  type CompilerFacts,
  compilerFacts,
  fetchHeaders,
  ROOT,
  SYSTEM_HEADER,
} from './fixtures/gen/oracle.ts';

const tmp = mkdtempSync(join(tmpdir(), 'gen-headers-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

// Figures measured with the C compiler and written down in FACTS.md, for the two headers it covers.
const KNOWN: Record<
  string,
  { functions: number; enums: number; enumerators: number; intMacros: number; typedefStructs: number }
> = {
  '2.0.2': { functions: 382, enums: 16, enumerators: 257, intMacros: 45, typedefStructs: 8 },
  '2.15.1': { functions: 495, enums: 23, enumerators: 318, intMacros: 53, typedefStructs: 8 },
};

const cases: [string, () => string][] = [
  ['2.0.2', () => SYSTEM_HEADER],
  ['2.12.0', () => fetchHeaders().get('2.12.0')!],
  ['2.15.1', () => fetchHeaders().get('2.15.1')!],
];

for (const [version, headerOf] of cases) {
  describe(`gen: librdkafka ${version} header`, () => {
    let model: Model;
    let report: Report;
    let cc: CompilerFacts;
    let header: string;

    before(async () => {
      header = headerOf();
      const out = join(tmp, version);
      report = await generate({ header, out });
      model = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as Model;
      cc = compilerFacts(header);
    });

    test('the version comes from RD_KAFKA_VERSION', () => {
      assert.equal(model.librdkafka.version, version);
      assert.equal(BigInt(model.librdkafka.versionInt), cc.macros.get('RD_KAFKA_VERSION'));
      assert.equal(report.librdkafka.version, version);
    });

    test('functions: exactly those the compiler declares, per header file', () => {
      for (const file of ['rdkafka.h', 'rdkafka_mock.h']) {
        const ours = model.functions
          .filter((f) => f.file === file)
          .map((f) => f.name)
          .sort();
        assert.deepEqual(ours, [...(cc.functions.get(file) ?? [])].sort(), file);
      }
      if (KNOWN[version])
        assert.equal(model.functions.filter((f) => f.file === 'rdkafka.h').length, KNOWN[version].functions);
    });

    test('every function-pointer parameter has a callback prototype, and only those', () => {
      let pointers = 0;
      for (const f of model.functions) {
        const theirs = cc.params.get(f.name)!;
        assert.equal(f.params.length, theirs.length, f.name);
        f.params.forEach((p, i) => {
          const isFnPointer = theirs[i]!.includes('(*)');
          if (isFnPointer) pointers++;
          assert.equal(Boolean(p.callback), isFnPointer, `${f.name} parameter ${i}: ${theirs[i]}`);
          if (p.callback)
            assert.ok(
              model.callbacks.some((c) => c.name === p.callback),
              p.callback,
            );
        });
      }
      assert.ok(pointers >= 25, `only ${pointers} function-pointer parameters`);
    });

    test('enums and enumerator values equal the compiler’s (DWARF)', () => {
      assert.equal(model.enums.length, cc.enums.length);
      const ours = new Map(
        model.enums.flatMap((e) => e.values.map((v) => [v.name, Number(v.value)] as const)),
      );
      const theirs = new Map(cc.enums.flatMap((e) => [...e.values]));
      assert.equal(ours.size, theirs.size);
      assert.deepEqual(ours, theirs);
      if (KNOWN[version]) {
        assert.equal(model.enums.length, KNOWN[version].enums);
        assert.equal(ours.size, KNOWN[version].enumerators);
      }
      const err = model.enums.find((e) => e.name === 'rd_kafka_resp_err_t')!;
      assert.equal(err.values.find((v) => v.name === 'RD_KAFKA_RESP_ERR__BEGIN')!.value, -200);
    });

    test('object-like RD_KAFKA_* macros: integer and string values equal the compiler’s', () => {
      const ours = new Map(
        model.constants
          .filter((c) => c.name.startsWith('RD_KAFKA_'))
          .map((c) => [c.name, c.kind === 'string' ? c.value : BigInt(c.value)]),
      );
      assert.deepEqual(ours, cc.macros);
      // FACTS.md's figure counts every object-like RD_KAFKA_* macro: the integer ones plus one string.
      const ints = [...cc.macros.values()].filter((v) => typeof v === 'bigint').length;
      assert.equal(ints, cc.macros.size - 1);
      if (KNOWN[version]) assert.equal(cc.macros.size, KNOWN[version].intMacros);
      const value = (n: string) => model.constants.find((c) => c.name === n)?.value;
      assert.equal(value('RD_KAFKA_PARTITION_UA'), -1);
      assert.equal(value('RD_KAFKA_OFFSET_BEGINNING'), -2);
      assert.equal(value('RD_KAFKA_OFFSET_STORED'), -1000);
      assert.equal(value('RD_KAFKA_MSG_F_COPY'), 2);
      assert.equal(value('RD_KAFKA_EVENT_DR'), 1);
      assert.match(String(value('RD_KAFKA_DEBUG_CONTEXTS')), /^all,generic,broker,topic,.*,conf/);
    });

    test('function-like macros are listed with how the runtime offers them', () => {
      const tail = model.functionMacros.find((m) => m.name === 'RD_KAFKA_OFFSET_TAIL')!;
      assert.deepEqual(tail.js, { kind: 'expr', expr: '(-2000 - (CNT))' });
      const topic = model.functionMacros.find((m) => m.name === 'RD_KAFKA_V_TOPIC')!;
      assert.deepEqual(topic.js, {
        kind: 'vargs',
        tag: Number(cc.enums.flatMap((e) => [...e.values]).find(([n]) => n === 'RD_KAFKA_VTYPE_TOPIC')![1]),
        tagType: 'int',
        pairs: [['const char *', 'topic']],
      });
      for (const m of model.functionMacros.filter((x) => x.name.startsWith('RD_KAFKA_V_')))
        assert.equal(m.js?.kind, 'vargs', m.name);
      assert.deepEqual(
        model.vargsConstants.map((v) => v.name),
        ['RD_KAFKA_V_END'],
      );
    });

    test('structs and unions: every one the compiler lays out, same sizes and offsets', () => {
      assert.equal(model.structs.length, cc.records.length);
      const typedefd = model.structs.filter((s) => cc.typedefRecords.has(s.name));
      if (KNOWN[version]) assert.equal(typedefd.length, KNOWN[version].typedefStructs);
      for (const s of model.structs) {
        const idx =
          cc.typedefRecords.get(s.name) ??
          cc.records.findIndex((r) => r.name && (r.name === s.tag || r.name === s.name));
        if (idx < 0) continue; // anonymous members: checked through their parents below and by the layout check
        const r = cc.records[idx]!;
        assert.equal(s.size, r.size, s.name);
        assert.equal(Boolean(s.union), r.kind === 'union', s.name);
        assert.deepEqual(new Map(s.fields.map((f) => [f.name, f.offset])), r.members, s.name);
      }
      const size = (n: string) => model.structs.find((s) => s.name === n)?.size;
      assert.equal(size('rd_kafka_message_t'), 72);
      assert.equal(size('rd_kafka_topic_partition_t'), 64);
      assert.equal(size('rd_kafka_topic_partition_list_t'), 16);
      assert.equal(size('rd_kafka_metadata_t'), 48);
      assert.equal(size('rd_kafka_vu_t'), 72);
      assert.equal(model.structs.find((s) => s.name === 'rd_kafka_vu_t__u')?.union, true);
      assert.equal(report.layout.ok, true);
      assert.equal(report.layout.checked, model.structs.length);
    });

    test('deprecated functions are flagged, exactly those marked RD_DEPRECATED in the header', () => {
      const raw = readFileSync(header, 'utf8').replace(/^#.*$/gm, '');
      const marked = [...raw.matchAll(/\bRD_DEPRECATED\b[^;(]*?\b(\w+)\s*\(/g)].map((m) => m[1]!).sort();
      assert.deepEqual(
        model.functions
          .filter((f) => f.deprecated)
          .map((f) => f.name)
          .sort(),
        marked,
      );
      assert.ok(marked.includes('rd_kafka_set_logger'));
      assert.deepEqual(report.deprecated.sort(), marked);
    });

    test('declarations keep their shape: variadic, callbacks, doc comments', () => {
      const fn = (n: string) => model.functions.find((f) => f.name === n)!;
      assert.equal(fn('rd_kafka_producev').variadic, true);
      assert.equal(fn('rd_kafka_error_new').variadic, true);
      assert.equal(fn('rd_kafka_produceva').variadic, false);
      const dr = fn('rd_kafka_conf_set_dr_msg_cb').params[1]!;
      assert.equal(dr.callback, 'rd_kafka_conf_set_dr_msg_cb__dr_msg_cb');
      const proto = model.callbacks.find((c) => c.name === dr.callback)!;
      assert.deepEqual(
        proto.params.map((p) => p.type),
        ['rd_kafka_t *', 'const rd_kafka_message_t *', 'void *'],
      );
      assert.equal(fn('rd_kafka_conf_properties_show').params[0]!.type, 'FILE *');
      assert.match(fn('rd_kafka_new').doc ?? '', /Creates a new Kafka handle/);
      assert.ok(
        model.callbacks.some((c) => c.origin === 'typedef' && c.name.startsWith('rd_kafka_interceptor_f_')),
      );
      const dts = readFileSync(join(tmp, version, 'rdkafka.d.ts'), 'utf8');
      assert.match(dts, /@deprecated[^]*?declare function rd_kafka_set_logger\(/);
      assert.doesNotMatch(
        dts.replace(/\/\*[^]*?\*\//g, ''),
        /\bBuffer\b/,
        'cells have no Node typings: Uint8Array, never Buffer',
      );
      assert.match(dts, /declare const RD_KAFKA_PARTITION_UA: -1;/);
    });

    test('rdkafka.d.ts type-checks on its own (no Node typings) and types a notebook cell', () => {
      const dir = join(tmp, `${version}-tsc`);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(tmp, version, 'rdkafka.d.ts'), join(dir, 'rdkafka.d.ts'));
      const cell = [
        'const conf = rd_kafka_conf_new();',
        'const errstr = new Uint8Array(512);',
        'rd_kafka_conf_set(conf, "test.mock.num.brokers", "3", errstr, errstr.length);',
        'rd_kafka_conf_set_dr_msg_cb(conf, (rk, msg, opaque) => { const p: bigint | null = msg; void p; });',
        'const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, errstr.length);',
        'const err: string | null = rd_kafka_err2str(RD_KAFKA_RESP_ERR__TIMED_OUT);',
        'const ua: -1 = RD_KAFKA_PARTITION_UA;',
        'rd_kafka_producev(rk, ...RD_KAFKA_V_TOPIC("t"), ...RD_KAFKA_V_END);',
        'const tail: number = RD_KAFKA_OFFSET_TAIL(5);',
        '// @ts-expect-error a constant is a number, not a string',
        'const wrong: string = RD_KAFKA_PARTITION_UA;',
        // Callbacks: an unannotated arrow gets the C parameters (librdkafka's objects never NULL, the opaque
        // maybe); a function annotated for the documented contract is accepted too; a wrong arity is not.
        'rd_kafka_conf_set_dr_msg_cb(conf, (rk, m, opaque) => { const a: bigint = rk; const b: bigint = m; const o: bigint | null = opaque; void [a, b, o]; });',
        'function dr(rk: bigint, m: bigint, opaque: bigint) { void [rk, m, opaque]; }',
        'rd_kafka_conf_set_dr_msg_cb(conf, dr);',
        'rd_kafka_conf_set_stats_cb(conf, (rk, json, len, opaque) => { const s: string | null = json; const n: number | bigint = len; void [rk, s, n, opaque]; return 0; });',
        '// @ts-expect-error stats_cb must return the int librdkafka reads',
        'rd_kafka_conf_set_stats_cb(conf, (rk, json) => { void [rk, json]; });',
        '// @ts-expect-error a dr_msg_cb takes a message pointer, not a string',
        'rd_kafka_conf_set_dr_msg_cb(conf, (rk: bigint, m: string) => { void [rk, m]; });',
        // Pointer parameters take NULL (a pointer return as is), typed arrays as out-parameters, JS arrays.
        'rd_kafka_poll(rk, 0);',
        'rd_kafka_metadata(rk, 1, null, new BigUint64Array(1), 1000);',
        'rd_kafka_CreateTopics(rk, [rd_kafka_NewTopic_new("t", 1, 1, errstr, errstr.length)], 1, null, null);',
        'rd_kafka_DeleteTopics(rk, new BigUint64Array(1), 1, null, null);',
        'rd_kafka_conf_get(conf, "acks", errstr, new BigUint64Array([512n]));',
        'rd_kafka_conf_dup_filter(conf, 1, ["sasl."]);',
        'rd_kafka_NewPartitions_set_replica_assignment(null, 0, [1, 2], 2, errstr, errstr.length);',
        'rd_kafka_NewPartitions_set_replica_assignment(null, 0, new Int32Array(2), 2n, errstr, 512);',
        '// @ts-expect-error an array of pointers is not an array of strings',
        'rd_kafka_CreateTopics(rk, ["t"], 1, null, null);',
        // 64-bit integers: koffi returns a number, or a bigint beyond 2^53.
        'const cnt: number | bigint = rd_kafka_header_cnt(null);',
        '// @ts-expect-error size_t may arrive as a bigint',
        'const cnt2: number = rd_kafka_header_cnt(null);',
        'void [err, ua, tail, wrong, cnt, cnt2];',
      ].join('\n');
      writeFileSync(join(dir, 'cell.ts'), cell);
      const config = {
        compilerOptions: { strict: true, noEmit: true, target: 'es2022', lib: ['es2022'], types: [] },
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config));
      const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
      const r = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stdout + r.stderr);
    });
  });
}
