// Cluster configuration as it may be shown to a user or written to a log: secrets replaced.

const SECRET_KEY = /(password|secret|token|private|credential|\.key$|^ssl\.key|jaas)/i;

export function redactConfig(config: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config ?? {})) out[k] = SECRET_KEY.test(k) ? '••••••' : v;
  return out;
}

/** `text` with every secret value of `config` replaced, for messages that might quote a value back. */
export function redactText(text: string, config: Record<string, string> | undefined): string {
  let out = text;
  for (const [k, v] of Object.entries(config ?? {}))
    if (SECRET_KEY.test(k) && v.length >= 3) out = out.split(v).join('••••••');
  return out;
}
