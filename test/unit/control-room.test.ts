// The control room's pure pieces (no browser): the mock actions found in a model, how they are written as
// code, the API key names' fallback held to librdkafka 2.15.1's file, STATISTICS.md parsed into field docs
// and looked up by stats path, where recorded cells go, the requests model, the secrets scrubber; and the
// CLI's `run --bundle` on a real kernel: every part written, no secret anywhere.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { Model } from '../../gen/model.ts';
import { FALLBACK_API_KEYS, parseApiKeys } from '../../extension/kernel/api-keys.ts';
import { callArgs, callText, checkArgs, mockActions } from '../../extension/kernel/mock-actions.ts';
import { insertIndex, recordedSource } from '../../extension/panel/record.ts';
import { parseStatisticsMd } from '../../extension/panel/statsdocs.ts';
import { loadStatsDocs } from '../../extension/panel/statsdocs-source.ts';
import { bundleFiles } from '../../extension/export/bundle.ts';
import { scrubber, secretLiterals } from '../../extension/export/secrets.ts';
import { docFor, sentinelMeaning } from '../../webview/statsdocs.ts';
import { RequestStats } from '../../webview/requests.ts';
import { HandleStats } from '../../webview/stats.ts';
import type { CellOutput, KernelEvent } from '../../protocol/index.ts';
import { KernelClient } from '../../extension/kernel/client.ts';
import { ensureBindings, ensureBindingsSync } from '../support/bindings.ts';
import { cliPath, kernelScript, repoRoot } from '../support/repo.ts';
import { installedVersion, missingVersion } from '../support/cached-version.ts';
import { BUNDLE_FILES, filesUnder } from '../support/control-room.ts';

const model = (dir: string) => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Model;
const names = {
  error: (c: number) => (c === 6 ? 'RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION' : undefined),
  api: (k: number) => (k === 0 ? 'Produce' : undefined),
};
const missing2151 = missingVersion('2.15.1');

describe('mock actions from the model', () => {
  test("the system header's rdkafka_mock.h gives per-broker, partition, request-error and coordinator actions, no life-cycle functions", async () => {
    const acts = mockActions(model(await ensureBindings()));
    const fns = acts.map((a) => a.action.fn);
    for (const f of [
      'rd_kafka_mock_broker_set_down',
      'rd_kafka_mock_broker_set_up',
      'rd_kafka_mock_broker_set_rtt',
      'rd_kafka_mock_partition_set_leader',
      'rd_kafka_mock_push_request_errors',
      'rd_kafka_mock_coordinator_set',
    ])
      assert.ok(fns.includes(f), `${f} is offered`);
    for (const f of [
      'rd_kafka_mock_cluster_new',
      'rd_kafka_mock_cluster_destroy',
      'rd_kafka_mock_cluster_bootstraps',
    ])
      assert.ok(!fns.includes(f), `${f} is not a fault`);
    const rtt = acts.find((a) => a.action.fn === 'rd_kafka_mock_broker_set_rtt')!;
    assert.deepEqual(
      rtt.action.params.map((p) => [p.name, p.kind]),
      [
        ['broker_id', 'broker'],
        ['rtt_ms', 'ms'],
      ],
    );
    // The variadic push is called through its _array twin; its tail is one error repeated cnt times.
    const push = acts.find((a) => a.action.fn === 'rd_kafka_mock_push_request_errors')!;
    assert.equal(push.action.via, 'rd_kafka_mock_push_request_errors_array');
    assert.deepEqual(
      push.action.params.map((p) => p.kind),
      ['apiKey', 'count', 'error'],
    );
    assert.deepEqual(callText(push, [0, 2, 6], names), {
      call: 'rd_kafka_mock_push_request_errors_array(MOCK_CLUSTER, 0 /* Produce */, 2, new Int32Array([RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION]));',
      c: 'rd_kafka_mock_push_request_errors(mcluster, 0 /* Produce */, 2, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION);',
    });
    assert.deepEqual(callArgs(push, [0, 2, 6]), [0, 2, Int32Array.from([6, 6])]);
    const leader = acts.find((a) => a.action.fn === 'rd_kafka_mock_partition_set_leader')!;
    assert.equal(
      callText(leader, ['orders', 0, 2], names).call,
      'rd_kafka_mock_partition_set_leader(MOCK_CLUSTER, "orders", 0, 2);',
    );
  });

  test('bad arguments are refused with the parameter named', async () => {
    const acts = mockActions(model(await ensureBindings()));
    const down = acts.find((a) => a.action.fn === 'rd_kafka_mock_broker_set_down')!.action;
    assert.throws(() => checkArgs(down, []), /takes 1 argument\(s\) after the cluster \(broker_id\), got 0/);
    assert.throws(() => checkArgs(down, ['x']), /broker_id must be an integer/);
    assert.throws(() => checkArgs(down, [-1]), /broker_id must not be negative/);
    assert.deepEqual(checkArgs(down, ['2']), [2]);
    const coord = acts.find((a) => a.action.fn === 'rd_kafka_mock_coordinator_set')!.action;
    assert.throws(() => checkArgs(coord, ['cluster', 'g', 1]), /key_type must be "group" or "transaction"/);
  });

  test(
    'a newer rdkafka_mock.h (2.15.1) adds broker_decommission and the partition error stack, found in its model',
    { skip: missing2151 ?? false },
    async () => {
      const v2151 = await installedVersion('2.15.1');
      const fns = mockActions(model(v2151.bindingsDir)).map((a) => a.action.fn);
      assert.ok(fns.includes('rd_kafka_mock_broker_decommission'));
      assert.ok(fns.includes('rd_kafka_mock_partition_push_request_errors'));
      assert.ok(
        !fns.includes('rd_kafka_mock_start_request_tracking'),
        "request tracking is the kernel's, not a fault",
      );
      const sys = mockActions(model(ensureBindingsSync())).map((a) => a.action.fn);
      assert.ok(
        !sys.includes('rd_kafka_mock_broker_decommission'),
        'the system 2.0.2 header has no decommission',
      );
    },
  );
});

