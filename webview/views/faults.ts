// The Faults bar: act on the embedded mock cluster while cells run. Built from what the kernel found in
// the loaded rdkafka_mock.h (the `mock_cluster` event's actions): one button per broker for every action
// that takes only a broker id (down, up, and on newer versions decommission, …), round-trip time, moving a
// partition's leader, pushing request errors for an API, the coordinators, and a form for any other action.
// Each click posts {type:'fault'} to the host, which has the kernel's control thread make the call at once.
import { h, icon, setChildren, setText } from '../dom.ts';
import { formatTime } from '../format.ts';
import type { Store } from '../store.ts';
import type { FaultAction, FaultArg, FaultParam, PanelToHost } from '../types.ts';

type Post = (m: PanelToHost) => void;

/** The verb of a per-broker action: "rd_kafka_mock_broker_set_down" → "down". */
function brokerVerb(a: FaultAction): string {
  return a.fn
    .replace(/^rd_kafka_mock_broker_/, '')
    .replace(/^set_/, '')
    .replace(/_/g, ' ');
}

/** A broker's own action that takes nothing else (set_down, set_up, decommission…), but not adding one. */
const onlyBroker = (a: FaultAction) =>
  /^rd_kafka_mock_broker_/.test(a.fn) &&
  a.params.length === 1 &&
  a.params[0]!.kind === 'broker' &&
  !/_add$/.test(a.fn);

/** A parameter's name as the bar shows it (the C declaration is its tooltip): "ApiKey" → "API". */
export function paramLabel(p: FaultParam): string {
  switch (p.kind) {
    case 'apiKey':
      return 'API';
    case 'error':
    case 'count':
    case 'broker':
    case 'partition':
    case 'topic':
      return p.kind;
    case 'coordinatorType':
      return 'type';
    case 'ms':
      return `${p.name.replace(/_?ms$/, '').replace(/_/g, ' ') || 'time'} (ms)`;
    default:
      return p.name.replace(/_/g, ' ');
  }
}

/** A parameter's name and its input, kept on one line (a narrow panel wraps between parameters only). */
const param = (name: string, control: HTMLElement, title?: string) =>
  h(
    'label',
    { class: 'param', ...(title ? { title } : {}) },
    h('span', { class: 'param-name' }, name),
    control,
  );

