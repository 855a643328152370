// Which optional features a built librdkafka has: its own `builtin.features` property says what was
// compiled in, and setting that property to a feature it lacks makes it say why ("libzstd not available
// at build time"). Only the Debian package that would bring each missing one is ours to know.
import { createRequire } from 'node:module';
import type { LeftOutFeature } from './manifest.ts';

/**
 * Debian build dependency per optional feature (mklove knows a few of these names itself, in
 * mklove/modules/configure.*, but not for every library, so they are listed once here).
 */
export const FEATURE_PACKAGES: Record<string, string> = {
  gzip: 'zlib1g-dev',
  ssl: 'libssl-dev',
  sasl_scram: 'libssl-dev',
  sasl_oauthbearer: 'libssl-dev',
  sasl_gssapi: 'libsasl2-dev',
  zstd: 'libzstd-dev',
  http: 'libcurl4-openssl-dev',
  oidc: 'libcurl4-openssl-dev',
};

/** The feature names CONFIGURATION.md lists as builtin.features' possible values (empty when absent). */
export function documentedFeatures(configurationMd: string | null): string[] {
  const row = configurationMd?.split('\n').find((l) => /^builtin\.features\s*\|/.test(l));
  const cells = row?.split('|').map((c) => c.trim());
  const values = cells?.[3] ?? '';
  return values
    .split(',')
    .map((v) => v.trim())
    .filter((v) => /^[a-z0-9_]+$/.test(v));
}

type Koffi = typeof import('koffi');

/** Asks the library itself (loaded with koffi, then unloaded) what it has and why it lacks the rest. */
export function probeFeatures(
  library: string,
  configurationMd: string | null,
): { builtIn: string[]; leftOut: LeftOutFeature[] } {
  const koffi = createRequire(import.meta.url)('koffi') as Koffi;
  const lib = koffi.load(library);
  try {
    const confNew = lib.func('void *rd_kafka_conf_new(void)');
    const confDestroy = lib.func('void rd_kafka_conf_destroy(void *conf)');
    const confGet = lib.func(
      'int rd_kafka_conf_get(void *conf, const char *name, _Out_ uint8_t *dest, _Inout_ size_t *dest_size)',
    );
    const confSet = lib.func(
      'int rd_kafka_conf_set(void *conf, const char *name, const char *value, _Out_ uint8_t *errstr, size_t errstr_size)',
    );
    const text = (b: Buffer) => b.subarray(0, Math.max(0, b.indexOf(0))).toString('utf8');
    const conf = confNew();
    try {
      const buf = Buffer.alloc(1024);
      const size = [buf.length];
      if (confGet(conf, 'builtin.features', buf, size) !== 0) return { builtIn: [], leftOut: [] };
      const builtIn = text(buf)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const candidates = [
        ...new Set([...documentedFeatures(configurationMd), ...Object.keys(FEATURE_PACKAGES)]),
      ];
      const leftOut: LeftOutFeature[] = [];
      for (const name of candidates) {
        if (builtIn.includes(name)) continue;
        const err = Buffer.alloc(512);
        if (confSet(conf, 'builtin.features', name, err, err.length) === 0) continue; // supported after all
        const message = text(err);
        // "Invalid value" is a name this version does not know at all (an older librdkafka): not left out.
        if (!/Unsupported value/i.test(message)) continue;
        const reason = /:\s*([^:]+)$/.exec(message)?.[1]?.trim();
        leftOut.push({
          name,
          ...(reason ? { reason } : {}),
          ...(FEATURE_PACKAGES[name] ? { package: FEATURE_PACKAGES[name] } : {}),
        });
      }
      return { builtIn, leftOut };
    } finally {
      confDestroy(conf);
    }
  } finally {
    lib.unload();
  }
}

/** "zstd (apt-get install libzstd-dev), http, oidc (apt-get install libcurl4-openssl-dev)": grouped by package. */
export function describeLeftOut(leftOut: LeftOutFeature[]): string {
  if (!leftOut.length) return 'none';
  const groups = new Map<string, string[]>();
  for (const f of leftOut) {
    const key = f.package ?? '';
    groups.set(key, [...(groups.get(key) ?? []), f.name]);
  }
  return [...groups]
    .map(([pkg, names]) => `${names.join(', ')}${pkg ? ` (apt-get install ${pkg})` : ''}`)
    .join('; ');
}
