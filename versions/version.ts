// librdkafka version names: read from RD_KAFKA_VERSION in rdkafka.h (never guessed from a file name), spelt
// as the generator spells them so that a folder name, a manifest and a kernel's ready message agree.
import { versionString } from '../gen/build.ts';

/** The version rdkafka.h declares, or null when the text defines no RD_KAFKA_VERSION. */
export function headerVersion(headerText: string): { version: string; versionInt: number } | null {
  const m = /^\s*#\s*define\s+RD_KAFKA_VERSION\s+\(?\s*(0x[0-9a-fA-F]+|\d+)\s*\)?/m.exec(headerText);
  if (!m) return null;
  const n = BigInt(m[1]!);
  return { version: versionString(n), versionInt: Number(n) };
}

/** Orders 2.0.2 < 2.12.0 < 2.15.1 < 2.16.0-pre1 < 2.16.0 (numbers compared as numbers). */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [main = '', pre] = v.split('-', 2);
    return { nums: main.split('.').map((x) => Number(x) || 0), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < Math.max(x.nums.length, y.nums.length); i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d) return d;
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre.localeCompare(y.pre, 'en', { numeric: true });
}
