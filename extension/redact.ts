// Cluster configuration as it may be shown to a user or written to a log: secrets replaced. Which
// properties are secret is said once, in protocol/index.ts (the tracer's C applies the same list).
import {
  LIBRDKAFKA_SENSITIVE_PROPERTIES,
  REDACTED_VALUE,
  SECRET_PROPERTY_PATTERN,
} from '../protocol/index.ts';

const SECRET_KEY = new RegExp(SECRET_PROPERTY_PATTERN, 'i');
/** Sensitive to librdkafka beyond the pattern: left out of what is exported for an issue too. */
const LIBRDKAFKA_SENSITIVE = new Set(LIBRDKAFKA_SENSITIVE_PROPERTIES);

export const REDACTED = REDACTED_VALUE;

/** Whether a configuration property holds a secret (its value is never shown or logged). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Secret, or sensitive to librdkafka: what an export (a handle's configuration, an issue) leaves out. */
export function isSensitiveProperty(key: string): boolean {
  return isSecretKey(key) || LIBRDKAFKA_SENSITIVE.has(key);
}

export function redactConfig(config: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config ?? {})) out[k] = isSecretKey(k) ? REDACTED : v;
  return out;
}

/** `text` with every secret value of `config` replaced, for messages that might quote a value back. */
export function redactText(text: string, config: Record<string, string> | undefined): string {
  let out = text;
  for (const [k, v] of Object.entries(config ?? {}))
    if (isSecretKey(k) && v.length >= 3) out = out.split(v).join(REDACTED);
  return out;
}
