// A collapsible JSON tree built from <details>/<summary> (keyboard and screen-reader friendly for free).
// Optionally marks the leaves that changed since a previous value, and the branches that contain them.
import { h } from './dom.ts';

export interface TreeOptions {
  /** Changed leaf paths → previous value (see changedLeaves). */
  changed?: Map<string, unknown>;
  /** Paths of branches currently open; updated as the user toggles. Default: only the root is open. */
  open?: Set<string>;
  /** Cap on children shown per branch (huge arrays). */
  maxChildren?: number;
}

export function jsonTree(value: unknown, opts: TreeOptions = {}, label = '', path = ''): HTMLElement {
  const max = opts.maxChildren ?? 500;
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value);
    const changes = opts.changed ? countChanges(opts.changed, path) : 0;
    const isOpen = path === '' || (opts.open?.has(path) ?? false);
    const details = h('details', { class: 'jt-branch', open: isOpen });
    details.addEventListener('toggle', () => {
      if (!opts.open) return;
      if (details.open) opts.open.add(path);
      else opts.open.delete(path);
    });
    const brief = Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`;
    details.append(
      h(
        'summary',
        {},
        label ? h('span', { class: 'jt-key' }, label) : null,
        h('span', { class: 'jt-brief' }, ` ${brief}`),
        changes
          ? h(
              'span',
              { class: 'jt-changes', title: `${changes} value(s) changed since the previous one` },
              ` ${changes} changed`,
            )
          : null,
      ),
    );
    // Children are built lazily on first open: a 10 KB stats object stays cheap to re-render.
    const fill = () => {
      if (details.dataset.filled) return;
      details.dataset.filled = '1';
      const box = h('div', { class: 'jt-children' });
      for (const [k, v] of entries.slice(0, max)) box.append(jsonTree(v, opts, k, path ? `${path}.${k}` : k));
      if (entries.length > max) box.append(h('div', { class: 'jt-more' }, `… ${entries.length - max} more`));
      details.append(box);
    };
    if (isOpen) fill();
    else details.addEventListener('toggle', fill, { once: true });
    return details;
  }
  const changed = opts.changed?.has(path) ?? false;
  const prev = opts.changed?.get(path);
  const leaf = h(
    'div',
    { class: `jt-leaf${changed ? ' jt-changed' : ''}` },
    label ? h('span', { class: 'jt-key' }, label) : null,
    label ? ': ' : null,
    h(
      'span',
      { class: `jt-${value === null ? 'null' : typeof value}` },
      JSON.stringify(value) ?? String(value),
    ),
  );
  if (changed) {
    const delta = typeof value === 'number' && typeof prev === 'number' ? value - prev : null;
    const note =
      prev === undefined
        ? 'new'
        : delta !== null
          ? `${delta >= 0 ? '+' : ''}${round(delta)}`
          : `was ${JSON.stringify(prev)}`;
    leaf.append(
      h('span', { class: 'jt-delta', title: `previous: ${JSON.stringify(prev) ?? 'absent'}` }, ` ${note}`),
    );
  }
  return leaf;
}

function countChanges(changed: Map<string, unknown>, path: string): number {
  if (path === '') return changed.size;
  let n = 0;
  const prefix = `${path}.`;
  for (const k of changed.keys()) if (k.startsWith(prefix)) n++;
  return n;
}

const round = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(3));
