// A notebook's `requires` metadata: `"requires": {"librdkafka": ">=2.8.0"}` says which librdkafka versions
// can show what it is about (a mock-cluster function, a protocol); `"cluster": "kafka"` that the mock cluster
// cannot show it at all and a real broker is needed (`"mock"`: the other way round). A run where that does not
// hold is skipped with a reason the user can act on ("needs librdkafka >= 2.8.0, this is 2.0.2"), not failed.
// Pure.
//
// Ranges: comparators separated by spaces, all of which must hold (`>=2.3.0 <2.15`), alternatives separated
// by `||`; a bare version (`2.15.1`) is `=`. Missing parts count as 0 (`>=2.8` is `>=2.8.0`).

export class RequirementError extends Error {
  override name = 'RequirementError';
}

type Version = [number, number, number];
interface Comparator {
  op: '>=' | '>' | '<=' | '<' | '=';
  version: Version;
  text: string;
}

/** The leading `MAJOR.MINOR.PATCH` of a version string ("2.16.0-RC1" → [2, 16, 0]); null if none. */
export function parseVersion(text: string): Version | null {
  const m = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : null;
}

function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function parseRange(range: string): Comparator[][] {
  const alternatives = range.split('||').map((alt) => {
    // ">= 2.8.0" (with a space) is one comparator, as the skip message writes it.
    const parts = alt
      .trim()
      .replace(/(>=|<=|>|<|=)\s+/g, '$1')
      .split(/\s+/)
      .filter(Boolean);
    return parts.map((part): Comparator => {
      const m = /^(>=|<=|>|<|=)?(.*)$/.exec(part)!;
      const version = /^\d+(\.\d+){0,2}$/.test(m[2]!) ? parseVersion(m[2]!) : null;
      if (!version)
        throw new RequirementError(
          `"requires": {"librdkafka": ${JSON.stringify(range)}}: "${part}" is not a version comparator (write e.g. ">=2.8.0")`,
        );
      const op = (m[1] ?? '=') as Comparator['op'];
      return { op, version, text: `${op} ${m[2]}` };
    });
  });
  if (alternatives.some((a) => a.length === 0))
    throw new RequirementError(
      `"requires": {"librdkafka": ${JSON.stringify(range)}}: empty range (write e.g. ">=2.8.0")`,
    );
  return alternatives;
}

function holds(c: Comparator, v: Version): boolean {
  const d = compare(v, c.version);
  switch (c.op) {
    case '>=':
      return d >= 0;
    case '>':
      return d > 0;
    case '<=':
      return d <= 0;
    case '<':
      return d < 0;
    case '=':
      return d === 0;
  }
}

/** Whether `version` satisfies `range`. Throws RequirementError for a range it cannot read. */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  return parseRange(range).some((alt) => alt.every((c) => holds(c, v)));
}

export type ClusterKind = 'mock' | 'kafka';

export interface Requirements {
  /** A version range such as ">=2.8.0". */
  librdkafka: string | null;
  /** The kind of cluster the notebook needs. */
  cluster: ClusterKind | null;
}

/** What a notebook's metadata requires. Throws RequirementError when `requires` is malformed. */
export function requirements(metadata: Record<string, unknown>): Requirements {
  const req = metadata.requires;
  if (req === undefined || req === null) return { librdkafka: null, cluster: null };
  if (typeof req !== 'object' || Array.isArray(req))
    throw new RequirementError(
      `"requires" must be an object such as {"librdkafka": ">=2.8.0"}, not ${JSON.stringify(req)}`,
    );
  const { librdkafka: range, cluster } = req as Record<string, unknown>;
  if (range !== undefined && typeof range !== 'string')
    throw new RequirementError(`"requires": {"librdkafka": …} must be a string such as ">=2.8.0"`);
  if (typeof range === 'string') parseRange(range);
  if (cluster !== undefined && cluster !== 'mock' && cluster !== 'kafka')
    throw new RequirementError(
      `"requires": {"cluster": …} must be "mock" or "kafka" (a real broker), not ${JSON.stringify(cluster)}`,
    );
  return { librdkafka: range ?? null, cluster: (cluster as ClusterKind | undefined) ?? null };
}

/** The librdkafka range a notebook's metadata requires, or null. Throws RequirementError when malformed. */
export function requiredRange(metadata: Record<string, unknown>): string | null {
  return requirements(metadata).librdkafka;
}

/** The range as the skip message and the scenario list show it: ">= 2.8.0", ">= 2.3.0 < 2.15.0 || = 2.0.2". */
export function describeRange(range: string): string {
  return parseRange(range)
    .map((alt) => alt.map((c) => c.text).join(' '))
    .join(' || ');
}

/**
 * Why a notebook cannot run on librdkafka `version` (and, when given, this kind of cluster), or null when it
 * can: "needs librdkafka >= 2.8.0, this is 2.0.2". Throws RequirementError for malformed metadata (the
 * notebook must be fixed, not skipped).
 */
export function unmetRequirement(
  metadata: Record<string, unknown>,
  version: string,
  cluster?: ClusterKind,
): string | null {
  const req = requirements(metadata);
  if (req.cluster && cluster && req.cluster !== cluster)
    return req.cluster === 'kafka'
      ? 'needs a real Kafka cluster (run it with --bootstrap HOST:PORT), this is the mock cluster'
      : 'needs the mock cluster (it drives rdkafka_mock.h), this is a real cluster';
  if (req.librdkafka === null || satisfies(version, req.librdkafka)) return null;
  return `needs librdkafka ${describeRange(req.librdkafka)}, this is ${version}`;
}

/**
 * What a notebook editor shows instead of running a cell when the kernel cannot run the notebook (librdkafka
 * `version`, cluster `bootstrap` — "mock" or HOST:PORT), with what to do; null when it can run.
 */
export function editorSkipMessage(
  metadata: Record<string, unknown>,
  version: string,
  bootstrap: string,
): string | null {
  try {
    const onMock = bootstrap === 'mock';
    if (requirements(metadata).cluster === 'kafka' && onMock)
      return 'skipped: this notebook needs a real Kafka cluster (the mock cluster cannot show it): set "bootstrap" in its metadata, or the rdkafka.bootstrapServers setting, to HOST:PORT.';
    const why = unmetRequirement(metadata, version, onMock ? 'mock' : 'kafka');
    return (
      why &&
      `skipped: this notebook ${why}. Pick a kernel for a librdkafka that satisfies it (rdkafka-workbench lib add VERSION adds one).`
    );
  } catch (e) {
    return `this notebook's metadata is malformed: ${(e as Error).message}; fix "requires" to run it.`;
  }
}
