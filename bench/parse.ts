// Reading figures out of another room's bench output. Preferred: a last line of JSON with `runs` (numbers)
// and/or `median`; otherwise the text's "median … N <unit>" (or the last "N <unit>").
import { lastJson } from './proc.ts';

export function parseBenchOutput(text: string, unit: string): number[] | null {
  const j = lastJson(text);
  if (j) {
    if (Array.isArray(j.runs) && j.runs.length && j.runs.every((x) => typeof x === 'number'))
      return j.runs as number[];
    if (typeof j.median === 'number') return [j.median];
  }
  const u = unit.replace('/', '\\/');
  const num = '([0-9][0-9,]*(?:\\.[0-9]+)?)';
  const scale = unit === 'ms' ? { s: 1000, ms: 1 } : null;
  const med = new RegExp(`median[^0-9\\n]*${num}\\s*(${unit === 'ms' ? 'ms|s\\b' : u})`, 'i').exec(text);
  const toNum = (s: string, suffix: string) =>
    Number(s.replace(/,/g, '')) * (scale && suffix === 's' ? scale.s : 1);
  if (med) return [toNum(med[1]!, med[2]!)];
  const all = [...text.matchAll(new RegExp(`${num}\\s*(${unit === 'ms' ? 'ms' : u})`, 'gi'))];
  const last = all.at(-1);
  return last ? [toNum(last[1]!, last[2]!)] : null;
}

/** bench/panel.bench.ts's per-view lines: "<view> N events in S s (R/s, …) | frames F, max M ms, …". */
export function parsePanelOutput(text: string): { rates: number[]; maxFrames: number[] } | null {
  const rates: number[] = [];
  const maxFrames: number[] = [];
  for (const m of text.matchAll(
    /^\s*\w+\s+\d+ events in [\d.]+ s \((\d+(?:\.\d+)?)\/s[^|]*\|\s*frames \d+, max ([\d.]+) ms/gm,
  )) {
    rates.push(Number(m[1]));
    maxFrames.push(Number(m[2]));
  }
  return rates.length ? { rates, maxFrames } : null;
}

/** bench/gen.bench.ts's "  cold CLI  (…): median N ms" / "  warm API  (…): median N ms" lines. */
export function parseGenLine(text: string, which: 'cold' | 'warm'): number[] | null {
  const m = new RegExp(`^\\s*${which}\\b[^:\\n]*:\\s*median\\s+([\\d.]+)\\s*ms`, 'im').exec(text);
  return m ? [Number(m[1])] : null;
}
