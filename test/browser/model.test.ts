// The panel's data model without a browser: what the views read after ingesting a stream.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Store, emptyFilter } from '../../webview/store.ts';
import { parseHostToPanel } from '../../webview/validate.ts';
import { changedLeaves } from '../../webview/stats.ts';
import { summary } from '../../webview/format.ts';
import { panelHtml } from '../../extension/panel/html.ts';
import type { PanelEvent } from '../../webview/types.ts';
import { CONSUMER, PRODUCER, producerStats, recordedStream, RECORDED } from './stream.ts';

const events = recordedStream() as unknown as PanelEvent[];

describe('panel model', () => {
  test('totals, per-partition and per-error counts of a recorded stream', () => {
    const s = new Store();
    s.ingest(events);
    assert.equal(s.total, events.length);
    assert.equal(s.delivery.count, RECORDED.drs);
    assert.equal(s.delivery.errors, RECORDED.failedDrs);
    assert.deepEqual(
      s.delivery.partitions().map((p) => [p.partition, p.count]),
      [0, 1, 2, 3].map((p) => [p, RECORDED.drs / 4]),
    );
    assert.equal(s.delivery.errorCodes.get(-192)?.errName, '_MSG_TIMED_OUT');
    assert.equal(s.delivery.failures.size, RECORDED.failedDrs);
    assert.equal(s.handles.get(CONSUMER)?.state, 'destroyed');
    assert.equal(s.handles.get(PRODUCER)?.kind, 'producer');
  });

  test('events the kernel only counted under load (dropped) add to the observed totals', () => {
    const s = new Store();
    s.ingest(events);
    s.ingest([
      {
        seq: 9999,
        time: events.at(-1)!.time,
        type: 'dropped',
        handle: null,
        cell: null,
        data: { counts: { dr: 50_000, log: 7 } },
      },
    ]);
    assert.equal(s.observed('dr'), RECORDED.drs + 50_000);
    assert.equal(s.observed('log'), events.filter((e) => e.type === 'log').length + 7);
    assert.equal(s.observedTotal(), events.length + 50_007);
    assert.equal(s.delivery.count, RECORDED.drs, 'per-report aggregates cover the reports received');
    const [, , , counted] = s.delivery.rateSeries();
    assert.equal(
      counted.reduce((a, b) => a + b, 0),
      50_000,
      'counted-only reports appear in the rate over time',
    );
  });

  test('latency percentiles from the histogram are within its 9 % bucket error', () => {
    const s = new Store();
    const lat = Array.from({ length: 10_000 }, (_, i) => 100 + i); // 100 … 10,099 µs, uniform
    s.ingest(
      lat.map((latencyUs, i) => ({
        seq: i + 1,
        time: 0,
        type: 'dr',
        handle: 'p',
        cell: null,
        data: { topic: 't', partition: 0, offset: i, err: 0, latencyUs, len: 1 },
      })),
    );
    for (const [q, exact] of [
      [0.5, 5099],
      [0.95, 9599],
      [0.99, 9999],
    ] as const) {
      const got = s.delivery.percentile(q)!;
      assert.ok(got >= exact && got <= exact * 1.091, `p${q * 100} = ${got}, exact ${exact}`);
    }
  });

  test('a burst within one second still makes a rate chart (a rise and a fall around it)', () => {
    const s = new Store();
    s.ingest(
      Array.from({ length: 1000 }, (_, i) => ({
        seq: i + 1,
        time: 5_000_300 + (i % 500),
        type: 'dr',
        handle: 'p',
        cell: null,
        data: { topic: 't', partition: 0, offset: i, err: 0, len: 1 },
      })),
    );
    assert.deepEqual(s.delivery.rateSeries(), [
      [4999, 5000, 5001],
      [0, 1000, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  test('the timeline keeps only its capacity but counts everything', () => {
    const s = new Store(1000);
    const many = Array.from({ length: 5000 }, (_, i) => ({
      seq: i + 1,
      time: i,
      type: i % 10 ? 'dr' : 'log',
      handle: 'p',
      cell: null,
      data: { level: 7, message: `m${i}`, topic: 't', partition: 0, offset: i, err: 0, len: 1 },
    }));
    s.ingest(many);
    assert.equal(s.total, 5000);
    assert.equal(s.events.size, 1000);
    assert.equal(s.events.at(s.events.start)?.seq, 4001);
    assert.equal(s.events.at(0), undefined);
    s.setFilter({ ...emptyFilter(), types: new Set(['log']) });
    assert.equal(s.visible.length, 100, 'the filter sees only what is still held');
  });

  test('stats: rates from counters over librdkafka time, brokers, and what changed', () => {
    const s = new Store();
    const base = producerStats(0);
    s.ingest(
      [0, 1, 2].map((i) => ({
        seq: i + 1,
        time: 1000 * i,
        type: 'stats',
        handle: PRODUCER,
        cell: null,
        data: producerStats(i, base),
      })),
    );
    const h = s.stats.get(PRODUCER)!;
    const tx = h.rates.series.get('txmsgs/s')!;
    assert.equal(tx[0], null, 'no rate before a second sample');
    assert.equal(tx[1], 200_000); // i=1: +200,000 msgs in 1 s of ts
    assert.deepEqual(h.queue.series.get('msg_cnt'), [100, 140, 180]);
    assert.ok(
      [...h.rtt.series.keys()].some((k) => /^broker \d+ p99$/.test(k)),
      'per-broker rtt p99 series',
    );
    const changed = changedLeaves(h.previous, h.latest);
    assert.equal(changed.get('msg_cnt'), 140);
    assert.ok(!changed.has('name'));
  });

  test('host messages: only the agreed shapes, bad events skipped one by one', () => {
    assert.equal(parseHostToPanel({ type: 'reset' }).message?.type, 'reset');
    assert.equal(parseHostToPanel({ type: 'events', events: {} }).message, null);
    assert.equal(parseHostToPanel({ type: 'other' }).message, null);
    assert.equal(parseHostToPanel(null).message, null);
    const p = parseHostToPanel({
      type: 'events',
      events: [events[0], { type: 'dr' }, 42, { ...events[1], extra: { future: true } }],
    });
    assert.equal(p.rejected, 2);
    assert.deepEqual(p.message?.type === 'events' && p.message.events.map((e) => e.seq), [1, 2]);
  });

  test('summaries name what matters for each type', () => {
    const byType = (t: string) => summary(events.find((e) => e.type === t)!);
    assert.match(byType('dr'), /^orders \[\d\] @\d+ 100 B in /);
    assert.match(byType('error'), /^_TRANSPORT: .*Disconnected/);
    assert.match(byType('stats'), /producer rdkafka#producer-1 txmsgs=\d+/);
    assert.match(
      summary({
        seq: 1,
        time: 0,
        type: 'rebalance',
        handle: 'c',
        cell: null,
        data: {
          kind: 'assign',
          err: -175,
          errName: '_ASSIGN_PARTITIONS',
          partitions: [{ topic: 't', partition: 0 }],
        },
      }),
      /assign 1 partition\(s\) _ASSIGN_PARTITIONS: t\[0\]/,
    );
  });
});

describe('panelHtml', () => {
  const base = {
    scriptUri: 'https://x.test/dist/webview.js',
    styleUri: 'https://x.test/media/panel.css',
    cspSource: 'https://x.test',
    nonce: 'abcdefghijklmnopqrstuvwx',
  };
  test('a strict CSP: only the nonce script, styles and fonts from the webview origin', () => {
    const html = panelHtml({ ...base, title: '<b>"t"</b>' });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.equal(
      csp,
      "default-src 'none'; img-src https://x.test data:; font-src https://x.test; style-src https://x.test; script-src 'nonce-abcdefghijklmnopqrstuvwx'",
    );
    assert.match(
      html,
      /<script nonce="abcdefghijklmnopqrstuvwx" src="https:\/\/x\.test\/dist\/webview\.js"><\/script>/,
    );
    assert.match(html, /<title>&lt;b&gt;&quot;t&quot;&lt;\/b&gt;<\/title>/);
    assert.doesNotMatch(html, /codicon/, 'no codicons link unless given');
  });
  test('refuses a weak nonce or a cspSource that would break out of the policy', () => {
    assert.throws(() => panelHtml({ ...base, nonce: 'short' }), /nonce must be at least 16 characters/);
    assert.throws(
      () => panelHtml({ ...base, cspSource: "https://x.test; script-src 'unsafe-inline'" }),
      /not a CSP source expression/,
    );
  });
});
