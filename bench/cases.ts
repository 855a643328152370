// What `npm run bench` measures: groups of comparable implementations and the targets.
// Every implementation runs in its own process and answers with one JSON line (see proc.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runJson } from './proc.ts';
import type { Target } from './stats.ts';

export interface Context {
  root: string;
  bootstrap: string;
  clusterKind: 'mock' | 'real';
  /** librdkafka.so the C programs link against; every FFI case loads the same file. */
  library: string;
  /** Folder of the compiled C reference programs (per librdkafka version). */
  cBuild: string;
  /** With --librdkafka: the version, and its bindings for the kernel. */
  version?: string;
  bindingsDir?: string;
  /** Extra NAME=VALUE client properties (real clusters: credentials). */
  props: string[];
  count: number;
  size: number;
  produceTopic: string;
  consumeTopic: string;
  consumePartitions: number;
  quick: boolean;
  /** Installs a peer into the cache on first use (once per run): its program's path, or why there is none. */
  install: (peer: PeerKind) => Promise<string | { skip: string }>;
}

/** Peers the bench installs itself (bench/py/setup.sh, bench/node-rdkafka/setup.sh). */
export type PeerKind = 'confluent-kafka' | 'cffi-cpython' | 'cffi-pypy' | 'node-rdkafka';

/** A throughput and the process's CPU time per message (all its threads), which a busy machine disturbs less. */
export interface Measure {
  value: number;
  cpuUsPerMsg?: number;
}

export interface Impl {
  impl: string;
  note?: (ctx: Context) => string | undefined;
  /** Why this implementation cannot run here, or null. Checked once before the runs. */
  available?: (ctx: Context) => Promise<string | null> | string | null;
  /** Why this implementation does not apply to this run's options (not a failure), or null. */
  inapplicable?: (ctx: Context) => string | null;
  /** Another client the workbench is compared with: the per-machine record holds it to running (record.ts). */
  peer?: boolean;
  /** One measurement in the group's unit, or (with `once`) every run the program made itself. */
  run: (ctx: Context) => Promise<number | number[] | Measure>;
  /** Runs only in the first round: the program repeats and reports its own runs. */
  once?: boolean;
  /** When it differs from the group's. */
  unit?: string;
}

export interface Group {
  /** Short: the table's first column and results.json's `name`. */
  name: string;
  /** What exactly is measured, printed under the table. */
  about?: (ctx: Context) => string;
  unit: string;
  /** The C reference implementation whose median the others are divided by. */
  reference?: string;
  impls: Impl[];
  /** Before the first run (e.g. fill the topic the consumers read). */
  before?: (ctx: Context) => Promise<void>;
}

const build = (ctx: Context, prog: string) => join(ctx.cBuild, prog);
const dist = (ctx: Context, file: string) => join(ctx.root, 'dist/bench', file);
const py = (ctx: Context, file: string) => join(ctx.root, 'bench/py', file);

const measure = (j: Record<string, unknown>): Measure => ({
  value: j.rate as number,
  ...(typeof j.cpuSeconds === 'number' ? { cpuUsPerMsg: (j.cpuSeconds * 1e6) / (j.count as number) } : {}),
});

/** A producer's answer: its rate, once every message got a successful delivery report. */
export function produced(what: string, j: Record<string, unknown>): Measure {
  if (j.delivered !== j.count)
    throw new Error(`${what}: ${j.delivered} of ${j.count} delivered, ${j.failed} failed`);
  return measure(j);
}

export function consumed(what: string, j: Record<string, unknown>): Measure {
  if (j.received !== j.count) throw new Error(`${what}: received ${j.received} of ${j.count}`);
  return measure(j);
}

export const C_PRODUCE = 'C rd_kafka_produce + dr_msg_cb';
export const C_BATCH = 'C rd_kafka_produce_batch + dr_msg_cb';
export const C_CONSUME = 'C rd_kafka_consumer_poll';
export const KERNEL_DR_ON = 'kernel: rd_kafka_produce + JS dr_msg_cb, events on';
export const KERNEL_DR_OFF = 'kernel: rd_kafka_produce + JS dr_msg_cb, events off';
export const KERNEL_FAST_ON = 'kernel fast path: rd_kafka_produce + event API, events on';
export const KERNEL_FAST_OFF = 'kernel fast path: rd_kafka_produce + event API, events off';
export const KERNEL_BATCH_ON =
  'kernel fast path: produceBatch (rd_kafka_produce_batch) + event API, events on';
export const KERNEL_CONSUME = 'kernel: rd_kafka_consumer_poll + fast accessors, events on';
export const KERNEL_CONSUME_BATCH = 'kernel: rd_kafka_consume_batch_queue + fast accessors, events on';
export const KERNEL_CONSUME_BULK =
  'kernel: rd_kafka_consume_batch_queue + rkmsg.batch (one call per batch), events on';