export class FaultsBar {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'faults-body' });
  private readonly status = h('p', {
    class: 'faults-status',
    'data-testid': 'fault-status',
    'aria-live': 'polite',
  });
  private readonly summaryEl = h('span', { class: 'faults-title' }, 'Faults');
  /** Topics seen so far, offered by every topic input. */
  private readonly topicList = h('datalist', { id: 'fault-topics' });
  private topicsKnown = 0;
  private builtFor: unknown = null;
  private seq = 0;
  private readonly pending = new Map<string, string>();

  constructor(
    private readonly store: Store,
    private readonly post: Post,
  ) {
    const details = h(
      'details',
      { class: 'faults', open: true, 'data-testid': 'faults' },
      h('summary', {}, icon('zap'), ' ', this.summaryEl),
      this.body,
      this.status,
      this.topicList,
    );
    this.el = details;
    this.el.hidden = true;
  }

  /** A fault request's answer from the host. */
  result(id: string, ok: boolean, message: string): void {
    const what = this.pending.get(id);
    this.pending.delete(id);
    this.status.className = `faults-status ${ok ? 'ok' : 'failed'}`;
    setText(this.status, `${formatTime(Date.now())} ${ok ? '✓' : '✗'} ${what ? `${what}: ` : ''}${message}`);
  }

  render(): void {
    const s = this.store;
    const interactive = s.kernel?.interactive === true;
    const onMock = s.kernel?.bootstrap === 'mock' || s.mock !== null;
    this.el.hidden = !interactive || !onMock;
    if (this.el.hidden) return;
    if (!s.mock) {
      if (this.builtFor !== 'waiting') {
        this.builtFor = 'waiting';
        setText(this.summaryEl, 'Faults');
        setChildren(this.body, [
          h(
            'p',
            { class: 'muted', 'data-testid': 'faults-waiting' },
            'The embedded mock cluster starts when a cell first uses BOOTSTRAP (or MOCK_CLUSTER); its faults appear here then.',
          ),
        ]);
      }
      return;
    }
    if (this.topicsKnown !== s.topics.size) {
      this.topicsKnown = s.topics.size;
      setChildren(
        this.topicList,
        [...s.topics.keys()].map((t) => h('option', { value: t })),
      );
      // A topic input still empty takes the first topic seen.
      for (const i of this.body.querySelectorAll<HTMLInputElement>('input[list="fault-topics"]'))
        if (!i.value) i.value = s.topics.keys().next().value ?? '';
    }
    if (this.builtFor === s.mock) return;
    this.builtFor = s.mock;
    this.build();
  }

  private send(fn: string, args: FaultArg[], what: string): void {
    const id = `f${++this.seq}`;
    this.pending.set(id, what);
    this.status.className = 'faults-status';
    setText(this.status, `${what}…`);
    this.post({ type: 'fault', id, fn, args });
  }

  private build(): void {
    const m = this.store.mock!;
    const byFn = new Map(m.actions.map((a) => [a.fn, a]));
    setText(
      this.summaryEl,
      `Faults on the mock cluster (${m.brokers.length} brokers, ${m.actions.length} actions)`,
    );
    const rows: HTMLElement[] = [];

    // Per broker: every broker-only action as a button, and the round-trip time.
    const perBroker = m.actions.filter(onlyBroker);
    const rtt = byFn.get('rd_kafka_mock_broker_set_rtt');
    const brokerRows = m.brokers.map((b) => {
      const rttInput = h('input', {
        type: 'number',
        min: 0,
        step: 10,
        value: 500,
        class: 'num-input',
        'aria-label': `Round-trip time of broker ${b} in ms`,
        'data-testid': `fault-broker-${b}-rtt-ms`,
      });
      return h(
        'div',
        { class: 'fault-row broker-row', 'data-broker': b },
        h('span', { class: 'fault-label' }, `broker ${b}`),
        h(
          'div',
          { class: 'fault-controls' },
          ...perBroker.map((a) =>
            h(
              'button',
              {
                class: 'tool',
                'data-testid': `fault-broker-${b}-${brokerVerb(a).replace(/ /g, '-')}`,
                title: `${a.fn}(MOCK_CLUSTER, ${b})${a.doc ? `: ${a.doc}` : ''}`,
                onclick: () => this.send(a.fn, [b], `broker ${b} ${brokerVerb(a)}`),
              },
              brokerVerb(a),
            ),
          ),
          rtt
            ? h(
                'span',
                { class: 'fault-group' },
                param('rtt (ms)', rttInput, `${rtt.fn}(MOCK_CLUSTER, ${b}, rtt_ms)`),
                h(
                  'button',
                  {
                    class: 'tool',
                    'data-testid': `fault-broker-${b}-rtt`,
                    title: `${rtt.fn}(MOCK_CLUSTER, ${b}, ms)`,
                    onclick: () =>
                      this.send(
                        rtt.fn,
                        [b, Number(rttInput.value) || 0],
                        `broker ${b} rtt ${rttInput.value} ms`,
                      ),
                  },
                  'set rtt',
                ),
              )
            : null,
        ),
      );
    });
    if (brokerRows.length) rows.push(h('div', { class: 'broker-rows' }, ...brokerRows));

    const leader = byFn.get('rd_kafka_mock_partition_set_leader');
    if (leader) rows.push(this.form(leader, 'move leader', 'fault-leader', 'Leader'));
    const push = byFn.get('rd_kafka_mock_push_request_errors');
    if (push) rows.push(this.form(push, 'push', 'fault-push', 'Request errors'));
    const coord = byFn.get('rd_kafka_mock_coordinator_set');
    if (coord) rows.push(this.form(coord, 'set', 'fault-coordinator', 'Coordinator'));

    // Everything else the header offers.
    const shown = new Set([...perBroker, rtt, leader, push, coord].filter(Boolean).map((a) => a!.fn));
    const others = m.actions.filter((a) => !shown.has(a.fn));
    if (others.length) rows.push(this.more(others));
    setChildren(this.body, rows);
  }

  /** An input for one parameter, by what it is. */
  private input(p: FaultParam, testid: string): HTMLInputElement | HTMLSelectElement {
    const m = this.store.mock!;
    const label = {
      'aria-label': p.name,
      title: `${p.cType} ${p.name}`,
      'data-testid': `${testid}-${p.name}`,
    };
    const options = (list: [string, string | number][], pick?: string | number) => {
      const sel = h('select', label);
      for (const [text, value] of list) sel.append(h('option', { value }, text));
      if (pick !== undefined) sel.value = String(pick);
      return sel;
    };
    switch (p.kind) {
      case 'broker':
        return options(m.brokers.map((b) => [String(b), b]));
      case 'apiKey':
        return options(
          m.apiKeys.map(([n, k]) => [n, k]),
          0,
        );
      case 'error': {
        const errs = m.errors.filter(([, c]) => c > 0).concat(m.errors.filter(([, c]) => c <= 0));
        const dflt = m.errors.find(([n]) => /^NOT_LEADER/.test(n))?.[1] ?? errs[0]?.[1];
        return options(
          errs.map(([n, c]) => [`${n} (${c})`, c]),
          dflt,
        );
      }
      case 'coordinatorType':
        return options([
          ['group', 'group'],
          ['transaction', 'transaction'],
        ]);
      case 'topic':
        return h('input', {
          ...label,
          type: 'text',
          list: 'fault-topics',
          placeholder: 'topic',
          size: 12,
          value: this.store.topics.keys().next().value ?? '',
        });
      case 'bool':
        return h('input', { ...label, type: 'checkbox' });
      case 'string':
        return h('input', { ...label, type: 'text', placeholder: p.name, size: 10 });
      default:
        return h('input', {
          ...label,
          type: 'number',
          class: 'num-input',
          value: p.kind === 'count' ? 1 : p.kind === 'ms' ? 100 : 0,
          min: p.kind === 'int' ? undefined : 0,
        });
    }
  }

  private static value(p: FaultParam, el: HTMLInputElement | HTMLSelectElement): FaultArg {
    if (p.kind === 'bool') return (el as HTMLInputElement).checked;
    if (p.kind === 'topic' || p.kind === 'string' || p.kind === 'coordinatorType') return el.value;
    return Number(el.value) || 0;
  }

  /** A row with an input per parameter and one button (`title` '': inside another row, no label). */
  private form(a: FaultAction, verb: string, testid: string, title: string): HTMLElement {
    const inputs = a.params.map((p) => [p, this.input(p, testid)] as const);
    const controls = h(
      'div',
      { class: 'fault-controls' },
      ...inputs.map(([p, el]) => param(paramLabel(p), el, `${p.cType} ${p.name}`)),
      h(
        'button',
        {
          class: 'tool',
          'data-testid': testid,
          title: a.fn,
          onclick: () => {
            const args = inputs.map(([p, el]) => FaultsBar.value(p, el));
            this.send(a.fn, args, `${a.label}(${args.join(', ')})`);
          },
        },
        verb,
      ),
    );
    if (!title) return controls;
    return h(
      'div',
      { class: 'fault-row', 'data-fn': a.fn },
      h('span', { class: 'fault-label', title: a.doc ?? a.fn }, title),
      controls,
    );
  }

  /** Any other action: pick it, its inputs appear. */
  private more(actions: FaultAction[]): HTMLElement {
    const pick = h('select', {
      'aria-label': 'Other mock cluster action',
      'data-testid': 'fault-more-action',
    });
    for (const a of actions) pick.append(h('option', { value: a.fn }, a.label));
    const slot = h('span', { class: 'fault-group' });
    const fill = () => {
      const a = actions.find((x) => x.fn === pick.value)!;
      pick.title = a.doc ?? a.fn;
      setChildren(slot, [this.form(a, 'call', 'fault-more', '')]);
    };
    pick.addEventListener('change', fill);
    fill();
    return h(
      'div',
      { class: 'fault-row more-row' },
      h('span', { class: 'fault-label' }, 'More'),
      h('div', { class: 'fault-controls' }, pick, slot),
    );
  }
}
