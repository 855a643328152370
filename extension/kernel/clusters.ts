// Which cluster a bootstrap address names, and which stored credentials may go to it. Credentials are
// stored per cluster (the bootstrap address they were stored for) and go only to a kernel whose bootstrap
// names brokers of that cluster and nothing else. Pure: no vscode, so the rules are tested on their own.

/** Credentials (librdkafka properties) per cluster key. */
export type CredentialStore = Record<string, Record<string, string>>;

/**
 * One broker address the way librdkafka reads it (`[proto://]host[:port]`), normalised: no protocol prefix,
 * lower case, port 9092 when none is given.
 */
export function brokerKey(address: string): string {
  const a = address
    .trim()
    .replace(/^[a-z][\w+.-]*:\/\//i, '')
    .toLowerCase();
  if (a.startsWith('[')) return a.includes(']:') ? a : `${a}:9092`;
  const colons = a.split(':').length - 1;
  return colons === 1 ? a : colons === 0 ? `${a}:9092` : `[${a}]:9092`; // a bare IPv6 address
}

/** The brokers a bootstrap list names, normalised, without repeats, sorted. */
export function brokersOf(bootstrap: string): string[] {
  return [
    ...new Set(
      bootstrap
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean)
        .map(brokerKey),
    ),
  ].sort();
}

/** The key a cluster is stored and approved under: its brokers, normalised, comma-separated. */
export function clusterKey(bootstrap: string): string {
  return brokersOf(bootstrap).join(',');
}

/** Whether every broker `wanted` names is one of the cluster `stored` names (so nothing goes elsewhere). */
export function covers(stored: string, wanted: string): boolean {
  const known = new Set(brokersOf(stored));
  const asked = brokersOf(wanted);
  return asked.length > 0 && asked.every((b) => known.has(b));
}

/** The credentials stored for the cluster `bootstrap` names, if any (never those of another cluster). */
export function credentialsFor(
  store: CredentialStore,
  bootstrap: string,
): { cluster: string; config: Record<string, string> } | undefined {
  const exact = store[clusterKey(bootstrap)];
  if (exact) return { cluster: clusterKey(bootstrap), config: exact };
  for (const [cluster, config] of Object.entries(store))
    if (covers(cluster, bootstrap)) return { cluster, config };
  return undefined;
}

/** The stored text of the credential store; anything unreadable is an empty store. */
export function parseStore(raw: string | undefined): CredentialStore {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
    const out: CredentialStore = {};
    for (const [k, c] of Object.entries(v as Record<string, unknown>))
      if (typeof c === 'object' && c !== null && !Array.isArray(c))
        out[k] = Object.fromEntries(
          Object.entries(c as Record<string, unknown>).filter(
            (e): e is [string, string] => typeof e[1] === 'string',
          ),
        );
    return out;
  } catch {
    return {};
  }
}

/** Where a kernel's bootstrap came from: only the user's own settings are approved without asking. */
export type BootstrapSource = 'user settings' | 'workspace settings' | 'notebook metadata' | 'default';

/**
 * Whether connecting to `bootstrap` needs the user's approval first: a real cluster named by something
 * that travels with the workspace (its settings, the notebook), that the user has neither approved nor
 * stored credentials for.
 */
export function needsApproval(
  bootstrap: string,
  source: BootstrapSource,
  approved: readonly string[],
  store: CredentialStore,
): boolean {
  if (bootstrap === 'mock' || source === 'user settings' || source === 'default') return false;
  if (approved.some((a) => covers(a, bootstrap))) return false;
  return credentialsFor(store, bootstrap) === undefined;
}
