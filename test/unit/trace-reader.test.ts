// The tracer's lines → KernelEvents: whole lines whatever the chunking, one numbering, the tracer's own
// lines kept apart, handles of a second process told apart, a line cut short by a crash counted.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KernelEvent } from '../../protocol/index.ts';
import { addCounts, parseTraceLine, TraceReader } from '../../trace/reader.ts';
import { librdkafkaOf } from '../../trace/events-file.ts';

const start = (pid: number) =>
  JSON.stringify({
    trace: 'start',
    pid,
    ppid: 1,
    time: 5,
    program: '/usr/bin/kcat',
    library: '/lib/librdkafka.so.1',
    version: '2.0.2',
    header: '2.0.2',
  });
const dr = (pid: number, offset: number) =>
  JSON.stringify({
    time: 10 + offset,
    pid,
    handle: 'rdkafka#producer-1',
    type: 'dr',
    data: { topic: 't', partition: 0, offset, err: 0, len: 3 },
  });

function read(text: string | Buffer, chunk = 7, opts = {}) {
  const events: KernelEvent[] = [];
  const r = new TraceReader((b) => events.push(...b), opts);
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) r.push(bytes.subarray(i, i + chunk));
  r.end();
  return { r, events };
}

test('lines split across reads become whole events, numbered from 1, time and fields kept', () => {
  const { r, events } = read([start(7), dr(7, 0), dr(7, 1), ''].join('\n'), 5);
  assert.equal(r.librdkafkaCalled, true);
  assert.deepEqual(r.processes.get(7)?.library, '/lib/librdkafka.so.1');
  assert.deepEqual(
    events.map((e) => [e.seq, e.time, e.handle, e.cell, e.type]),
    [
      [1, 10, 'rdkafka#producer-1', null, 'dr'],
      [2, 11, 'rdkafka#producer-1', null, 'dr'],
    ],
  );
  assert.deepEqual(events[1]!.data, { topic: 't', partition: 0, offset: 1, err: 0, len: 3 });
});

test('multi-byte characters split between reads are not mangled', () => {
  const line = JSON.stringify({
    time: 1,
    pid: 1,
    handle: null,
    type: 'log',
    data: { level: 6, facility: 'X', message: 'é – ✓' },
  });
  const { events } = read(line + '\n', 1);
  assert.equal((events[0]!.data as { message: string }).message, 'é – ✓');
});

test("a second process's handles carry its pid; the first keeps librdkafka's names", () => {
  const created = (pid: number) =>
    JSON.stringify({
      time: 1,
      pid,
      handle: 'rdkafka#producer-1',
      type: 'handle_created',
      data: { kind: 'producer', name: 'rdkafka#producer-1' },
    });
  const { events } = read([start(1), created(1), start(2), created(2)].join('\n') + '\n');
  assert.deepEqual(
    events.map((e) => [e.handle, (e.data as { name: string }).name]),
    [
      ['rdkafka#producer-1', 'rdkafka#producer-1'],
      ['rdkafka#producer-1 (pid 2)', 'rdkafka#producer-1 (pid 2)'],
    ],
  );
});

test("a C cell's events carry its cell and the names the cell asks for", () => {
  const { events } = read([start(3), dr(3, 0)].join('\n') + '\n', 100, {
    cell: 4,
    handleName: (n: string) => `${n} (C)`,
  });
  assert.equal(events[0]!.cell, 4);
  assert.equal(events[0]!.handle, 'rdkafka#producer-1 (C)');
});

test('a last line cut short by a crash is counted as unreadable, everything before it kept', () => {
  const { r, events } = read([start(1), dr(1, 0), dr(1, 1).slice(0, 30)].join('\n'));
  assert.equal(events.length, 1);
  assert.equal(r.malformed, 1);
});

test('the end of a process, and counts with the dropped ones added', () => {
  const end = JSON.stringify({ trace: 'end', pid: 1, time: 99, how: 'signal', signal: 11 });
  const dropped = JSON.stringify({
    time: 50,
    pid: 1,
    handle: null,
    type: 'dropped',
    data: { counts: { dr: 998 } },
  });
  const { r, events } = read([start(1), dr(1, 0), dr(1, 1), dropped, end].join('\n') + '\n');
  assert.deepEqual(r.processes.get(1)?.ended, { how: 'signal', signal: 11, time: 99 });
  const counts: Record<string, number> = {};
  addCounts(counts, events);
  assert.deepEqual(counts, { dr: 1000 });
});

test("lines that are not the tracer's are refused with a reason", () => {
  assert.equal(parseTraceLine('{"pid":1,"type":"nope","data":{}}').kind, 'bad');
  assert.equal(parseTraceLine('{"type":"dr","data":{}}').kind, 'bad');
  assert.equal(parseTraceLine('[1,2]').kind, 'bad');
  assert.equal(parseTraceLine('{"pid":1,"type":"dr","data":3}').kind, 'bad');
  assert.equal(parseTraceLine('{"pid":1,"type":"dr","handle":null,"time":1,"data":{}}').kind, 'event');
});

test("the tracer's warnings are kept once each, apart from the events", () => {
  const warning = JSON.stringify({
    trace: 'warning',
    pid: 1,
    message: 'more than 16 different callback functions set with x: y',
  });
  const { r, events } = read([start(1), warning, dr(1, 0), warning].join('\n') + '\n');
  assert.deepEqual(r.warnings, ['more than 16 different callback functions set with x: y']);
  assert.equal(events.length, 1);
});

test("a handle's creation names the librdkafka its process loaded, each process its own", () => {
  const created = (pid: number, name: string) =>
    JSON.stringify({ time: 9, pid, handle: name, type: 'handle_created', data: { kind: 'producer', name } });
  const other = JSON.stringify({ ...JSON.parse(start(8)), version: '2.15.1' });
  const { events } = read(
    [start(7), created(7, 'rdkafka#producer-1'), other, created(8, 'rdkafka#producer-1'), ''].join('\n'),
  );
  const made = events.filter((e) => e.type === 'handle_created');
  assert.deepEqual(
    made.map((e) => [e.handle, e.type === 'handle_created' && e.data.librdkafka]),
    [
      ['rdkafka#producer-1', '2.0.2'],
      ['rdkafka#producer-1 (pid 8)', '2.15.1'],
    ],
  );
  // What a traced program's panel says it runs on: the first handle's library.
  assert.equal(librdkafkaOf(events), '2.0.2');
  assert.equal(librdkafkaOf(events.filter((e) => e.type !== 'handle_created')), null);
});
