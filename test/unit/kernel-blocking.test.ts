// "Which call hangs?": what a cell printed, and the events of its handles, reach the client before a native
// call that blocks starts — so they are there when the client gives up and kills the kernel.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { KernelClient } from '../../extension/kernel/client.ts';
import type { CellOutput, KernelEvent } from '../../protocol/index.ts';
import { repoRoot as root } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

const clients: KernelClient[] = [];
after(async () => {
  for (const k of clients) await k.kill('test over');
});

/** Resolves when `probe` holds, checked on each of `on`'s notifications. */
function until(on: (notify: () => void) => void, probe: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    on(() => {
      if (probe()) resolve();
    });
  });
}

/**
 * Runs `source` in a fresh kernel until `arrived(text, events)` holds for what reached the client, then kills
 * the kernel; says whether the cell had ended by then.
 */
async function whileBlocked(
  source: string,
  arrived: (text: string, events: KernelEvent[]) => boolean,
): Promise<{ endedFirst: boolean; status: string; text: string; events: KernelEvent[] }> {
  const k = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  clients.push(k);
  const events: KernelEvent[] = [];
  const outputs: CellOutput[] = [];
  let notify = () => {};
  k.onEvents((batch) => {
    events.push(...batch);
    notify();
  });
  const text = () => outputs.map((o) => (o.kind === 'stream' ? o.text : '')).join('');
  const there = until(
    (n) => (notify = n),
    () => arrived(text(), events),
  );
  let ended = false;
  const run = k
    .execute(1, source, (o) => {
      outputs.push(o);
      notify();
    })
    .then((r) => {
      ended = true;
      return r;
    });
  await there;
  const endedFirst = ended;
  await k.kill('the test is done waiting');
  return { endedFirst, status: (await run).status, text: text(), events };
}

test(
  'text printed and delivery reports observed before rd_kafka_poll(rk, 60000) reach the client while the call blocks',
  { timeout: 60_000 },
  async () => {
    const r = await whileBlocked(
      `const e = errbuf();
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, "bootstrap.servers", BOOTSTRAP, e, e.length);
rd_kafka_conf_set_dr_msg_cb(conf, () => {});
const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
for (let i = 0; i < 10; i++)
  rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("blocking"), RD_KAFKA_V_VALUE("m" + i), RD_KAFKA_V_END);
rd_kafka_flush(rk, 10000);
for (let i = 0; i < 100; i++) console.log("line", i);
rd_kafka_poll(rk, 60000);`,
      (text, events) => text.includes('line 99\n') && events.filter((e) => e.type === 'dr').length === 10,
    );
    assert.equal(r.endedFirst, false, 'the cell is still inside rd_kafka_poll');
    assert.equal(r.status, 'error');
    assert.match(r.text, /^line 0\n(line \d+\n)*line 99\n$/);
    assert.equal(r.events.filter((e) => e.type === 'dr' && e.data.err === 0).length, 10);
  },
);

test(
  'the lines a cell printed right before crashing in native code (a bogus pointer) all reach the client',
  { timeout: 60_000 },
  async () => {
    const k = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
    clients.push(k);
    const outputs: CellOutput[] = [];
    const r = await k.execute(
      1,
      'console.log("a");\nconsole.log("b");\nconsole.error("c");\nrd_kafka_name(8n);',
      (o) => outputs.push(o),
    );
    assert.equal(r.status, 'error');
    const text = outputs.map((o) => (o.kind === 'stream' ? o.text : '')).join('');
    assert.equal(text, 'a\nb\nc\n');
    assert.match(JSON.stringify(outputs.at(-1)), /kernel died \(SIGSEGV\) while running cell 1/);
  },
);

test(
  'a delivery report served a moment after the last flush still reaches the client before the next blocking call',
  { timeout: 60_000 },
  async () => {
    const drs = (events: KernelEvent[]) => events.filter((e) => e.type === 'dr').length;
    const r = await whileBlocked(
      `const e = errbuf();
function producer() {
  const conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", BOOTSTRAP, e, e.length);
  rd_kafka_conf_set(conf, "linger.ms", "0", e, e.length);
  rd_kafka_conf_set_dr_msg_cb(conf, () => {});
  const rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);
  rd_kafka_producev(rk, RD_KAFKA_V_TOPIC("moment"), RD_KAFKA_V_VALUE("m"), RD_KAFKA_V_END);
  return rk;
}
const p1 = producer(), p2 = producer();
// Without polling, so that both reports wait to be served (the mock cluster answers within milliseconds).
const until = Date.now() + 300;
while (Date.now() < until) {}
// One report served by each poll, the second a fraction of a millisecond after the first was sent.
rd_kafka_poll(p1, 1000);
rd_kafka_poll(p2, 1000);
console.log("blocking now");
rd_kafka_poll(p1, 60000);`,
      (text, events) => drs(events) === 2 && text.includes('blocking now'),
    );
    assert.equal(drs(r.events), 2);
  },
);

test(
  'text printed and the assignment observed before an rd_kafka_consumer_close that hangs (a rebalance_cb that never unassigns) reach the client while it blocks',
  { timeout: 60_000 },
  async () => {
    // Past the first few writes, text is batched: only the flush before the blocking call sends line 99.
    const r = await whileBlocked(
      `const e = errbuf();
rd_kafka_mock_topic_create(MOCK_CLUSTER, "close-hang", 1, 1);
const conf = rd_kafka_conf_new();
rd_kafka_conf_set(conf, "bootstrap.servers", BOOTSTRAP, e, e.length);
rd_kafka_conf_set(conf, "group.id", "close-hang", e, e.length);
let assigned = false;
rd_kafka_conf_set_rebalance_cb(conf, (rk, err, parts) => {
  if (err === RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) { rd_kafka_assign(rk, parts); assigned = true; }
  // A revoke is never answered with rd_kafka_assign(rk, NULL): rd_kafka_consumer_close waits for it.
});
const c = rd_kafka_new(RD_KAFKA_CONSUMER, conf, e, e.length);
rd_kafka_poll_set_consumer(c);
const topics = rd_kafka_topic_partition_list_new(1);
rd_kafka_topic_partition_list_add(topics, "close-hang", RD_KAFKA_PARTITION_UA);
rd_kafka_subscribe(c, topics);
while (!assigned) { const m = rd_kafka_consumer_poll(c, 100); if (m) rd_kafka_message_destroy(m); }
for (let i = 0; i < 100; i++) console.log("closing", i);
rd_kafka_consumer_close(c);
console.log("closed");`,
      (text, events) =>
        text.includes('closing 99\n') &&
        events.some((e) => e.type === 'rebalance' && e.data.kind === 'assign'),
    );
    assert.equal(r.endedFirst, false, 'the cell is still inside rd_kafka_consumer_close');
    assert.equal(r.status, 'error');
    assert.match(r.text, /^closing 0\n(closing \d+\n)*closing 99\n$/);
  },
);
