// The tracer's output → KernelEvents. The tracer (gen/tracer/runtime.c) appends one JSON object per line:
// events `{"time","pid","handle","type","data"}` in protocol/index.ts' vocabulary, and its own lines
// `{"trace":"start"|"end",…}` for each process that called librdkafka. Several processes may append to one
// file (a shell script running kcat twice): lines are whole, in each process's order. Pure: bytes in,
// events out; whoever reads the file decides when.
import { EVENT_TYPES, type KernelEvent, type KernelEventType } from '../protocol/index.ts';

export interface TracedProcess {
  pid: number;
  ppid: number | null;
  /** The executable (/proc/self/exe). */
  program: string | null;
  /** The librdkafka the program loaded, and its version (rd_kafka_version_str). */
  library: string | null;
  version: string | null;
  /** The version of the header the tracer was generated from. */
  header: string | null;
  started: number;
  ended?: { how: 'exit' | 'signal'; signal: number; time: number };
}

type RawEvent = Omit<KernelEvent, 'seq' | 'cell'>;

export type TraceLine =
  | { kind: 'start'; process: TracedProcess }
  | { kind: 'end'; pid: number; how: 'exit' | 'signal'; signal: number; time: number }
  /** Something the tracer could not do (a callback it let through unobserved). */
  | { kind: 'warning'; pid: number; message: string }
  | { kind: 'event'; pid: number; event: RawEvent }
  | { kind: 'bad'; reason: string };

const TYPES = new Set<string>(EVENT_TYPES);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** One line of the tracer's output. */
export function parseTraceLine(line: string): TraceLine {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { kind: 'bad', reason: 'not JSON (a line cut short by a crash?)' };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { kind: 'bad', reason: 'not an object' };
  const o = v as Record<string, unknown>;
  const pid = num(o.pid);
  if (pid === null) return { kind: 'bad', reason: 'no pid' };
  if (o.trace === 'start')
    return {
      kind: 'start',
      process: {
        pid,
        ppid: num(o.ppid),
        program: str(o.program),
        library: str(o.library),
        version: str(o.version),
        header: str(o.header),
        started: num(o.time) ?? Date.now(),
      },
    };
  if (o.trace === 'end')
    return {
      kind: 'end',
      pid,
      how: o.how === 'signal' ? 'signal' : 'exit',
      signal: num(o.signal) ?? 0,
      time: num(o.time) ?? Date.now(),
    };
  if (o.trace === 'warning') return { kind: 'warning', pid, message: str(o.message) ?? 'unknown' };
  const type = str(o.type);
  if (!type || !TYPES.has(type)) return { kind: 'bad', reason: `unknown event type ${String(o.type)}` };
  if (typeof o.data !== 'object' || o.data === null || Array.isArray(o.data))
    return { kind: 'bad', reason: 'event without data' };
  const handle = o.handle === null || typeof o.handle === 'string' ? o.handle : null;
  return {
    kind: 'event',
    pid,
    event: {
      time: num(o.time) ?? Date.now(),
      handle,
      type: type as KernelEventType,
      data: o.data,
    } as RawEvent,
  };
}

export interface ReaderOptions {
  /** The cell stamped on every event (a C cell's position), default null. */
  cell?: number | null;
  /**
   * The handle name events carry. Default: librdkafka's name; for processes after the first one, the name
   * with " (pid N)" so that two processes' "rdkafka#producer-1" stay apart in the panel.
   */
  handleName?: (name: string, pid: number, firstPid: number) => string;
}

const defaultHandleName = (name: string, pid: number, firstPid: number) =>
  pid === firstPid ? name : `${name} (pid ${pid})`;

/** Adds a batch of events to per-type counts (a `dropped` event adds the counts it carries). */
export function addCounts(counts: Record<string, number>, events: readonly KernelEvent[]): void {
  for (const e of events) {
    if (e.type === 'dropped')
      for (const [t, n] of Object.entries(e.data.counts)) counts[t] = (counts[t] ?? 0) + n;
    else counts[e.type] = (counts[e.type] ?? 0) + 1;
  }
}

export class TraceReader {
  readonly processes = new Map<number, TracedProcess>();
  /** Lines that were not the tracer's (cut short by a crash, or not JSON). */
  malformed = 0;
  /** What the tracer said it could not do, once each. */
  readonly warnings: string[] = [];
  private seq = 0;
  private rest = '';
  private firstPid: number | null = null;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly handleName: NonNullable<ReaderOptions['handleName']>;

  constructor(
    private readonly onEvents: (events: KernelEvent[]) => void,
    private readonly opts: ReaderOptions = {},
  ) {
    this.handleName = opts.handleName ?? defaultHandleName;
  }

  /** Whether any process called librdkafka through the tracer. */
  get librdkafkaCalled(): boolean {
    return this.processes.size > 0;
  }

  /** Bytes read from the trace file, in order. */
  push(chunk: Uint8Array): void {
    const text = this.rest + this.decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    this.lines(lines);
  }

  /** The file ended: a last line without its newline still counts if it is whole. */
  end(): void {
    const last = this.rest + this.decoder.decode();
    this.rest = '';
    if (last.trim()) this.lines([last]);
  }

  private lines(lines: string[]): void {
    const out: KernelEvent[] = [];
    for (const line of lines) {
      if (!line.trim()) continue;
      const l = parseTraceLine(line);
      switch (l.kind) {
        case 'bad':
          this.malformed++;
          break;
        case 'start':
          if (this.firstPid === null) this.firstPid = l.process.pid;
          this.processes.set(l.process.pid, l.process);
          break;
        case 'warning':
          if (!this.warnings.includes(l.message)) this.warnings.push(l.message);
          break;
        case 'end': {
          const p = this.processes.get(l.pid);
          if (p) p.ended = { how: l.how, signal: l.signal, time: l.time };
          break;
        }
        case 'event': {
          if (this.firstPid === null) this.firstPid = l.pid;
          const e = l.event;
          const handle = e.handle === null ? null : this.handleName(e.handle, l.pid, this.firstPid);
          // The handle's own events name it too: the same name as their `handle`.
          const named =
            e.type === 'handle_created' || e.type === 'handle_destroyed' || e.type === 'handle_config';
          const data = named && handle !== null ? { ...e.data, name: handle } : e.data;
          // What the handle runs on, from its process's start line (rd_kafka_version_str).
          const version = this.processes.get(l.pid)?.version;
          if (e.type === 'handle_created' && version) (data as { librdkafka?: string }).librdkafka = version;
          out.push({ ...e, data, seq: ++this.seq, handle, cell: this.opts.cell ?? null } as KernelEvent);
          break;
        }
      }
    }
    if (out.length) this.onEvents(out);
  }
}
