// A recorded-looking event stream with the kernel's shapes (extension/kernel/protocol.ts): a producer and a
// consumer, delivery reports spread over partitions (a few failed), real librdkafka stats (fixtures recorded
// from librdkafka 2.0.2 against the mock cluster, advanced in time), logs at several levels and one error.
import { readFileSync } from 'node:fs';
import type { KernelEvent } from '../../protocol/index.ts';
import { ROOT } from './browser.ts';

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`test/browser/fixtures/${name}`, ROOT), 'utf8')) as Record<string, unknown>;

export const PRODUCER = 'rdkafka#producer-1';
export const CONSUMER = 'rdkafka#consumer-2';

export interface StreamSpec {
  drs: number;
  failedDrs: number;
  stats: number;
  logs: { level: number; count: number }[];
  errors: number;
}

export const RECORDED: StreamSpec = {
  drs: 1000,
  failedDrs: 3,
  stats: 5,
  logs: [
    { level: 7, count: 12 },
    { level: 6, count: 5 },
    { level: 4, count: 2 },
    { level: 3, count: 1 },
  ],
  errors: 1,
};

/** Stats snapshot i of a run: the recorded producer stats with counters advanced i seconds. */
export function producerStats(i: number, base = fixture('stats-producer.json')): Record<string, unknown> {
  const s = structuredClone(base) as Record<string, any>;
  s.name = PRODUCER;
  s.ts = Number(s.ts) + i * 1_000_000;
  s.time = Number(s.time) + i;
  s.age = Number(s.age) + i * 1_000_000;
  s.txmsgs = Number(s.txmsgs) + i * (180_000 + 20_000 * (i % 2));
  s.msg_cnt = 100 + 40 * i;
  s.msg_size = s.msg_cnt * 100;
  for (const b of Object.values(s.brokers as Record<string, any>)) {
    if (b.rtt) {
      b.rtt.avg = Math.round(b.rtt.avg * (1 + i / 4));
      b.rtt.p99 = Math.round(b.rtt.p99 * (1 + i / 8));
    }
    b.outbuf_cnt = i;
  }
  return s;
}

/** Consumer stats snapshot i: the recorded consumer stats, i seconds on, with offsets committed and lag shrinking. */
export function consumerStats(i: number, base = fixture('stats-consumer.json')): Record<string, unknown> {
  const s = structuredClone(base) as Record<string, any>;
  s.name = CONSUMER;
  s.ts = Number(s.ts) + i * 1_000_000;
  s.time = Number(s.time) + i;
  s.rxmsgs = Number(s.rxmsgs) + i * 150_000;
  for (const t of Object.values(s.topics as Record<string, any>)) {
    for (const p of Object.values(t.partitions as Record<string, any>)) {
      if (p.partition < 0) continue;
      p.committed_offset = Math.max(0, p.hi_offset - 5000 * (3 - i) - 100 * p.partition);
      p.consumer_lag = p.hi_offset - p.committed_offset;
    }
  }
  if (s.cgrp) s.cgrp.rebalance_cnt = 1 + i;
  return s;
}

export function recordedStream(
  spec: StreamSpec = RECORDED,
  t0 = Date.UTC(2026, 10, 24, 6, 0, 0),
): KernelEvent[] {
  type Draft = Omit<KernelEvent, 'seq' | 'handle' | 'cell'> & {
    handle?: string | null;
    cell?: number | null;
  };
  const drafts: Draft[] = [];
  const span = 5000; // the run lasts five seconds
  drafts.push({ time: t0, type: 'handle_created', data: { kind: 'producer', name: PRODUCER } } as Draft);
  drafts.push({
    time: t0 + 1,
    type: 'handle_created',
    handle: CONSUMER,
    cell: 2,
    data: { kind: 'consumer', name: CONSUMER },
  } as Draft);
  const offsets = [0, 0, 0, 0];
  const failEvery = Math.floor(spec.drs / Math.max(1, spec.failedDrs));
  let failed = 0;
  for (let i = 0; i < spec.drs; i++) {
    const partition = i % 4;
    const fail = failed < spec.failedDrs && i % failEvery === failEvery - 1;
    if (fail) failed++;
    drafts.push({
      time: t0 + 10 + Math.floor((i / spec.drs) * span),
      type: 'dr',
      data: {
        topic: 'orders',
        partition,
        offset: fail ? -1001 : offsets[partition]!++,
        err: fail ? -192 : 0,
        ...(fail ? { errName: '_MSG_TIMED_OUT' } : {}),
        latencyUs: fail ? 300_000_000 : 800 + ((i * 7919) % 9000),
        keyLen: 8,
        len: 100,
      },
    } as Draft);
  }
  // Most stats from the producer, the last two from the consumer (lag and rebalances need a group member).
  const consumerFrom = spec.stats >= 4 ? spec.stats - 2 : spec.stats;
  for (let n = 0; n < spec.stats; n++) {
    const consumer = n >= consumerFrom;
    drafts.push({
      time: t0 + 15 + Math.floor(((n + 1) / (spec.stats + 1)) * span),
      type: 'stats',
      ...(consumer ? { handle: CONSUMER, cell: 2 } : {}),
      data: consumer ? consumerStats(n - consumerFrom) : producerStats(n),
    } as Draft);
  }
  const levels = spec.logs.flatMap((l) => Array.from({ length: l.count }, () => l.level));
  const names = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];
  levels.forEach((level, k) =>
    drafts.push({
      time: t0 + 12 + Math.floor((k / levels.length) * span),
      type: 'log',
      data: { level, facility: level <= 4 ? 'FAIL' : 'PRODUCE', message: `sample ${names[level]} line ${k}` },
    } as Draft),
  );
  for (let k = 0; k < spec.errors; k++)
    drafts.push({
      time: t0 + span / 2,
      type: 'error',
      data: {
        err: -195,
        errName: '_TRANSPORT',
        reason: '127.0.0.1:40319/1: Disconnected (after 1200ms in state UP)',
        fatal: false,
      },
    } as Draft);
  drafts.push({
    time: t0 + span + 20,
    type: 'handle_destroyed',
    handle: CONSUMER,
    data: { name: CONSUMER },
  } as Draft);
  drafts.sort((a, b) => a.time - b.time);
  return drafts.map((d, i) => ({ handle: PRODUCER, cell: 1, ...d, seq: i + 1 }) as KernelEvent);
}

export function countOf(events: KernelEvent[], type: string): number {
  return events.filter((e) => e.type === type).length;
}
