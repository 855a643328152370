// What an export must never contain: secret values, however a cell set them. They are collected from the
// notebook's own text (a secret property's value written as a literal), from the kernel (values its
// handles' configurations held, see control-room.ts) and from the cluster credentials; every text the
// export writes passes through scrub(). Pure.
import { isSensitiveProperty, REDACTED } from '../redact.ts';

const Q = `(['"\`])`;
const STR = (n: number) => `((?:\\\\.|(?!\\${n}).)*)\\${n}`;
/** "key", "value" as arguments (rd_kafka_conf_set(conf, "sasl.password", "…", …)). */
const ARG_PAIR = new RegExp(`${Q}([\\w.-]+)\\1\\s*,\\s*${Q}${STR(3)}`, 'g');
/** 'key': 'value' in an object literal. */
const PROP_PAIR = new RegExp(`${Q}([\\w.-]+)\\1\\s*:\\s*${Q}${STR(3)}`, 'g');

/** Values of secret properties written as literals in cell source. */
export function secretLiterals(source: string): string[] {
  const out: string[] = [];
  for (const re of [ARG_PAIR, PROP_PAIR])
    for (const m of source.matchAll(re)) if (isSensitiveProperty(m[2]!) && m[4]!.length > 0) out.push(m[4]!);
  return out;
}

/** A scrubber replacing every occurrence of each secret (longest first; very short ones are ignored). */
export function scrubber(secrets: Iterable<string>): (text: string) => string {
  const list = [...new Set([...secrets].filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  if (list.length === 0) return (t) => t;
  return (text) => {
    let out = text;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(REDACTED);
    // The same secret as JSON would write it (quotes and backslashes escaped).
    for (const s of list) {
      const j = JSON.stringify(s).slice(1, -1);
      if (j !== s && out.includes(j)) out = out.split(j).join(REDACTED);
    }
    return out;
  };
}
