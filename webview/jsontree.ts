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
  /**
   * What a leaf means (statistics field docs): its tooltip, and a note shown beside sentinel values
   * ("-1001: invalid offset"), by the leaf's key path.
   */
  describe?: (keys: readonly string[], value: unknown) => { title: string; sentinel?: string } | null;
  /** A leaf was clicked or selected with the keyboard. */
  onSelect?: (keys: readonly string[], value: unknown) => void;
}

export function jsonTree(
  value: unknown,
  opts: TreeOptions = {},
  label = '',
  path = '',
  keys: readonly string[] = [],
): HTMLElement {
  const max = opts.maxChildren ?? 500;
  if (value !== null && typeof value === 'object') {
    const entries = Array.isArray(value)
      ? value.map((v, i) => [String(i), v] as const)
      : Object.entries(value);
    const changes = opts.changed ? countChanges(opts.changed, path) : 0;
    const isOpen = path === '' || (opts.open?.has(path) ?? false);
    const details = h('details', { class: 'jt-branch', open: isOpen, 'data-path': JSON.stringify(keys) });
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
      for (const [k, v] of entries.slice(0, max))
        box.append(jsonTree(v, opts, k, path ? `${path}.${k}` : k, [...keys, k]));
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
    { class: `jt-leaf${changed ? ' jt-changed' : ''}`, 'data-path': JSON.stringify(keys) },
    label ? h('span', { class: 'jt-key' }, label) : null,
    label ? ': ' : null,
    h(
      'span',
      { class: `jt-${value === null ? 'null' : typeof value}` },
      JSON.stringify(value) ?? String(value),
    ),
  );
  const about = opts.describe?.(keys, value);
  if (about) {
    leaf.title = about.title;
    leaf.classList.add('jt-documented');
    if (about.sentinel) {
      leaf.classList.add('jt-sentinel');
      leaf.append(h('span', { class: 'jt-sentinel-note' }, ` ${about.sentinel}`));
    }
  }
  if (opts.onSelect) {
    const select = opts.onSelect;
    leaf.tabIndex = 0;
    leaf.addEventListener('click', () => select(keys, value));
    leaf.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        select(keys, value);
      }
    });
  }
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