describe('API key names', () => {
  test(
    "the one fallback list equals librdkafka 2.15.1's rdkafka_protocol.h",
    { skip: missing2151 ?? false },
    async () => {
      const protocolH = join((await installedVersion('2.15.1')).include, 'rdkafka_protocol.h');
      assert.ok(existsSync(protocolH), `the installed 2.15.1 keeps its rdkafka_protocol.h (${protocolH})`);
      assert.deepEqual(parseApiKeys(readFileSync(protocolH, 'utf8')), FALLBACK_API_KEYS);
    },
  );
  test('parses the RD_KAFKAP_ defines, leaving out None and the counts', () => {
    const text =
      '#define RD_KAFKAP_None -1\n#define RD_KAFKAP_Produce 0\n#define RD_KAFKAP_Fetch        1\n#define RD_KAFKAP__NUM 80\n#define RD_KAFKAP_RPC_VERSION_MAX INT16_MAX\n';
    assert.deepEqual(parseApiKeys(text), [
      ['Produce', 0],
      ['Fetch', 1],
    ]);
  });
});

describe('statistics field docs', () => {
  const docs = loadStatsDocs({
    version: null,
    headers: ['/usr/include/librdkafka/rdkafka.h'],
    offsets: { RD_KAFKA_OFFSET_INVALID: -1001 },
  });
  test(
    "the system librdkafka's STATISTICS.md: sections, types, units, sentinels, looked up by stats path",
    { skip: docs.docs ? false : docs.missing },
    () => {
      const d = docs.docs!;
      assert.deepEqual(Object.keys(d.sections).slice(0, 3), ['top-level', 'brokers', 'window stats']);
      const p99 = docFor(d, ['brokers', '127.0.0.1:9092/1', 'rtt', 'p99'])!;
      assert.equal(p99.where, 'brokers › rtt › p99');
      assert.equal(p99.unit, 'µs');
      assert.equal(
        docFor(d, ['brokers', 'b/1', 'throttle', 'avg'])!.unit,
        'ms',
        'throttle windows are in milliseconds',
      );
      assert.equal(docFor(d, ['ts'])!.unit, 'µs');
      assert.equal(docFor(d, ['msg_size'])!.unit, 'bytes');
      assert.equal(docFor(d, ['msg_cnt'])!.type, 'int gauge');
      const committed = docFor(d, ['topics', 'orders', 'partitions', '0', 'committed_offset'])!;
      assert.match(sentinelMeaning(committed, -1001)!, /invalid or unknown offset/);
      assert.equal(sentinelMeaning(committed, 42), null);
      const lag = docFor(d, ['topics', 'orders', 'partitions', '0', 'consumer_lag'])!;
      const stored = docFor(d, ['topics', 'orders', 'partitions', '0', 'consumer_lag_stored'])!;
      assert.match(lag.description, /committed_offset/);
      assert.match(stored.description, /stored_offset/);
      assert.match(sentinelMeaning(lag, -1)!, /unknown/);
      assert.equal(
        docFor(d, ['brokers', 'b/1', 'nodeid'])!.sentinels?.[0]?.value,
        -1,
        'nodeid -1 is a bootstrap broker',
      );
      assert.match(docFor(d, ['brokers', 'b/1', 'req', 'Produce'])!.description, /Request type counters/);
      assert.equal(docFor(d, ['cgrp', 'rebalance_cnt'])!.type, 'int');
      assert.equal(docFor(d, ['no_such_field']), null);
    },
  );
  test('parses tables by section and stops at the example output', () => {
    const d = parseStatisticsMd(
      '## Top-level\n\nField | Type | Example | Description\n----- | ---- | ------- | -----------\nage | int | | Time since created (microseconds)\nbrokers | object | | Dict of brokers, key is broker name. See **brokers** below\n\n## brokers\n\nField | Type | Example | Description\n----- | ---- | ------- | -----------\nnodeid | int | 13 | Broker id (-1 for bootstraps)\n\n# Example output\n\nname | string | | not a field\n',
      'test',
    );
    assert.deepEqual(Object.keys(d.sections), ['top-level', 'brokers']);
    assert.equal(d.sections['brokers']![0]!.sentinels![0]!.meaning, 'bootstraps');
    assert.equal(docFor(d, ['brokers', 'x:1/13', 'nodeid'])!.example, '13');
  });
});

