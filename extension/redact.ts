// Cluster configuration as it may be shown to a user or written to a log: secrets replaced.

const SECRET_KEY = /(password|secret|token|private|credential|\.key$|^ssl\.key|jaas)/i;
/**
 * Properties librdkafka itself treats as sensitive (_RK_SENSITIVE in its rdkafka_conf.c, 2.15.1) beyond
 * the pattern: left out of what is exported for an issue too.
 */
const LIBRDKAFKA_SENSITIVE = new Set(['sasl.username', 'sasl.oauthbearer.config', 'ssl.ca.pem', 'ssl_key']);

export const REDACTED = '••••••';

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
