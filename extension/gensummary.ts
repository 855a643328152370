// What a generation reports, as lines for the log channel; and where rdkafka.h is when nobody said.
// No vscode here: plain data in, plain data out.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The part of the generator's report the summary shows (report.json; fields may be missing). */
export interface GenReport {
  version?: string;
  header?: string;
  library?: string | null;
  counts?: Record<string, number>;
  missing?: string[];
  deprecated?: string[];
  layout?: { checked?: number; mismatches?: unknown[]; ok?: boolean; skipped?: string };
  warnings?: string[];
  [other: string]: unknown;
}

export function summaryLines(r: GenReport, ms: number): string[] {
  const lines = [`bindings generated in ${ms} ms: librdkafka ${r.version ?? '?'} from ${r.header ?? '?'}`];
  if (r.library !== undefined) lines.push(`library: ${r.library ?? 'none found (set rdkafka.libraryPath)'}`);
  if (r.counts) lines.push(`counts: ${Object.entries(r.counts).map(([k, v]) => `${v} ${k}`).join(', ')}`);
  const list = (xs: string[] | undefined) => (xs && xs.length ? xs.join(', ') : 'none');
  lines.push(`missing from the library: ${r.missing ? `${r.missing.length} (${list(r.missing)})` : 'not checked'}`);
  lines.push(`deprecated: ${r.deprecated ? `${r.deprecated.length} (${list(r.deprecated)})` : 'none reported'}`);
  if (r.layout) {
    const bad = r.layout.mismatches?.length ?? 0;
    lines.push(
      r.layout.skipped
        ? `layout check: skipped (${r.layout.skipped})`
        : `layout check: ${r.layout.checked ?? '?'} structs checked against the C compiler, ${bad} mismatch${bad === 1 ? '' : 'es'}${bad ? `: ${JSON.stringify(r.layout.mismatches)}` : ''}`,
    );
  }
  for (const w of r.warnings ?? []) lines.push(`warning: ${w}`);
  return lines;
}

const CANDIDATES = ['/usr/include/librdkafka/rdkafka.h', '/usr/local/include/librdkafka/rdkafka.h', '/opt/homebrew/include/librdkafka/rdkafka.h'];

/** rdkafka.h from pkg-config, else the usual places; undefined when there is none. */
export async function discoverHeader(): Promise<string | undefined> {
  const fromPkgConfig = await new Promise<string | undefined>((resolve) => {
    execFile('pkg-config', ['--variable=includedir', 'rdkafka'], { timeout: 5000 }, (err, stdout) => {
      const dir = stdout?.trim();
      resolve(!err && dir ? join(dir, 'librdkafka', 'rdkafka.h') : undefined);
    });
  });
  return [fromPkgConfig, ...CANDIDATES].find((p): p is string => !!p && existsSync(p));
}