describe('recorded fault cells', () => {
  test('go after the running cell, after the cells already recorded during it; else after the cell that ran last', () => {
    const cells = [
      { recorded: false, endTime: 5 },
      { recorded: false, endTime: 9 },
      { recorded: true },
      { recorded: false },
    ];
    assert.equal(insertIndex(cells, 2), 3, 'after cell 2 and the fault recorded after it');
    assert.equal(insertIndex(cells, 1), 1);
    assert.equal(insertIndex(cells, null), 3, 'idle: after cell 2, which finished last');
    assert.equal(insertIndex([{ recorded: false }], null), 1, 'nothing ran: at the end');
    const src = recordedSource({
      call: 'rd_kafka_mock_broker_set_down(MOCK_CLUSTER, 2);',
      c: 'rd_kafka_mock_broker_set_down(mcluster, 2);',
      time: Date.UTC(2026, 0, 1),
      cell: 3,
    });
    assert.match(
      src,
      /while cell 3 ran\. C: rd_kafka_mock_broker_set_down\(mcluster, 2\);\nrd_kafka_mock_broker_set_down\(MOCK_CLUSTER, 2\);\n$/,
    );
  });
});

describe('requests model', () => {
  test('pushed errors answer the next requests of that API; the requests after them are retries', () => {
    const r = new RequestStats();
    const push = {
      fn: 'rd_kafka_mock_push_request_errors',
      label: '',
      params: [
        { name: 'ApiKey', kind: 'apiKey' as const, cType: 'int16_t' },
        { name: 'cnt', kind: 'count' as const, cType: 'size_t' },
        { name: 'err', kind: 'error' as const, cType: 'int' },
      ],
    };
    r.add(100, 'Produce', 0, 1); // before the push: not affected
    r.fault(200, push, [0, 2, 6], () => 'NOT_LEADER_FOR_PARTITION');
    r.add(300, 'Metadata', 3, 1);
    r.add(310, 'Produce', 0, 1);
    r.add(420, 'Produce', 0, 1);
    r.add(530, 'Produce', 0, 1);
    r.add(600, 'Produce', 0, 2);
    const p = r.apis.get(0)!;
    assert.equal(p.total, 5);
    assert.equal(p.errored, 2);
    assert.equal(p.retries, 2, 'the two requests after the errored ones');
    assert.deepEqual([...p.errors], [['NOT_LEADER_FOR_PARTITION', 2]]);
    assert.deepEqual(
      [...p.byBroker],
      [
        [1, 4],
        [2, 1],
      ],
    );
    assert.equal(r.medianGap(p), 110, 'spacing between requests to the same broker');
    const s = r.series();
    assert.equal(s.width, 100, 'a short run gets 100 ms buckets');
    assert.equal(s.xs.length, s.series[0]![1].length);
  });

  test("the Requests view's note says how often the mock's list was cleared and for how long requests could go unseen", () => {
    const r = new RequestStats();
    assert.equal(r.clearsNote(), '', 'nothing to say before a clear');
    r.cleared(120.4, true);
    r.cleared(80, false);
    assert.match(r.clearsNote(), /cleared 2 time\(s\) \(1 of them because it grew too long/);
    assert.match(r.clearsNote(), /in the 200 µs in all between a read and its clear may be missing/);
  });
});

describe('statistics over time', () => {
  test("samples that arrive together (a handle polled late) are placed by librdkafka's own clock", () => {
    const h = new HandleStats('rdkafka#producer-1');
    // Taken 500 ms apart (ts, µs), delivered in one poll: the last one 2 ms after it was taken.
    h.add(12_000, { ts: 1_000_000, msg_cnt: 1 });
    h.add(12_001, { ts: 1_500_000, msg_cnt: 2 });
    h.add(12_002, { ts: 2_000_000, msg_cnt: 3 });
    assert.deepEqual(h.times, [11.002, 11.502, 12.002]);
    // One that arrives sooner after it was taken re-anchors them all.
    h.add(12_400, { ts: 2_500_000, msg_cnt: 4 });
    assert.deepEqual(h.times, [10.9, 11.4, 11.9, 12.4]);
  });
});

describe('secrets', () => {
  test('literals of secret properties in cells are found, and scrubbed everywhere (also JSON-escaped)', () => {
    const src = `rd_kafka_conf_set(conf, "sasl.password", "p\\"w-1", e, e.length);\nconst c = { 'ssl.key.password': 'k3y-pass' };\nrd_kafka_conf_set(conf, 'client.id', 'app', e, e.length);`;
    assert.deepEqual(secretLiterals(src), ['p\\"w-1', 'k3y-pass']);
    const scrub = scrubber(['hunter22', 'a"b\\c']);
    assert.equal(scrub('x hunter22 y {"v":"a\\"b\\\\c"}'), 'x •••••• y {"v":"••••••"}');
  });

  test('bundleFiles leaves every secret out: source literals, kernel-known values, outputs and events', () => {
    const secret = 'top-s3cret-value';
    const events: KernelEvent[] = [
      {
        seq: 1,
        time: 1,
        handle: 'rdkafka#producer-1',
        cell: 1,
        type: 'handle_config',
        data: {
          name: 'rdkafka#producer-1',
          kind: 'producer',
          config: { 'sasl.password': '••••••', 'builtin.features': 'ssl' },
          modified: ['sasl.password'],
          redacted: ['sasl.password'],
        },
      },
      {
        seq: 2,
        time: 2,
        handle: 'rdkafka#producer-1',
        cell: 1,
        type: 'log',
        data: { level: 7, facility: 'SASL', message: `using ${secret}` },
      },
    ];
    const files = bundleFiles({
      title: 't.rdkafka',
      cells: [
        {
          kind: 'code',
          language: 'typescript',
          source: `rd_kafka_conf_set(conf, 'sasl.password', '${secret}', e, e.length);`,
          outputs: [{ kind: 'stream', name: 'stdout', text: `it is ${secret}\n` }],
        },
      ],
      events,
      librdkafka: { version: '2.0.2' },
      bootstrap: 'mock',
      tool: 'test',
    });
    for (const [name, text] of files) assert.ok(!text.includes(secret), `${name} holds no secret`);
    assert.ok(files.has('config/rdkafka_producer-1.properties'));
    assert.match(files.get('ISSUE.md')!, /sasl\.password=••••••/);
  });
});

describe('run --bundle', () => {
  test('the export folder holds every part, and a sasl.password set in a cell appears nowhere in it', async () => {
    const bindings = await ensureBindings();
    const dir = mkdtempSync(join(tmpdir(), 'rdkafka-bundle-'));
    const secret = 'sw0rdfish-9f3c-pass';
    const nb = join(dir, 'issue.rdkafka');
    writeFileSync(
      nb,
      JSON.stringify({
        rdkafkaNotebook: 1,
        metadata: {},
        cells: [
          {
            kind: 'markdown',
            language: 'markdown',
            source: '# SASL settings on the mock cluster',
            outputs: [],
          },
          {
            kind: 'code',
            language: 'typescript',
            source: [
              'const e = errbuf();',
              'const conf = rd_kafka_conf_new();',
              "rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, e, e.length);",
              `const pw = ['${secret.slice(0, 8)}', '${secret.slice(8)}'].join('');`,
              "rd_kafka_conf_set(conf, 'sasl.password', pw, e, e.length);",
              "rd_kafka_conf_set(conf, 'debug', 'broker', e, e.length);",
              "rd_kafka_conf_set(conf, 'statistics.interval.ms', '100', e, e.length);",
              'const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);',
              "console.log('the password ends in', pw.slice(-4), 'and is', pw);",
            ].join('\n'),
            outputs: [],
          },
          {
            kind: 'code',
            language: 'typescript',
            source:
              "rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('t'), RD_KAFKA_V_VALUE('v'), RD_KAFKA_V_END);\nrd_kafka_flush(rk, 5000);\nconst until = Date.now() + 400;\nwhile (Date.now() < until) rd_kafka_poll(rk, 50);\nrd_kafka_destroy(rk);",
            outputs: [],
          },
        ],
      }),
    );
    const out = join(dir, 'export');
    const stderr = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [cliPath, 'run', nb, '--bindings', bindings, '--bundle', out],
        { cwd: repoRoot, timeout: 120_000 },
        (err, _o, se) => (err ? reject(new Error(`run failed: ${se}`)) : resolve(se)),
      ),
    );
    assert.match(stderr, /issue export written to .*export \(\d+ files\)/);
    const files = filesUnder(out).sort();
    for (const f of BUNDLE_FILES) assert.ok(files.includes(f), `${f} is written (${files})`);
    assert.ok(
      files.some((f) => /^config\/rdkafka_producer-\d+\.properties$/.test(f)),
      "the handle's configuration",
    );
    for (const f of files)
      assert.ok(!readFileSync(join(out, f), 'utf8').includes(secret), `${f} holds no trace of the password`);
    const issue = readFileSync(join(out, 'ISSUE.md'), 'utf8');
    assert.match(issue, /librdkafka version \(release number or git tag\): `\d+\.\d+\.\d+/);
    assert.match(issue, /Operating system: `.*(Linux)/);
    assert.match(issue, /builtin\.features: `[a-z0-9_,]+`/);
    assert.match(issue, /sasl\.password=••••••/);
    assert.match(issue, /debug=broker/);
    assert.match(issue, /\| stats \| \d+ \|/);
    const env = JSON.parse(readFileSync(join(out, 'environment.json'), 'utf8'));
    assert.match(env.builtinFeatures, /ssl|sasl|gzip/);
    assert.ok(
      readFileSync(join(out, 'logs.txt'), 'utf8')
        .split('\n')
        .filter((l) => /^%7\|.*\|BROKER\|/.test(l)).length > 0,
      'the debug=broker lines are in logs.txt',
    );
    assert.ok(
      readFileSync(join(out, 'stats.jsonl'), 'utf8').trim().split('\n').length >= 2,
      'statistics samples',
    );
    assert.match(
      readFileSync(join(out, 'notebook.c'), 'utf8'),
      /\/\* ---- cell 2 ---- \*\/\nconst e = errbuf\(\);/,
    );
    assert.match(readFileSync(join(out, 'outputs.txt'), 'utf8'), /the password ends in/);
    // A folder that holds something else is refused before anything runs.
    writeFileSync(join(dir, 'mine.txt'), 'keep me');
    const refused = await new Promise<string>((resolve) =>
      execFile(
        process.execPath,
        [cliPath, 'run', nb, '--bindings', bindings, '--bundle', dir],
        { cwd: repoRoot },
        (_e, _o, se) => resolve(se),
      ),
    );
    assert.match(refused, /is not empty and holds no earlier export: choose a new or empty folder/);
    assert.equal(readFileSync(join(dir, 'mine.txt'), 'utf8'), 'keep me');
    rmSync(dir, { recursive: true, force: true });
  });
});

