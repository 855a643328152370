// Everything the panel knows, updated in O(1) per event with no DOM work: the views read it on the next frame.
// Every event type the protocol defines is handled in add()'s switch, which the compiler holds exhaustive.
import { DeliveryStats } from './delivery.ts';
import { placeOnLane, summary } from './kinds.ts';
import { Lanes } from './lanes.ts';
import { RequestStats } from './requests.ts';
import { IndexList, Ring } from './ring.ts';
import { HandleStats } from './stats.ts';
import {
  asKernelEvent,
  type FaultAction,
  type MockClusterData,
  type PanelEvent,
  type PanelKernelInfo,
  type StatsDocs,
} from './types.ts';

/** Events the timeline keeps (older ones are still counted and aggregated, just not listed). */
export const TIMELINE_CAPACITY = 50_000;

export interface HandleInfo {
  name: string;
  kind: string;
  state: 'live' | 'destroyed' | 'seen';
  created: number | null;
  lastSeen: number;
  total: number;
  counts: Map<string, number>;
}

export interface Filter {
  /** Types shown; empty = all. */
  types: Set<string>;
  /** Handle shown; '' = all. */
  handle: string;
  /** Most verbose log level shown (syslog: 0 emerg … 7 debug). */
  maxLevel: number;
  /** Case-insensitive text the event's summary must contain; '' = any. */
  text: string;
}

export function emptyFilter(): Filter {
  return { types: new Set(), handle: '', maxLevel: 7, text: '' };
}

export function matches(e: PanelEvent, f: Filter): boolean {
  if (f.types.size > 0 && !f.types.has(e.type)) return false;
  if (f.handle !== '' && e.handle !== f.handle) return false;
  if (e.type === 'log' && typeof e.data.level === 'number' && e.data.level > f.maxLevel) return false;
  if (f.text !== '') {
    const hay = `${e.type} ${e.handle ?? ''} ${summary(e)}`.toLowerCase();
    if (!hay.includes(f.text.toLowerCase())) return false;
  }
  return true;
}

export function isFiltering(f: Filter): boolean {
  return f.types.size > 0 || f.handle !== '' || f.maxLevel < 7 || f.text !== '';
}

/** Topics seen (delivery reports, consumed messages), for the fault bar's pickers; bounded. */
const TOPICS_KEPT = 200;

export class Store {
  readonly events: Ring<PanelEvent>;
  /** Absolute ring indices of events matching `filter`, oldest first. */
  readonly visible = new IndexList();
  filter: Filter = emptyFilter();

  total = 0;
  readonly byType = new Map<string, number>();
  /** Per type: events the kernel observed but did not send individually (`dropped` events). */
  readonly notSent = new Map<string, number>();
  readonly logLevels = new Map<number, number>();
  readonly handles = new Map<string, HandleInfo>();
  delivery = new DeliveryStats();
  readonly stats = new Map<string, HandleStats>();
  requests = new RequestStats();
  lanes = new Lanes();
  /** The embedded mock cluster's offer (the latest `mock_cluster` event), or null. */
  mock: MockClusterData | null = null;
  readonly faults: Ring<PanelEvent>;
  /** Each handle's configuration (`handle_config`), by handle name. */
  readonly configs = new Map<string, Record<string, string>>();
  readonly topics = new Set<string>();
  /** What the host says about the kernel (null in a standalone report without it). */
  kernel: PanelKernelInfo | null = null;
  /** Statistics field docs from the host, and why there are none when there are none. */
  docs: StatsDocs | null = null;
  docsMissing = '';
  /** Malformed events or messages ignored. */
  rejected = 0;
  /** Bumped on every change: views redraw only when it moved. */
  version = 0;

  constructor(capacity = TIMELINE_CAPACITY) {
    this.events = new Ring<PanelEvent>(capacity);
    this.faults = new Ring<PanelEvent>(200);
  }

  /** Events of `type` received individually. */
  count(type: string): number {
    return this.byType.get(type) ?? 0;
  }

  /** Events of `type` the kernel observed: received individually plus those it only counted under load. */
  observed(type: string): number {
    return this.count(type) + (this.notSent.get(type) ?? 0);
  }

  /** All events the kernel observed (the `dropped` notices themselves are not observations). */
  observedTotal(): number {
    let n = this.total - this.count('dropped');
    for (const v of this.notSent.values()) n += v;
    return n;
  }

  ingest(batch: readonly PanelEvent[]): void {
    for (let i = 0; i < batch.length; i++) this.add(batch[i]!);
    this.visible.dropBelow(this.events.start);
    if (batch.length) this.version++;
  }

  /** The action of the mock cluster's offer that calls `fn`. */
  action(fn: string): FaultAction | undefined {
    return this.mock?.actions.find((a) => a.fn === fn);
  }

  errorName(code: number): string {
    return this.mock?.errors.find(([, c]) => c === code)?.[0] ?? `error ${code}`;
  }

