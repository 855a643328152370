// The per-message C paths with fewer and cheaper koffi crossings, same C calls (docs/bench.md has the
// profile this answers). A ~90-line C helper, compiled once per machine (native.ts), does three things:
//
// - rd_kafka_consumer_poll through one call that also copies the message's err, partition, offset, len,
//   key_len and rkt into a small native struct the kernel reads through a typed-array view: the cell's
//   rkmsg.err/partition/offset/len/keyLen(m) of that message, and the kernel's own observation, read the
//   copy instead of crossing into C once per field (the consumer path made six crossings a message, now two).
// - dr_msg_cb: librdkafka calls a C function (one of SLOTS, one per registration) that copies the same
//   fields and then calls the kernel's JS trampoline with no arguments, so koffi converts nothing; the
//   trampoline passes the cell's callback the same (rk, rkmessage, opaque) and rkmsg reads of rkmessage
//   inside it read the copy. It still runs once per message, inside rd_kafka_poll/rd_kafka_flush, with
//   librdkafka's own valid rkmessage. Called on another thread (a forwarded queue) it calls the ordinary
//   koffi-registered trampoline instead, as before.
// - rd_kafka_produce with a NULL key and NULL msg_opaque through a 5-argument helper that makes exactly that
//   call: koffi reads more than six arguments in two passes and converts each null pointer in three tries.
//
// The copy belongs to one message, the last one a hot path saw (`cur`): another message, or this one once
// rd_kafka_message_destroy or its callback has returned, is read from memory again. It is a copy, so a cell
// that writes a field of that message through koffi.encode reads the old value with rkmsg until the next
// message (librdkafka itself never changes a message it has handed out).
// Without a compiler, with RDKAFKA_WORKBENCH_NO_NATIVE=1, or where koffi.view is forbidden (Electron), the
// kernel keeps its plain koffi paths: same results, more crossings.
import { compileHelper, nativeDir } from './native.ts';

type Koffi = typeof import('koffi');
type Fn = (...args: any[]) => any;

/** Registrations of dr_msg_cb served by the helper at once; beyond, plain koffi callbacks. */
export const SLOTS = 64;

