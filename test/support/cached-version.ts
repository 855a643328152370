// A librdkafka version the library manager has installed (the test setup builds 2.12.0 and 2.15.1 into the
// shared cache), for tests that need one: its library and current bindings, or why it is not there (the
// test then skips, saying so).
import { findLibrary, resolveLibrary, type ResolvedLibrary } from '../../versions/index.ts';

/** Null when `version` is installed, else the reason a test that needs it skips. */
export function missingVersion(version: string): string | null {
  try {
    findLibrary(version);
    return null;
  } catch (e) {
    return `${(e as Error).message} (the test setup, node dist/test/support/librdkafka.main.mjs, builds it)`;
  }
}

/** The installed version, its bindings regenerated if this workbench's generator changed. */
export function installedVersion(version: string): Promise<ResolvedLibrary> {
  return resolveLibrary(version);
}
