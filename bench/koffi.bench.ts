// librdkafka through koffi directly, no kernel in between: the floor the kernel's numbers are held
// against (kernel overhead = this vs the same code as notebook cells). A few hand-declared prototypes are
// enough here; the workbench itself declares every function from the header.
//   koffi.bench.mjs produce-dr|produce-events|produce-batch LIBRARY BOOTSTRAP TOPIC COUNT SIZE [NAME=VALUE ...]
//   koffi.bench.mjs consume LIBRARY BOOTSTRAP TOPIC COUNT PARTITIONS [NAME=VALUE ...]
// Same loops as bench/c/produce.c and bench/c/consume.c. Prints one JSON line.
import koffi from 'koffi';

const [mode, library, bootstrap, topic, countArg, sizeArg, ...props] = process.argv.slice(2);
if (!mode || !library || !bootstrap || !topic || !countArg || !sizeArg) {
  console.error('usage: koffi.bench.mjs MODE LIBRARY BOOTSTRAP TOPIC COUNT SIZE|PARTITIONS [NAME=VALUE ...]');
  process.exit(2);
}
const count = Number(countArg);
const lib = koffi.load(library);
const DrMsgCb = koffi.proto('void DrMsgCb(void *rk, void *rkmessage, void *opaque)');
const f = {
  conf_new: lib.func('void *rd_kafka_conf_new(void)'),
  conf_set: lib.func(
    'int rd_kafka_conf_set(void *conf, const char *name, const char *value, char *errstr, size_t size)',
  ),
  set_dr_msg_cb: lib.func('void rd_kafka_conf_set_dr_msg_cb(void *conf, DrMsgCb *cb)'),
  set_events: lib.func('void rd_kafka_conf_set_events(void *conf, int events)'),
  kafka_new: lib.func('void *rd_kafka_new(int type, void *conf, char *errstr, size_t size)'),
  topic_new: lib.func('void *rd_kafka_topic_new(void *rk, const char *topic, void *conf)'),
  produce: lib.func(
    'int rd_kafka_produce(void *rkt, int32_t partition, int msgflags, void *payload, size_t len, void *key, size_t keylen, void *opaque)',
  ),
  produce_batch: lib.func(
    'int rd_kafka_produce_batch(void *rkt, int32_t partition, int msgflags, void *msgs, int cnt)',
  ),
  last_error: lib.func('int rd_kafka_last_error(void)'),
  err2str: lib.func('const char *rd_kafka_err2str(int err)'),
  poll: lib.func('int rd_kafka_poll(void *rk, int timeout_ms)'),
  flush: lib.func('int rd_kafka_flush(void *rk, int timeout_ms)'),
  queue_get_main: lib.func('void *rd_kafka_queue_get_main(void *rk)'),
  queue_get_consumer: lib.func('void *rd_kafka_queue_get_consumer(void *rk)'),
  queue_length: lib.func('size_t rd_kafka_queue_length(void *rkqu)'),
  queue_poll: lib.func('void *rd_kafka_queue_poll(void *rkqu, int timeout_ms)'),
  queue_destroy: lib.func('void rd_kafka_queue_destroy(void *rkqu)'),
  event_type: lib.func('int rd_kafka_event_type(void *rkev)'),
  event_message_array: lib.func('size_t rd_kafka_event_message_array(void *rkev, void *msgs, size_t size)'),
  event_destroy: lib.func('void rd_kafka_event_destroy(void *rkev)'),
  poll_set_consumer: lib.func('int rd_kafka_poll_set_consumer(void *rk)'),
  tpl_new: lib.func('void *rd_kafka_topic_partition_list_new(int size)'),
  tpl_add: lib.func(
    'void *rd_kafka_topic_partition_list_add(void *list, const char *topic, int32_t partition)',
  ),
  tpl_destroy: lib.func('void rd_kafka_topic_partition_list_destroy(void *list)'),
  assign: lib.func('int rd_kafka_assign(void *rk, void *list)'),
  consumer_poll: lib.func('void *rd_kafka_consumer_poll(void *rk, int timeout_ms)'),
  message_destroy: lib.func('void rd_kafka_message_destroy(void *m)'),
  consumer_close: lib.func('int rd_kafka_consumer_close(void *rk)'),
  topic_destroy: lib.func('void rd_kafka_topic_destroy(void *rkt)'),
  destroy: lib.func('void rd_kafka_destroy(void *rk)'),
};
const QUEUE_FULL = -184;
const MSG_F_COPY = 0x2;
const EVENT_DR = 0x1;
const OFFSET_BEGINNING = -2n;
// rd_kafka_message_t on LP64 (the generator checks these against the compiler for the workbench itself).
const M = { size: 72, err: 0, partition: 16, payload: 24, len: 32, offset: 56 };
const LEN = BigInt(M.len),
  PARTITION = BigInt(M.partition),
  OFFSET = BigInt(M.offset);