const SOURCE = String.raw`#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
/* p: message, rk, opaque, rkt; d: offset, len, key_len; i: err, partition. Read by the kernel through a view. */
static struct { uint64_t p[4]; double d[4]; int32_t i[4]; } st;
static int32_t o_err, o_rkt, o_partition, o_offset, o_len, o_key_len;
static pthread_t js_thread;
typedef void *(*poll_fn)(void *, int);
typedef int (*produce_fn)(void *, int32_t, int, void *, size_t, const void *, size_t, void *);
static poll_fn k_poll;
static produce_fn k_produce;
int wb_hot_init(const char *library, const int32_t *offs) {
  void *h = dlopen(library, RTLD_NOW | RTLD_NOLOAD);
  if (!h) return -1;
  k_poll = (poll_fn)dlsym(h, "rd_kafka_consumer_poll");
  k_produce = (produce_fn)dlsym(h, "rd_kafka_produce");
  if (!k_poll || !k_produce) return -2;
  o_err = offs[0]; o_rkt = offs[1]; o_partition = offs[2]; o_offset = offs[3]; o_len = offs[4]; o_key_len = offs[5];
  js_thread = pthread_self();
  return 0;
}
void *wb_hot_state(void) { return &st; }
int wb_hot_state_size(void) { return (int)sizeof st; }
static void fill(void *rk, const char *m, void *opaque) {
  int32_t e, p; int64_t o; uint64_t l, k; void *t;
  memcpy(&e, m + o_err, 4); memcpy(&p, m + o_partition, 4); memcpy(&o, m + o_offset, 8);
  memcpy(&l, m + o_len, 8); memcpy(&k, m + o_key_len, 8); memcpy(&t, m + o_rkt, sizeof t);
  st.p[0] = (uintptr_t)m; st.p[1] = (uintptr_t)rk; st.p[2] = (uintptr_t)opaque; st.p[3] = (uintptr_t)t;
  st.d[0] = (double)o; st.d[1] = (double)l; st.d[2] = (double)k;
  st.i[0] = e; st.i[1] = p;
}
void *wb_consumer_poll(void *rk, int timeout_ms) {
  void *m = k_poll(rk, timeout_ms);
  if (m) fill(rk, (const char *)m, 0); else st.p[0] = 0;
  return m;
}
int wb_produce(void *rkt, int32_t partition, int msgflags, void *payload, size_t len) {
  return k_produce(rkt, partition, msgflags, payload, len, 0, 0, 0);
}
typedef void (*fast_fn)(void);
typedef void (*full_fn)(void *, const void *, void *);
static struct { fast_fn fast; full_fn full; } slot[${SLOTS}];
static void dr(int k, void *rk, const void *m, void *opaque) {
  if (slot[k].fast && pthread_equal(pthread_self(), js_thread)) { fill(rk, (const char *)m, opaque); slot[k].fast(); }
  else if (slot[k].full) slot[k].full(rk, m, opaque);
}
#define DR(k) static void dr_##k(void *rk, const void *m, void *o) { dr(k, rk, m, o); }
#define DR8(k) DR(k##0) DR(k##1) DR(k##2) DR(k##3) DR(k##4) DR(k##5) DR(k##6) DR(k##7)
DR8(0) DR8(1) DR8(2) DR8(3) DR8(4) DR8(5) DR8(6) DR8(7)
#define P(k) (void *)dr_##k,
#define P8(k) P(k##0) P(k##1) P(k##2) P(k##3) P(k##4) P(k##5) P(k##6) P(k##7)
static void *const slots[${SLOTS}] = { P8(0) P8(1) P8(2) P8(3) P8(4) P8(5) P8(6) P8(7) };
/* Points slot k at the kernel's two trampolines and returns the C function librdkafka should call. */
void *wb_dr_slot(int k, void *fast, void *full) {
  if (k < 0 || k >= ${SLOTS}) return 0;
  slot[k].fast = (fast_fn)fast; slot[k].full = (full_fn)full;
  return slots[k];
}
`;

export interface MessageOffsets {
  err: number;
  rkt: number;
  partition: number;
  offset: number;
  len: number;
  key_len: number;
}

/** The fields of one message, copied by the helper: what rkmsg reads instead of crossing into C. */
export interface MessageCopy {
  /** The message whose fields the copy holds, or null (none: read from memory). */
  cur: bigint | null;
  /** err, partition of `cur`. */
  i32: Int32Array;
  /** offset, len, key_len of `cur`. */
  f64: Float64Array;
}

/** An empty copy, to be filled by loadHotPath once a hot path is used (until then `cur` stays null). */
export const newMessageCopy = (): MessageCopy => ({
  cur: null,
  i32: new Int32Array(4),
  f64: new Float64Array(4),
});

export interface HotPath {
  readonly copy: MessageCopy;
  /** message, rk, opaque, rkt of `copy.cur` (reading creates a BigInt: use sparingly). */
  readonly u64: BigUint64Array;
  /** rd_kafka_consumer_poll(rk, timeout) that also fills the copy. */
  consumerPoll: (rk: unknown, timeoutMs: unknown) => bigint | null;
  /** rd_kafka_produce(rkt, partition, msgflags, payload, len, NULL, 0, NULL). */
  produce: (rkt: unknown, partition: unknown, msgflags: unknown, payload: unknown, len: unknown) => number;
  /**
   * A dr_msg_cb for librdkafka that calls `call(rk, rkmessage, opaque)` once per report: from the helper with
   * the copy filled, or (on another thread) through `full`, a koffi-registered trampoline of the C type.
   * Returns the C function to give librdkafka and a release() for when no handle can call it any more;
   * null when every slot is taken.
   */
  drCallback: (call: Fn, full: bigint) => { pointer: bigint; release: () => void } | null;
}