/** Arguments an action's panel form would send: a topic `faults`, broker 1, one NOT_LEADER error, … */
function sampleArgs(a: ReturnType<typeof mockActions>[number]['action']): (string | number | boolean)[] {
  return a.params.map((p) => {
    switch (p.kind) {
      case 'topic':
        return 'faults';
      case 'coordinatorType':
        return 'group';
      case 'string':
        return 'g';
      case 'error':
        return 6;
      case 'broker':
        return 1;
      case 'count':
        return 2;
      case 'bool':
        return false;
      case 'ms':
        return 10;
      default:
        return 0;
    }
  });
}

describe('the control room on a kernel', () => {
  const kernels: KernelClient[] = [];
  after(async () => {
    for (const k of kernels) await k.shutdown().catch(() => {});
  });
  const start = async (bindingsDir: string, library?: string) => {
    const k = await KernelClient.start({
      bootstrap: 'mock',
      bindingsDir,
      ...(library ? { library } : {}),
      cwd: repoRoot,
      kernelScript,
    });
    kernels.push(k);
    return k;
  };

  const replays = (version: 'system' | '2.15.1') =>
    test(
      `every action of ${version === 'system' ? "the system's" : "2.15.1's"} rdkafka_mock.h, recorded as a cell, runs as ordinary code (re-running the notebook replays the scenario)`,
      { skip: version === '2.15.1' ? (missing2151 ?? false) : false },
      async () => {
        const v = version === 'system' ? null : await installedVersion(version);
        const bindingsDir = v ? v.bindingsDir : await ensureBindings();
        const k = await start(bindingsDir, v?.library);
        const faults: string[] = [];
        k.onEvents((batch) => {
          for (const e of batch) if (e.type === 'fault' && e.data.source === 'cell') faults.push(e.data.fn);
        });
        let n = 0;
        const run = async (source: string) => {
          const outputs: CellOutput[] = [];
          const r = await k.execute(++n, source, (o) => outputs.push(o));
          const err = outputs.find((o) => o.kind === 'error');
          assert.equal(r.status, 'ok', `${source}\n→ ${err?.kind === 'error' ? err.message : r.status}`);
        };
        await run("rd_kafka_mock_topic_create(MOCK_CLUSTER, 'faults', 1, 1);");
        const names = {
          error: (c: number) => (c === 6 ? 'RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION' : undefined),
          api: (key: number) => (key === 0 ? 'Produce' : undefined),
        };
        const acts = mockActions(model(bindingsDir));
        assert.ok(acts.length >= 10, `${acts.length} actions`);
        for (const impl of acts) {
          const text = callText(impl, checkArgs(impl.action, sampleArgs(impl.action)), names);
          await run(recordedSource({ ...text, time: Date.now(), cell: 2 }));
        }
        // Each recorded call reached the mock cluster: the timeline shows it as the cell's own fault.
        await k.execute(++n, '1', () => {});
        for (const impl of acts)
          assert.ok(faults.includes(impl.action.via ?? impl.action.fn), `${impl.action.fn} on the timeline`);
      },
    );
  replays('system');
  replays('2.15.1');

  test('an action is served while the cell is blocked in a native call: "up" during rd_kafka_flush ends it with the message delivered', async () => {
    const k = await start(await ensureBindings());
    const setup = `const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, e, e.length);
rd_kafka_conf_set(conf, 'message.timeout.ms', '60000', e, e.length);
rd_kafka_conf_set(conf, 'reconnect.backoff.max.ms', '200', e, e.length);
globalThis.drs = [];
rd_kafka_conf_set_dr_msg_cb(conf, (rk, m) => drs.push(rkmsg.err(m)));
globalThis.rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
rd_kafka_mock_topic_create(MOCK_CLUSTER, 'faults', 1, 1);
rd_kafka_mock_partition_set_leader(MOCK_CLUSTER, 'faults', 0, 1);`;
    assert.equal((await k.execute(1, setup, () => {})).status, 'ok');
    const down = await k.control.fault('rd_kafka_mock_broker_set_down', [1]);
    assert.ok(down.ok, down.message);
    const sent: { up?: ReturnType<typeof k.control.fault> } = {};
    let text = '';
    // The kernel sends what a cell printed before a blocking call starts: "up" goes when the flush begins.
    const cell = k.execute(
      2,
      `rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('faults'), RD_KAFKA_V_VALUE('v'), RD_KAFKA_V_END);
console.log('flushing');
const r = rd_kafka_flush(rk, 30000);
console.log('RESULT ' + JSON.stringify({ r, drs }));`,
      (o) => {
        if (o.kind !== 'stream') return;
        text += o.text;
        if (!sent.up && text.includes('flushing'))
          sent.up = k.control.fault('rd_kafka_mock_broker_set_up', [1]);
      },
    );
    const done = await cell;
    assert.ok(sent.up, 'the cell printed before flushing');
    const answer = await sent.up;
    assert.ok(answer.ok, answer.message);
    assert.equal(answer.cell, 2, 'served while cell 2 was still running (blocked in rd_kafka_flush)');
    assert.equal(done.status, 'ok');
    const result = JSON.parse(/RESULT (.*)/.exec(text)![1]!) as { r: number; drs: number[] };
    assert.deepEqual(
      result,
      { r: 0, drs: [0] },
      'the flush returned once the broker was up, the message delivered',
    );
  });

  test("a panel action's fault event reaches the client while the cell is still blocked in rd_kafka_poll(rk, 60000), numbered in order and sent once", async () => {
    const k = await start(await ensureBindings());
    const events: KernelEvent[] = [];
    let cellDone = false;
    const waiters: (() => void)[] = [];
    k.onEvents((batch) => {
      events.push(...batch);
      for (const w of waiters.splice(0)) w();
    });
    /** Resolves once an event satisfying `p` has arrived (checked on every batch). */
    const arrival = (p: (e: KernelEvent) => boolean) =>
      new Promise<KernelEvent>((resolve) => {
        const check = () => {
          const e = events.find(p);
          if (e) resolve(e);
          else waiters.push(check);
        };
        check();
      });
    const setup = `const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, e, e.length);
globalThis.rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
rd_kafka_mock_topic_create(MOCK_CLUSTER, 'blocked', 1, 1);
rd_kafka_mock_partition_set_leader(MOCK_CLUSTER, 'blocked', 0, 1);
rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('blocked'), RD_KAFKA_V_VALUE('v'), RD_KAFKA_V_END);
console.log('FLUSH ' + rd_kafka_flush(rk, 10000));`;
    let text = '';
    assert.equal(
      (await k.execute(1, setup, (o) => (text += o.kind === 'stream' ? o.text : ''))).status,
      'ok',
    );
    assert.match(text, /FLUSH 0/, 'the producer is connected to broker 1, the leader');
    const isRtt = (e: KernelEvent) => e.type === 'fault' && e.data.fn === 'rd_kafka_mock_broker_set_rtt';
    text = '';
    let sent = false;
    let started!: (event: Promise<KernelEvent>) => void;
    const rtt = new Promise<Promise<KernelEvent>>((resolve) => (started = resolve));
    // An idle producer has nothing to serve: rd_kafka_poll blocks for its 60 s until broker 1 goes down
    // below and the disconnection is served as an error.
    const cell = k
      .execute(
        2,
        `console.log('polling');
console.log('RESULT ' + rd_kafka_poll(rk, 60000));`,
        (o) => {
          if (o.kind !== 'stream') return;
          text += o.text;
          if (!sent && text.includes('polling')) {
            sent = true;
            started(k.control.fault('rd_kafka_mock_broker_set_rtt', [2, 7]).then(() => arrival(isRtt)));
          }
        },
      )
      .then((r) => {
        cellDone = true;
        return r;
      });
    // Wait for the fault's event while the poll is blocked. A kernel that sends it only when the poll
    // returns never does: after 5 s the test lets the poll end anyway, and the assertion below says what
    // went wrong (a guard against a hang, not a measurement).
    const event = await rtt;
    const guard = new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000).unref());
    const arrived = await Promise.race([event, guard]);
    const doneBeforeEvent = cellDone;
    assert.ok((await k.control.fault('rd_kafka_mock_broker_set_down', [1])).ok);
    const done = await cell;
    assert.ok(arrived, 'the fault event reached the client while rd_kafka_poll was still blocked');
    assert.equal(doneBeforeEvent, false);
    assert.equal(done.status, 'ok');
    assert.match(text, /RESULT [1-9]/, 'the poll returned once it had served the disconnection');
    assert.equal(arrived.cell, 2, 'the event names the cell that was running');
    // Counted once, in order: every number from 1 once, in the order the events arrived.
    await k.execute(3, '1', () => {});
    assert.equal(events.filter(isRtt).length, 1, 'the fault event is sent once');
    assert.deepEqual(
      events.map((e) => e.seq),
      events.map((_, i) => i + 1),
      'event numbers are 1, 2, 3, … in arrival order',
    );
    const moved = events.find(
      (e) => e.type === 'fault' && e.data.source === 'panel' && e.data.fn === 'rd_kafka_mock_broker_set_down',
    )!;
    assert.ok(moved.seq > arrived.seq && moved.time >= arrived.time, 'the later action comes later');
  });
});

