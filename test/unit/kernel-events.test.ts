// The kernel's event stream (extension/kernel/events.ts) under load: a handle's creation and destruction are
// always sent in detail, whatever the budget and the pending buffer, so no view shows a destroyed handle as live.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventStream } from '../../extension/kernel/events.ts';
import type { KernelEvent } from '../../protocol/index.ts';

test('handle_created and handle_destroyed are sent in detail with the budget spent and the pending buffer full', () => {
  const batches: KernelEvent[][] = [];
  const s = new EventStream({
    enabled: true,
    send: (b) => batches.push(b),
    detailPerWindow: 2,
    maxPending: 10,
    windowMs: 1000,
    now: () => 0,
  });
  for (let i = 0; i < 20; i++)
    s.publish('handle_created', `rdkafka#producer-${i}`, { kind: 'producer', name: `rdkafka#producer-${i}` });
  for (let i = 0; i < 1000; i++)
    s.publish('dr', 'p', { topic: 't', partition: 0, offset: i, err: 0, len: 1 });
  for (let i = 0; i < 20; i++)
    s.publish('handle_destroyed', `rdkafka#producer-${i}`, { name: `rdkafka#producer-${i}` });
  s.flush();
  const all = batches.flat();
  assert.equal(all.filter((e) => e.type === 'handle_created').length, 20);
  assert.equal(all.filter((e) => e.type === 'handle_destroyed').length, 20);
  assert.equal(s.totals.get('dr'), 1000, 'the rest is still counted exactly');
});

test('with a handoff, events another thread sends while nothing waits are numbered in order and counted once', () => {
  const sent: KernelEvent[] = [];
  const adopted: KernelEvent[] = [];
  const s = new EventStream({
    enabled: true,
    send: (b) => sent.push(...b),
    adopted: (b) => adopted.push(...b),
  });
  // The other thread's side: it may send only while parked, numbering from the stream's last number.
  const other = { parked: false, seq: 0 };
  const fault = (fn: string): KernelEvent => {
    assert.ok(other.parked, 'the other thread sends only while the stream has nothing waiting');
    const e = {
      seq: ++other.seq,
      time: Date.now(),
      handle: null,
      cell: 2,
      type: 'fault',
      data: { source: 'panel', fn, args: [1], call: '', c: '' },
    } as KernelEvent;
    sent.push(e);
    return e;
  };
  s.setHandoff({
    park: (seq) => Object.assign(other, { parked: true, seq }),
    unpark: () => ((other.parked = false), other.seq),
  });
  const down = fault('rd_kafka_mock_broker_set_down');
  s.publish('log', null, { level: 6, facility: 'X', message: 'after the fault' });
  assert.equal(other.parked, false, 'an event waiting here takes the numbering back');
  s.flush();
  const up = fault('rd_kafka_mock_broker_set_up');
  s.adopt([down]);
  s.adopt([up]);
  s.publish('log', null, { level: 6, facility: 'X', message: 'last' });
  s.flush();
  assert.deepEqual(
    sent.map((e) => [e.seq, e.type]),
    [
      [1, 'fault'],
      [2, 'log'],
      [3, 'fault'],
      [4, 'log'],
    ],
  );
  assert.equal(s.totals.get('fault'), 2, 'each fault counted once');
  assert.equal(s.totals.get('log'), 2);
  assert.deepEqual(adopted, [down, up]);
});
