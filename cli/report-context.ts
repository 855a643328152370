// What a `run --report` page is told besides the events, as the panel host tells a live panel: the kernel
// (librdkafka version, cluster; not interactive) and that version's statistics field docs.
import { statsDocsFor } from '../extension/panel/docs.ts';
import type { ReportMeta } from './report.ts';

export function reportContext(
  bindingsDir: string,
  version: string,
  bootstrap: string | null,
  /** What the page says the source is: a finished run, or a traced program. */
  state = 'finished',
): ReportMeta['context'] {
  const { docs, missing } = statsDocsFor(bindingsDir, version);
  return {
    kernel: { librdkafka: version, bootstrap, state, interactive: false },
    statsDocs: docs,
    ...(missing ? { statsDocsMissing: missing } : {}),
  };
}
