// A plain data table, rebuilt from rows (views throttle how often).
import { h } from '../dom.ts';

export function table(
  headers: string[],
  rows: (string | number | Node)[][],
  opts: { testid?: string; empty?: string; numeric?: boolean[] } = {},
): HTMLElement {
  if (rows.length === 0)
    return h('p', { class: 'muted', 'data-testid': opts.testid }, opts.empty ?? 'none yet');
  return h(
    'table',
    { class: 'data', 'data-testid': opts.testid },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...headers.map((t, i) => h('th', { scope: 'col', class: opts.numeric?.[i] ? 'num' : '' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          {},
          ...r.map((c, i) =>
            h('td', { class: opts.numeric?.[i] ? 'num' : '' }, c instanceof Node ? c : String(c)),
          ),
        ),
      ),
    ),
  );
}