/** A kernel on the installed 2.15.1 (mock cluster), and every event it sends. */
async function kernel2151(): Promise<{ k: KernelClient; events: KernelEvent[] }> {
  const v = await installedVersion('2.15.1');
  const k = await KernelClient.start({
    bootstrap: 'mock',
    bindingsDir: v.bindingsDir,
    library: v.library,
    cwd: repoRoot,
    kernelScript,
  });
  const events: KernelEvent[] = [];
  k.onEvents((batch) => events.push(...batch));
  return { k, events };
}

describe('request tracking', () => {
  test(
    "the requests of a run's last moment are published before the kernel exits (the thread reads the list only every 100 ms)",
    { skip: missing2151 ?? false },
    async () => {
      const { k, events } = await kernel2151();
      const cell = `const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, e, e.length);
rd_kafka_conf_set(conf, 'linger.ms', '0', e, e.length);
globalThis.rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('last'), RD_KAFKA_V_VALUE('v'), RD_KAFKA_V_END);
console.log('FLUSH ' + rd_kafka_flush(rk, 10000));`;
      let text = '';
      const r = await k.execute(1, cell, (o) => (text += o.kind === 'stream' ? o.text : ''));
      assert.equal(r.status, 'ok');
      assert.match(text, /FLUSH 0/, 'the message was delivered: its Produce request reached the mock');
      // At once: the Produce request came within the last milliseconds of the cell.
      await k.shutdown();
      const produce = events.filter((e) => e.type === 'request' && e.data.api === 'Produce');
      assert.equal(produce.length, 1, 'the one Produce request is published, once');
    },
  );

  test(
    "past 2,000 tracked requests the mock's list is cleared in a lull and the clear is published: no request lost or counted twice across it, and after it",
    { skip: missing2151 ?? false },
    async () => {
      const { k, events } = await kernel2151();
      try {
        let n = 0;
        const run = async (source: string) => {
          let text = '';
          const r = await k.execute(++n, source, (o) => {
            if (o.kind === 'stream') text += o.text;
            else if (o.kind === 'error') text += o.message;
          });
          assert.equal(r.status, 'ok', text);
          return text;
        };
        // One Produce request per message (batches of one, one request in flight at a time).
        const produce = (count: number) =>
          `for (let i = 0; i < ${count}; i++)
  rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('req'), RD_KAFKA_V_VALUE('v' + i), RD_KAFKA_V_END);
rd_kafka_flush(rk, 30000);`;
        // The client's own count of the Produce requests it sent, from the statistics of a sample taken
        // after the cell's last flush returned (every Produce answered by then).
        const sentProduce = async () => {
          const out = await run(`stats = null;
while (stats === null) rd_kafka_poll(rk, 100);
const req = Object.values(JSON.parse(stats).brokers).reduce((t, b) => t + (b.req?.Produce ?? 0), 0);
console.log('SENT ' + req);`);
          return Number(/SENT (\d+)/.exec(out)![1]);
        };
        const received = () => events.filter((e) => e.type === 'request' && e.data.api === 'Produce').length;
        const cleared = () => events.filter((e) => e.type === 'requests_cleared');
        /** Idle cells until `done()` holds (the kernel reads the list every 100 ms); 100 of them at most. */
        const idleUntil = async (done: () => boolean) => {
          for (let i = 0; i < 100 && !done(); i++) await run('rd_kafka_poll(rk, 100);');
        };
        await run(`const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, e, e.length);
rd_kafka_conf_set(conf, 'linger.ms', '0', e, e.length);
rd_kafka_conf_set(conf, 'batch.num.messages', '1', e, e.length);
rd_kafka_conf_set(conf, 'max.in.flight', '1', e, e.length);
rd_kafka_conf_set(conf, 'statistics.interval.ms', '100', e, e.length);
globalThis.stats = null;
rd_kafka_conf_set_stats_cb(conf, (rk, json) => { stats = json; return 0; });
globalThis.rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
rd_kafka_mock_topic_create(MOCK_CLUSTER, 'req', 1, 1);`);
        // Past 2,000 requests in all.
        await run(produce(2100));
        const first = await sentProduce();
        assert.ok(first >= 2100, `${first} Produce requests sent`);
        await idleUntil(() => cleared().length > 0 && received() >= first);
        const [clear] = cleared();
        assert.ok(clear, 'the kernel published that it cleared the list');
        assert.equal(clear.type === 'requests_cleared' && clear.data.quiet, true, 'cleared in a lull');
        assert.ok(clear.type === 'requests_cleared' && clear.data.held > 2000 && clear.data.windowUs > 0);
        assert.equal(received(), first, 'each Produce request the client sent is published once');
        // After the clear the list starts again from nothing: new requests are neither skipped nor repeated.
        await run(produce(50));
        const total = await sentProduce();
        await idleUntil(() => received() >= total);
        assert.equal(received(), total, 'and so are those after the clear');
        // A cell that clears the list itself: what follows is all new, however long it grows before the read.
        await run(`rd_kafka_mock_clear_requests(MOCK_CLUSTER);\n${produce(300)}`);
        const afterCell = await sentProduce();
        await idleUntil(() => received() >= afterCell);
        assert.equal(received(), afterCell, "and those after a cell's own rd_kafka_mock_clear_requests");
        const dropped = events.reduce(
          (t, e) => t + (e.type === 'dropped' ? (e.data.counts.request ?? 0) : 0),
          0,
        );
        assert.equal(dropped, 0, 'every request was published in detail (under the budget)');
      } finally {
        await k.shutdown();
      }
    },
  );

  test(
    "each request the mock brokers received is published once: the request events equal the client's own protocol log of what it sent",
    { skip: missing2151 ?? false },
    async () => {
      const { k, events } = await kernel2151();
      try {
        const cells = [
          `const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, e, e.length);
rd_kafka_conf_set(conf, 'debug', 'protocol', e, e.length);
globalThis.rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('t'), RD_KAFKA_V_VALUE('v'), RD_KAFKA_V_END);
rd_kafka_flush(rk, 5000);`,
          // Idle for a while (the tracking is read every 100 ms): nothing new is sent, nothing is repeated.
          'const until = Date.now() + 1000; while (Date.now() < until) rd_kafka_poll(rk, 100);',
          'rd_kafka_destroy(rk);',
          '1',
        ];
        for (const [i, source] of cells.entries()) {
          const r = await k.execute(i + 1, source, () => {});
          assert.equal(r.status, 'ok', `cell ${i + 1}`);
        }
        const received: Record<string, number> = {};
        for (const e of events)
          if (e.type === 'request') received[e.data.api] = (received[e.data.api] ?? 0) + 1;
        const sent: Record<string, number> = {};
        for (const e of events) {
          const m = e.type === 'log' ? /: Sent (\w+)Request \(/.exec(e.data.message) : null;
          if (m) sent[m[1]!] = (sent[m[1]!] ?? 0) + 1;
        }
        assert.ok(
          (sent.Produce ?? 0) >= 1,
          `the protocol log shows the Produce request: ${JSON.stringify(sent)}`,
        );
        assert.deepEqual(received, sent);
      } finally {
        await k.shutdown();
      }
    },
  );
});