let loads = 0; // koffi type names are per process: one prototype name per load

/** Loads (compiling once per machine) the helper; the reason it is not used otherwise. */
export function loadHotPath(
  koffi: Koffi,
  library: string,
  offsets: MessageOffsets,
  copy: MessageCopy,
  dir: () => string = nativeDir,
): HotPath | { why: string } {
  if (process.env.RDKAFKA_WORKBENCH_NO_NATIVE) return { why: 'RDKAFKA_WORKBENCH_NO_NATIVE is set' };
  const built = compileHelper('hotpath', SOURCE, dir());
  if ('why' in built) return built;
  let lib: ReturnType<Koffi['load']>;
  let view: ArrayBuffer;
  try {
    lib = koffi.load(built.path);
    const init = lib.func('int wb_hot_init(const char *library, const int32_t *offs)') as Fn;
    const o = offsets;
    const rc = init(
      library,
      new Int32Array([o.err, o.rkt, o.partition, o.offset, o.len, o.key_len]),
    ) as number;
    if (rc !== 0) return { why: `the helper could not find librdkafka's functions in ${library} (${rc})` };
    const state = (lib.func('void *wb_hot_state(void)') as Fn)() as bigint;
    const size = (lib.func('int wb_hot_state_size(void)') as Fn)() as number;
    view = koffi.view(state as never, size) as ArrayBuffer;
  } catch (e) {
    return { why: `the compiled helper did not load (${(e as Error).message})` };
  }
  const poll = lib.func('void *wb_consumer_poll(void *rk, int timeout_ms)') as Fn;
  const produce = lib.func(
    'int wb_produce(void *rkt, int32_t partition, int msgflags, void *payload, size_t len)',
  ) as Fn;
  const slot = lib.func('void *wb_dr_slot(int k, void *fast, void *full)') as Fn;
  const FastProto = koffi.proto(`void wb_dr_fast_${++loads}(void)`);
  const u64 = new BigUint64Array(view, 0, 4);
  const u32 = new Uint32Array(view, 0, 8);
  copy.f64 = new Float64Array(view, 32, 4);
  copy.i32 = new Int32Array(view, 64, 4);
  const free: number[] = Array.from({ length: SLOTS }, (_, k) => SLOTS - 1 - k);

  const hot: HotPath = {
    copy,
    u64,
    consumerPoll(rk, timeoutMs) {
      const m = poll(rk, timeoutMs) as bigint | null;
      copy.cur = m;
      return m;
    },
    produce: (rkt, partition, msgflags, payload, len) =>
      produce(rkt, partition, msgflags, payload, len) as number,
    drCallback(call, full) {
      const k = free.pop();
      if (k === undefined) return null;
      // rk rarely changes from one report to the next: keep its BigInt while its two halves stay the same.
      let rkLo = -1;
      let rkHi = -1;
      let rk: bigint | null = null;
      const fast = koffi.register(() => {
        const m = u64[0]!;
        if (u32[2] !== rkLo || u32[3] !== rkHi) {
          rkLo = u32[2]!;
          rkHi = u32[3]!;
          rk = rkLo || rkHi ? u64[1]! : null;
        }
        const opaque = u32[4] || u32[5] ? u64[2]! : null;
        copy.cur = m;
        try {
          call(rk, m, opaque);
        } finally {
          if (copy.cur === m) copy.cur = null; // librdkafka frees the message when the callback returns
        }
      }, koffi.pointer(FastProto));
      const pointer = slot(k, fast, full) as bigint;
      return {
        pointer,
        release: () => {
          slot(k, null, null);
          koffi.unregister(fast);
          free.push(k);
        },
      };
    },
  };
  return hot;
}