export const KERNEL_COLD = 'kernel cold start (spawn to ready)';
export const KERNEL_ROUNDTRIP = 'trivial cell round trip';
export const GENERATION = 'bindings generation, 2.15.1 header';
export const GENERATION_WARM = 'bindings generation, 2.15.1 header, warm';
export const PANEL_INGEST = 'events panel ingest rate';
export const PANEL_FRAME = 'events panel worst frame';
export const PYPY = 'Python cffi ABI mode, PyPy';
export const NODE_RDKAFKA = 'node-rdkafka 3.6.1';

const cProduce = (mode: 'dr' | 'batch'): Impl => ({
  impl: mode === 'dr' ? C_PRODUCE : C_BATCH,
  run: async (ctx) =>
    produced(
      'C',
      await runJson(build(ctx, 'produce'), [
        ctx.bootstrap,
        ctx.produceTopic,
        String(ctx.count),
        String(ctx.size),
        mode,
        '1',
        ...ctx.props,
      ]),
    ),
});

const koffiProduce = (mode: 'dr' | 'events' | 'batch', impl: string): Impl => ({
  impl,
  run: async (ctx) =>
    produced(
      impl,
      await runJson(process.execPath, [
        dist(ctx, 'koffi.bench.mjs'),
        `produce-${mode}`,
        ctx.library,
        ctx.bootstrap,
        ctx.produceTopic,
        String(ctx.count),
        String(ctx.size),
        ...ctx.props,
      ]),
    ),
});

/** The path a peer's setup printed, once `available` has checked it (a failed install skips the row). */
const installed = async (ctx: Context, kind: PeerKind): Promise<string> => {
  const p = await ctx.install(kind);
  if (typeof p !== 'string') throw new Error(p.skip);
  return p;
};
const whyNot = async (ctx: Context, kind: PeerKind): Promise<string | null> => {
  const p = await ctx.install(kind);
  return typeof p === 'string' ? null : p.skip;
};

const cffi = (kind: 'cffi-cpython' | 'cffi-pypy', impl: string): Impl => ({
  impl,
  peer: true,
  note: () => (kind === 'cffi-pypy' ? 'Debian pypy3, its own cffi' : undefined),
  available: (ctx) => whyNot(ctx, kind),
  run: async (ctx) =>
    produced(
      impl,
      await runJson(await installed(ctx, kind), [
        py(ctx, 'produce_cffi.py'),
        ctx.library,
        ctx.bootstrap,
        ctx.produceTopic,
        String(ctx.count),
        String(ctx.size),
        ...ctx.props,
      ]),
    ),
});

/** kafkajs moves ~10x fewer messages a second: it gets a fifth of the volume to keep the run short. */
const kafkajsCount = (ctx: Context) => Math.max(10_000, Math.round(ctx.count / 5));

export const produceGroup: Group = {
  name: 'produce',
  about: (ctx) =>
    `${ctx.count.toLocaleString('en-US')} x ${ctx.size} B messages to 1 partition, acks=1, linger.ms=5, timed from the first produce call to the last delivery report (every one counted, none failed)`,
  unit: 'msgs/s',
  reference: C_PRODUCE,
  impls: [
    cProduce('dr'),
    cProduce('batch'),
    koffiProduce('dr', 'koffi direct: rd_kafka_produce + JS dr_msg_cb'),
    koffiProduce('events', 'koffi direct: rd_kafka_produce + event API'),
    koffiProduce('batch', 'koffi direct: rd_kafka_produce_batch + event API'),
    cffi('cffi-cpython', 'Python cffi ABI mode, CPython'),
    cffi('cffi-pypy', PYPY),
    {
      impl: 'confluent-kafka-python 2.16.1',
      peer: true,
      note: () => 'its own librdkafka 2.16.0',
      available: (ctx) => whyNot(ctx, 'confluent-kafka'),
      run: async (ctx) =>
        produced(
          'confluent-kafka',
          await runJson(await installed(ctx, 'confluent-kafka'), [
            py(ctx, 'produce_confluent.py'),
            ctx.bootstrap,
            ctx.produceTopic,
            String(ctx.count),
            String(ctx.size),
            ...ctx.props,
          ]),
        ),
    },
    {
      impl: 'kafkajs 2.2.4',
      peer: true,
      note: (ctx) => `${kafkajsCount(ctx).toLocaleString('en-US')} messages, 1000 a send, 8 sends in flight`,
      inapplicable: (ctx) =>
        ctx.props.length ? 'extra client properties cannot be passed to kafkajs' : null,
      run: async (ctx) =>
        produced(
          'kafkajs',
          await runJson(process.execPath, [
            dist(ctx, 'kafkajs.bench.mjs'),
            ctx.bootstrap,
            ctx.produceTopic,
            String(kafkajsCount(ctx)),
            String(ctx.size),
          ]),
        ),
    },
    {
      impl: NODE_RDKAFKA,
      peer: true,
      note: () => 'its own librdkafka 2.12.0, built once per machine into the cache',
      available: (ctx) => whyNot(ctx, 'node-rdkafka'),
      run: async (ctx) =>
        produced(
          'node-rdkafka',
          await runJson(process.execPath, [
            dist(ctx, 'node-rdkafka.bench.mjs'),
            await installed(ctx, 'node-rdkafka'),
            ctx.bootstrap,
            ctx.produceTopic,
            String(ctx.count),
            String(ctx.size),
            ...ctx.props,
          ]),
        ),
    },
  ],
};

