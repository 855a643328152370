// The library side of generation: which declared functions the library actually exports, and the
// library's own version, both asked of koffi (dlopen/dlsym) rather than of `nm`.
import { GenError } from './errors.ts';

interface KoffiLib {
  func(...args: unknown[]): (...a: unknown[]) => unknown;
  unload?(): void;
}
interface KoffiModule {
  load(path: string): KoffiLib;
}

export interface LibraryFacts {
  missing: string[];
  version: string | null;
}

export function inspectLibrary(koffi: KoffiModule, library: string, functions: string[]): LibraryFacts {
  let lib: KoffiLib;
  try {
    lib = koffi.load(library);
  } catch (e) {
    throw new GenError(
      `Cannot load the library ${library} (${(e as Error).message.split('\n')[0]}): pass --lib with the path of librdkafka.so.1.`,
      'library',
    );
  }
  const missing: string[] = [];
  for (const name of functions) {
    try {
      lib.func(name, 'void', []);
    } catch {
      missing.push(name);
    }
  }
  let version: string | null = null;
  if (!missing.includes('rd_kafka_version_str')) {
    try {
      version = String(lib.func('const char *rd_kafka_version_str(void)')());
    } catch {
      version = null;
    }
  }
  return { missing, version };
}
