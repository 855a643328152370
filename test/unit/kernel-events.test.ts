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