export const consumeGroup: Group = {
  name: 'consume',
  about: (ctx) =>
    `the same volume read back from ${ctx.consumePartitions} partitions (the mock keeps 5 MiB per partition: 16 would keep only 70% of 1M x 100 B), assigned from the beginning; ` +
    'timed once the local queue holds every message (the mock serves only ~0.3-0.5 M msgs/s, which would hide the client), reading err, len, partition and offset of each',
  unit: 'msgs/s',
  reference: C_CONSUME,
  before: async (ctx) => {
    // Fill the topic once with the C batch producer, spread over every partition.
    produced(
      'fill',
      await runJson(join(ctx.root, 'bench/c/build/produce'), [
        ctx.bootstrap,
        ctx.consumeTopic,
        String(ctx.count),
        String(ctx.size),
        'batch',
        String(ctx.consumePartitions),
        ...ctx.props,
      ]),
    );
  },
  impls: [
    {
      impl: C_CONSUME,
      run: async (ctx) =>
        consumed(
          'C',
          await runJson(build(ctx, 'consume'), [
            ctx.bootstrap,
            ctx.consumeTopic,
            String(ctx.consumePartitions),
            String(ctx.count),
            ...ctx.props,
          ]),
        ),
    },
    {
      impl: 'koffi direct: rd_kafka_consumer_poll + koffi.decode.int32/int64',
      run: async (ctx) =>
        consumed(
          'koffi',
          await runJson(process.execPath, [
            dist(ctx, 'koffi.bench.mjs'),
            'consume',
            ctx.library,
            ctx.bootstrap,
            ctx.consumeTopic,
            String(ctx.count),
            String(ctx.consumePartitions),
            ...ctx.props,
          ]),
        ),
    },
  ],
};

const OVERHEADS = 'start-up and overheads';

/** `impl` at least `value` times `vs` (default: the group's C reference), as the issue words it. */
const minRatio = (name: string, impl: string, value: number, text: string, vs?: string): Target => ({
  name,
  impl,
  text,
  kind: 'min-ratio',
  value,
  ...(vs ? { vs } : {}),
});
/** A start-up or overhead figure that must stay under `value`. */
const maxValue = (impl: string, value: number, text: string, of?: Target['of']): Target => ({
  name: OVERHEADS,
  impl,
  text,
  kind: 'max-value',
  value,
  ...(of ? { of } : {}),
});

const produce = produceGroup.name;
const consume = consumeGroup.name;
export const targets: Target[] = [
  minRatio(produce, KERNEL_DR_ON, 0.75, '≥ 0.75x C'),
  minRatio(produce, KERNEL_DR_ON, 1.0, '> PyPy + cffi', PYPY),
  minRatio(produce, KERNEL_DR_ON, 0.95, '≥ 0.95x of events off', KERNEL_DR_OFF),
  minRatio(produce, KERNEL_FAST_ON, 0.95, '≥ 0.95x C'),
  minRatio(produce, KERNEL_FAST_ON, 0.95, '≥ 0.95x of events off', KERNEL_FAST_OFF),
  minRatio(produce, KERNEL_FAST_ON, 1.0, '> PyPy + cffi', PYPY),
  // produceBatch is the fast path docs/kernel.md documents: judged against C's per-message path and PyPy too.
  minRatio(produce, KERNEL_BATCH_ON, 0.95, '≥ 0.95x C'),
  minRatio(produce, KERNEL_BATCH_ON, 1.0, '> PyPy + cffi', PYPY),
  minRatio(produce, KERNEL_BATCH_ON, 1.0, '≥ 1.0x C batch', C_BATCH),
  minRatio(consume, KERNEL_CONSUME, 0.8, '≥ 0.8x C'),
  minRatio(consume, KERNEL_CONSUME_BATCH, 0.8, '≥ 0.8x C'),
  minRatio(consume, KERNEL_CONSUME_BULK, 0.8, '≥ 0.8x C'),
  maxValue(KERNEL_COLD, 300, '< 300 ms'),
  maxValue(KERNEL_ROUNDTRIP, 10, '< 10 ms'),
  maxValue(GENERATION, 1500, '< 1.5 s'),
  maxValue(PANEL_FRAME, 50, 'no frame over 50 ms while ingesting', 'worst'),
];

/** Benches owned by other rooms, run when their bundle exists. */
export function otherBench(ctx: Context, file: string): string | null {
  const p = dist(ctx, file);
  return existsSync(p) ? p : null;
}
