// librdkafka's STATISTICS.md turned into field docs (meaning, type, unit, sentinel values) for the events
// panel. Pure: text in, StatsDocs out. Sections are keyed by their heading in lower case ("top-level",
// "brokers", "window stats", "brokers.toppars", "topics", "partitions", "cgrp", "eos"); the panel follows
// the "See **x** below" references between them (webview/statsdocs.ts).
import type { StatsDocs, StatsFieldDoc } from '../../protocol/index.ts';

/** Logical offsets of rdkafka.h (RD_KAFKA_OFFSET_*), from the model of the header in use. */
export type OffsetConstants = Record<string, number>;

const OFFSET_MEANING: Record<string, string> = {
  RD_KAFKA_OFFSET_INVALID: 'invalid or unknown offset (RD_KAFKA_OFFSET_INVALID): none yet',
  RD_KAFKA_OFFSET_END: 'logical offset END (RD_KAFKA_OFFSET_END)',
  RD_KAFKA_OFFSET_BEGINNING: 'logical offset BEGINNING (RD_KAFKA_OFFSET_BEGINNING)',
  RD_KAFKA_OFFSET_STORED: 'logical offset STORED (RD_KAFKA_OFFSET_STORED)',
};

function unitOf(section: string, field: string, type: string, text: string): string | undefined {
  if (type === 'string' || type === 'bool' || type === 'object') return undefined;
  if (/microseconds/i.test(text)) return 'µs';
  if (/milliseconds/i.test(text)) return 'ms';
  if (/seconds since the epoch/i.test(text)) return 's';
  // "All fields that contain sizes are in bytes unless otherwise noted."
  if (/bytes|size/i.test(field) || /\bbytes\b/i.test(text)) return 'bytes';
  if (section === 'window stats') return undefined; // the unit of the window's owner (see the panel)
  if (/^consumer_lag/.test(field)) return 'messages';
  if (/_offset$/.test(field) || /\boffset\b/i.test(text)) return 'offset';
  if (/\bmessages?\b/i.test(text)) return 'messages';
  if (/\brequests?\b/i.test(text)) return 'requests';
  return 'count';
}

function sentinelsOf(field: string, text: string, offsets: OffsetConstants): StatsFieldDoc['sentinels'] {
  const out: { value: number; meaning: string }[] = [];
  const minusOne =
    /\(-1 for ([^)]+)\)/i.exec(text) ?? /or -1 if ([^).]+)/i.exec(text) ?? /-1 if ([^).]+)/i.exec(text);
  if (minusOne) out.push({ value: -1, meaning: minusOne[1]!.trim() });
  else if (/\(or -1\)/.test(text)) out.push({ value: -1, meaning: 'none assigned' });
  if (/_offset$/.test(field)) {
    for (const [name, value] of Object.entries(offsets))
      if (OFFSET_MEANING[name] && !out.some((s) => s.value === value))
        out.push({ value, meaning: OFFSET_MEANING[name]! });
  }
  if (/^consumer_lag/.test(field) && !out.some((s) => s.value === -1))
    out.push({ value: -1, meaning: 'unknown: no committed/stored offset or watermark yet' });
  return out.length ? out : undefined;
}

const cell = (s: string): string => s.trim().replace(/^`|`$/g, '');

/** Parses STATISTICS.md; `source` says where it came from (shown in the panel). */
export function parseStatisticsMd(
  text: string,
  source: string,
  opts: { approximate?: boolean; offsets?: OffsetConstants } = {},
): StatsDocs {
  const sections: Record<string, StatsFieldDoc[]> = {};
  let section: string | null = null;
  let inTable = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const heading = /^##\s+(.+?)\s*$/.exec(line);
    if (heading) {
      section = heading[1]!.toLowerCase();
      inTable = false;
      continue;
    }
    if (/^#\s/.test(line)) {
      section = null; // "# Example output": no more tables
      continue;
    }
    if (!section) continue;
    if (/^\s*-+\s*\|/.test(line)) {
      inTable = true; // the |----|----| separator under a table's header
      continue;
    }
    if (!inTable) continue;
    if (!line.includes('|')) {
      inTable = false;
      continue;
    }
    const cols = line.split('|');
    if (cols.length < 4) continue;
    const field = cell(cols[0]!);
    const type = cell(cols[1]!);
    const example = cell(cols[2]!);
    const description = cols.slice(3).join('|').trim().replace(/·$/, '').trim();
    if (!/^[\w.]+$/.test(field)) continue;
    const doc: StatsFieldDoc = { field, type, description };
    const unit = unitOf(section, field, type, description);
    if (unit) doc.unit = unit;
    if (example) doc.example = example;
    const sentinels = sentinelsOf(field, description, opts.offsets ?? {});
    if (sentinels) doc.sentinels = sentinels;
    (sections[section] ??= []).push(doc);
  }
  return { source, approximate: opts.approximate ?? false, sections };
}