const errstr = Buffer.alloc(512);
const cstr = (b: Buffer) => b.toString('utf8', 0, b.indexOf(0));

function fail(what: string): never {
  console.error(what);
  process.exit(1);
}

function conf(base: Record<string, string>): unknown {
  const c = f.conf_new();
  const all = {
    ...base,
    ...Object.fromEntries(props.map((p) => p.split(/=(.*)/s).slice(0, 2) as [string, string])),
  };
  for (const [k, v] of Object.entries(all))
    if (f.conf_set(c, k, v, errstr, errstr.length) !== 0) fail(`${k}: ${cstr(errstr)}`);
  return c;
}

function produce(): void {
  const size = Number(sizeArg);
  const c = conf({ 'bootstrap.servers': bootstrap!, acks: '1', 'linger.ms': '5' });
  let delivered = 0;
  let failed = 0;
  let cb: ReturnType<typeof koffi.register> | null = null;
  if (mode === 'produce-dr') {
    cb = koffi.register((_rk: unknown, m: bigint) => {
      if (koffi.decode.int32(m)) failed++;
      else delivered++;
    }, koffi.pointer(DrMsgCb));
    f.set_dr_msg_cb(c, cb);
  } else {
    f.set_events(c, EVENT_DR);
  }
  const rk = f.kafka_new(0, c, errstr, errstr.length);
  if (!rk) fail(`rd_kafka_new: ${cstr(errstr)}`);
  const rkt = f.topic_new(rk, topic, null);
  const payload = koffi.alloc('char', size);
  new Uint8Array(koffi.view(payload, size)).fill(120);
  const queue = f.queue_get_main(rk);
  const CAP = 100_000;
  const arr = koffi.alloc('void *', CAP);
  const ptrs = new BigUint64Array(koffi.view(arr, CAP * 8));

  // Event API: one event carries every delivery report of a produce response.
  const serve = (timeoutMs: number) => {
    const ev = f.queue_poll(queue, timeoutMs);
    if (!ev) return;
    if (f.event_type(ev) === EVENT_DR) {
      const n = Number(f.event_message_array(ev, arr, CAP));
      for (let i = 0; i < n; i++) {
        if (koffi.decode.int32(ptrs[i]!)) failed++;
        else delivered++;
      }
    }
    f.event_destroy(ev);
  };
  const wait = mode === 'produce-dr' ? (ms: number) => void f.poll(rk, ms) : serve;

  // Warm-up: one message delivered before the clock starts (connection and metadata not timed).
  f.produce(rkt, 0, MSG_F_COPY, payload, size, null, 0, null);
  while (delivered + failed < 1) wait(100);
  if (failed) fail('warm-up: the first message was not delivered');
  delivered = 0;

  const t0 = performance.now();
  const c0 = process.cpuUsage();
  if (mode === 'produce-batch') {
    const BATCH = 10_000;
    const msgs = koffi.alloc('char', BATCH * M.size);
    const view = new DataView(koffi.view(msgs, BATCH * M.size));
    for (let sent = 0; sent < count;) {
      const n = Math.min(BATCH, count - sent);
      for (let i = 0; i < n; i++) {
        view.setBigUint64(i * M.size + M.payload, payload as bigint, true);
        view.setBigUint64(i * M.size + M.len, BigInt(size), true);
      }
      const done = f.produce_batch(rkt, 0, MSG_F_COPY, msgs, n);
      sent += done;
      if (done < n) serve(1);
    }
  } else {
    for (let i = 0; i < count; i++) {
      while (f.produce(rkt, 0, MSG_F_COPY, payload, size, null, 0, null) === -1) {
        const err = f.last_error();
        if (err !== QUEUE_FULL) fail(`rd_kafka_produce: ${f.err2str(err)}`);
        wait(1);
      }
    }
  }
  if (mode === 'produce-dr') while (delivered + failed < count) f.flush(rk, 100);
  else while (delivered + failed < count) serve(100);
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(c0));
  console.log(JSON.stringify({ count, delivered, failed, seconds, rate: count / seconds, cpuSeconds }));
  f.queue_destroy(queue);
  f.topic_destroy(rkt);
  f.destroy(rk);
  if (cb) koffi.unregister(cb);
  process.exitCode = failed ? 1 : 0;
}

