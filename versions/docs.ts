// librdkafka's own docs (STATISTICS.md, CONFIGURATION.md) of a version: plain files in the cache, gzipped
// ones where Debian installed them for the system library.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The text of a doc path from ResolvedLibrary.docs (a `.gz` path is decompressed). */
export function readDoc(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}
