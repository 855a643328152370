// Which generator made a version's bindings: scripts/build.mjs defines __RDKAFKA_GEN_STAMP__ as a hash of
// gen/*.ts, the same in every bundle of one build, so bindings made by another generator read as stale.
declare const __RDKAFKA_GEN_STAMP__: string | undefined;

export const GENERATOR_STAMP: string =
  typeof __RDKAFKA_GEN_STAMP__ === 'string' ? __RDKAFKA_GEN_STAMP__ : 'unbundled';