  private add(e: PanelEvent): void {
    this.total++;
    this.byType.set(e.type, (this.byType.get(e.type) ?? 0) + 1);
    const idx = this.events.push(e);
    if (matches(e, this.filter)) this.visible.push(idx);
    if (e.handle !== null) this.touchHandle(e);
    placeOnLane(e, this.lanes.add);

    const k = asKernelEvent(e);
    switch (k.type) {
      case 'dr':
        this.delivery.add(e);
        this.topic(k.data.topic);
        break;
      case 'consume':
        this.topic(k.data.topic);
        break;
      case 'stats':
        if (e.handle !== null || typeof k.data.name === 'string') {
          const h = e.handle ?? String(k.data.name);
          let s = this.stats.get(h);
          if (!s) this.stats.set(h, (s = new HandleStats(h)));
          s.add(e.time, k.data);
        }
        break;
      case 'log': {
        const lv = typeof k.data.level === 'number' ? k.data.level : 7;
        this.logLevels.set(lv, (this.logLevels.get(lv) ?? 0) + 1);
        break;
      }
      case 'dropped': {
        const c = k.data.counts;
        if (c && typeof c === 'object')
          for (const [t, v] of Object.entries(c))
            if (typeof v === 'number') this.notSent.set(t, (this.notSent.get(t) ?? 0) + v);
        if (c && typeof c === 'object' && typeof c.dr === 'number') this.delivery.addCounted(e.time, c.dr);
        break;
      }
      case 'request':
        if (typeof k.data.apiKey === 'number')
          this.requests.add(
            e.time,
            String(k.data.api ?? k.data.apiKey),
            k.data.apiKey,
            Number(k.data.broker),
          );
        break;
      case 'fault':
        this.faults.push(e);
        if (!k.data.refused && (k.data.err === undefined || k.data.err === 0))
          this.requests.fault(e.time, this.action(k.data.fn), k.data.args ?? [], (c) => this.errorName(c));
        break;
      case 'mock_cluster':
        if (Array.isArray(k.data.actions)) this.mock = k.data;
        break;
      case 'requests_cleared':
        if (typeof k.data.windowUs === 'number')
          this.requests.cleared(k.data.windowUs, k.data.quiet === true);
        break;
      case 'handle_config':
        if (k.data.config && typeof k.data.config === 'object')
          this.configs.set(String(k.data.name ?? e.handle), k.data.config);
        break;
      case 'handle_created':
      case 'handle_destroyed':
      case 'error':
      case 'rebalance':
      case 'offset_commit':
      case 'throttle':
      case 'oauthbearer_token_refresh':
      case 'background_event':
      case 'event':
      case 'callback':
        break; // listed, counted and on their lanes; no aggregate of their own
      default: {
        // A type this panel does not know (a newer kernel): kept in the list as it is.
        const unknown: never = k;
        void unknown;
      }
    }
  }

  private topic(name: unknown): void {
    if (typeof name === 'string' && name !== '' && this.topics.size < TOPICS_KEPT) this.topics.add(name);
  }

  private touchHandle(e: PanelEvent): void {
    const name = e.handle as string;
    let h = this.handles.get(name);
    if (!h) {
      h = {
        name,
        kind: kindFromName(name),
        state: 'seen',
        created: null,
        lastSeen: e.time,
        total: 0,
        counts: new Map(),
      };
      this.handles.set(name, h);
    }
    h.total++;
    h.lastSeen = e.time;
    h.counts.set(e.type, (h.counts.get(e.type) ?? 0) + 1);
    if (e.type === 'handle_created') {
      h.state = 'live';
      h.created = e.time;
      if (typeof e.data.kind === 'string') h.kind = e.data.kind;
    } else if (e.type === 'handle_destroyed') h.state = 'destroyed';
    else if (e.type === 'stats' && typeof e.data.type === 'string') h.kind = e.data.type;
  }

  setFilter(f: Filter): void {
    this.filter = f;
    this.visible.clear();
    for (let i = this.events.start; i < this.events.end; i++)
      if (matches(this.events.at(i)!, f)) this.visible.push(i);
    this.version++;
  }

  setKernel(info: PanelKernelInfo): void {
    this.kernel = info;
    this.version++;
  }

  setDocs(docs: StatsDocs | null, missing = ''): void {
    this.docs = docs;
    this.docsMissing = missing;
    this.version++;
  }

  clear(): void {
    this.events.clear();
    this.visible.clear();
    this.total = 0;
    this.byType.clear();
    this.notSent.clear();
    this.logLevels.clear();
    this.handles.clear();
    this.stats.clear();
    this.rejected = 0;
    this.delivery = new DeliveryStats();
    this.requests = new RequestStats();
    this.lanes = new Lanes();
    this.mock = null;
    this.faults.clear();
    this.configs.clear();
    this.topics.clear();
    this.version++;
  }
}

/** rd_kafka_name() is "rdkafka#producer-1": its kind until a handle_created or stats says otherwise. */
function kindFromName(name: string): string {
  const m = /#(producer|consumer)-\d+$/.exec(name);
  return m ? m[1]! : '';
}
