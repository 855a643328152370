// Which librdkafka a headless run loads: `--librdkafka VERSION` first, then explicit `--library`/`--bindings`
// (today's behaviour), then the notebook's metadata "librdkafka", else the system library. Returns null
// when the run should go on as without versions (the system library and the default bindings folder).
import { isSystem, LibraryError, resolveLibrary, type ResolvedLibrary } from '../versions/index.ts';

export interface PickInput {
  /** --librdkafka */
  librdkafka?: string;
  /** --library or --bindings were given: they say what to load. */
  explicit: boolean;
  /** The notebook's metadata value (anything JSON). */
  metadata: unknown;
  notebook: string;
  cwd: string;
  log: (s: string) => void;
}

export async function pickLibrary(p: PickInput): Promise<ResolvedLibrary | null> {
  let spec: string | undefined;
  let from: string;
  if (p.librdkafka !== undefined) {
    spec = p.librdkafka;
    from = '--librdkafka';
  } else if (p.explicit || p.metadata === undefined || p.metadata === null) {
    return null;
  } else if (typeof p.metadata === 'string') {
    spec = p.metadata;
    from = `"librdkafka" in ${p.notebook}'s metadata`;
  } else {
    throw new LibraryError(
      `"librdkafka" in ${p.notebook}'s metadata is ${JSON.stringify(p.metadata)}, not a version: write a version string such as "2.15.1", or "system"`,
      'usage',
    );
  }
  if (isSystem(spec)) return null;
  try {
    return await resolveLibrary(spec, { cwd: p.cwd, onProgress: (m) => p.log(`  ${m}…\n`) });
  } catch (e) {
    if (e instanceof LibraryError && e.kind === 'not-installed')
      throw new LibraryError(`${e.message} [asked for by ${from}]`, e.kind);
    throw e;
  }
}
