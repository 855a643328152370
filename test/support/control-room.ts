// What the control-room tests of every suite share: the cells they run and a folder listing.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A producer on a one-partition topic `faults` led by broker 1, its delivery reports kept in `drs` as
 * [time, err]. librdkafka 2.0.2 times out a down broker's messages only when its thread wakes between
 * reconnect attempts: with the default reconnect.backoff.max.ms (10 s) the first timeouts came 7–11 s after
 * the broker went down, not 2 s (2.15.1: 2.0 s every time), so the reconnect backoff is capped at 1 s.
 */
export const producerCell = (timeoutMs: number, extra = ''): string => `const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, e, e.length);
rd_kafka_conf_set(conf, 'message.timeout.ms', '${timeoutMs}', e, e.length);
rd_kafka_conf_set(conf, 'reconnect.backoff.max.ms', '1000', e, e.length);
${extra}
globalThis.drs = [];
rd_kafka_conf_set_dr_msg_cb(conf, (rk, m) => drs.push([Date.now(), rkmsg.err(m)]));
globalThis.rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
rd_kafka_mock_topic_create(MOCK_CLUSTER, 'faults', 1, 1);
rd_kafka_mock_partition_set_leader(MOCK_CLUSTER, 'faults', 0, 1);`;

/** Produces in a synchronous loop until failures came and then successes again (or 60 s); prints `RESULT {drs}`. */
export const FAULT_LOOP = `let sent = 0;
const until = Date.now() + 60000;
for (;;) {
  rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('faults'), RD_KAFKA_V_VALUE('x'), RD_KAFKA_V_END);
  sent++;
  rd_kafka_poll(rk, 20);
  const lastFail = drs.findLastIndex((d) => d[1] !== 0);
  if (lastFail >= 0 && drs.length - lastFail > 20) break;
  if (Date.now() > until) break;
}
rd_kafka_flush(rk, 5000);
console.log('RESULT ' + JSON.stringify({ sent, drs }));`;

/** Produces for `ms` in a synchronous loop, then flushes. */
export const produceFor = (ms: number): string => `const until = Date.now() + ${ms};
while (Date.now() < until) {
  rd_kafka_producev(rk, RD_KAFKA_V_TOPIC('faults'), RD_KAFKA_V_VALUE('x'), RD_KAFKA_V_END);
  rd_kafka_poll(rk, 20);
}
rd_kafka_flush(rk, 2000);`;

/** What a cell printed as `RESULT <json>`, or undefined. */
export function printedResult(text: string): unknown {
  const line = text.split('\n').find((l) => l.startsWith('RESULT '));
  return line === undefined ? undefined : JSON.parse(line.slice('RESULT '.length));
}

/** Every file below `dir`, relative to it. */
export function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p, base) : [p.slice(base.length + 1)];
  });
}

/** The files an issue export writes (besides config/HANDLE.properties). */
export const BUNDLE_FILES = [
  'ISSUE.md',
  'environment.json',
  'notebook.c',
  'outputs.txt',
  'logs.txt',
  'stats.jsonl',
  'events.jsonl',
  'counts.json',
];