function consume(): void {
  const partitions = Number(sizeArg);
  const c = conf({
    'bootstrap.servers': bootstrap!,
    'group.id': 'rdkafka-workbench-bench',
    'enable.auto.commit': 'false',
    'enable.partition.eof': 'false',
    'queued.min.messages': '10000000',
    'queued.max.messages.kbytes': '1000000',
  });
  const rk = f.kafka_new(1, c, errstr, errstr.length);
  if (!rk) fail(`rd_kafka_new: ${cstr(errstr)}`);
  f.poll_set_consumer(rk);
  const list = f.tpl_new(partitions);
  for (let p = 0; p < partitions; p++)
    koffi.encode((f.tpl_add(list, topic, p) as bigint) + 16n, 'int64_t', OFFSET_BEGINNING);
  const err = f.assign(rk, list);
  if (err) fail(`rd_kafka_assign: ${f.err2str(err)}`);
  f.tpl_destroy(list);

  // Same as the C reference: time the client's work on a filled local queue, not the mock's fetching.
  const queue = f.queue_get_consumer(rk);
  const start = performance.now();
  while (Number(f.queue_length(queue)) < count && performance.now() - start < 60_000)
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
  const fillSeconds = (performance.now() - start) / 1000;
  f.queue_destroy(queue);

  let got = 0;
  let errors = 0;
  let bytes = 0;
  let check = 0;
  let t0 = 0;
  const c0 = process.cpuUsage();
  const deadline = performance.now() + 60_000;
  const { decode } = koffi;
  while (got < count && performance.now() < deadline) {
    const m = f.consumer_poll(rk, 100) as bigint | null;
    if (!m) continue;
    if (decode.int32(m)) errors++;
    else {
      if (!got) t0 = performance.now();
      got++;
      bytes += Number(decode.uint64(m + LEN));
      check += decode.int32(m + PARTITION) + Number(decode.int64(m + OFFSET));
    }
    f.message_destroy(m);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpuSeconds = ((u) => (u.user + u.system) / 1e6)(process.cpuUsage(c0));
  console.log(
    JSON.stringify({
      count,
      received: got,
      errors,
      bytes,
      check,
      seconds,
      rate: got > 1 ? (got - 1) / seconds : 0,
      fillSeconds,
      cpuSeconds,
    }),
  );
  f.consumer_close(rk);
  f.destroy(rk);
  process.exitCode = got === count ? 0 : 1;
}

if (mode === 'consume') consume();
else if (mode.startsWith('produce-')) produce();
else fail(`unknown mode '${mode}'`);
