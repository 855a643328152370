// The notebook as one C-like listing for an issue: the code cells (TypeScript calling librdkafka's C API
// by its C names, so they read as C) in order, each headed by its position, markdown cells as comments.
// Pure.
import type { CellData } from '../notebook/format.ts';

export function notebookAsC(cells: readonly CellData[], title: string): string {
  const out: string[] = [
    `/* ${title}: the notebook's cells in order (TypeScript calling librdkafka's C API by its C names;`,
    ` * BOOTSTRAP is the bootstrap servers, MOCK_CLUSTER the embedded mock cluster). */`,
  ];
  cells.forEach((c, i) => {
    out.push('');
    if (c.kind === 'markdown') {
      out.push(`/* cell ${i + 1} (markdown)`);
      for (const line of c.source.split('\n')) out.push(` * ${line.replace(/\*\//g, '* /')}`.trimEnd());
      out.push(' */');
    } else {
      out.push(`/* ---- cell ${i + 1} ---- */`);
      out.push(c.source.replace(/\s+$/, ''));
    }
  });
  return out.join('\n') + '\n';
}
