// A notebook file for a test: code cells from their sources, written where the test says.
import { writeFileSync } from 'node:fs';

/** Writes a `.rdkafka` notebook of these code cells to `path` and returns the path. */
export function writeNotebook(path: string, cells: string[], metadata: Record<string, unknown> = {}): string {
  writeFileSync(
    path,
    JSON.stringify({
      rdkafkaNotebook: 1,
      metadata,
      cells: cells.map((source) => ({ kind: 'code', source })),
    }),
  );
  return path;
}
