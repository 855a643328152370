// Stage 1: the system's C preprocessor. One `cc -E -dD` run gives both the preprocessed code and every
// #define in order (what `cc -E` and `cc -dM -E` give separately), each with the line markers that say
// which file it came from. Only what comes from librdkafka's own headers is kept for parsing; the rest
// (libc) is kept aside to resolve typedefs such as `ssize_t` or `FILE`.
import { basename } from 'node:path';
import { GenError } from './errors.ts';
import { compilerLimits, firstError, includeArgs, inputBytes, runCompiler } from './run.ts';

export interface MacroDef {
  name: string;
  /** Parameter names for function-like macros; undefined for object-like ones. */
  params?: string[];
  body: string;
  file: string;
  line: number;
}

export interface Preprocessed {
  /** Code lines from librdkafka's headers only (blank lines elsewhere would only cost parse time). */
  code: string;
  /** For each line of `code`: the header file and line it came from. */
  origin: { file: string; line: number }[];
  /** Everything else (libc and compiler headers), for typedef resolution. */
  system: string;
  /** Macros defined by librdkafka's headers, last definition wins. */
  macros: Map<string, MacroDef>;
  ms: number;
}

/** True for files whose declarations belong in the bindings: rdkafka.h, rdkafka_mock.h and the like. */
export function isLibrdkafkaFile(file: string, headers: string[]): boolean {
  return headers.includes(file) || /^rdkafka[\w-]*\.h$/.test(basename(file));
}

/** Preprocesses `headers` (rdkafka.h first) with `compiler` and splits the result by origin. */
export async function preprocess(
  compiler: string,
  headers: string[],
  extraArgs: string[] = [],
  timeLimitMs?: number,
): Promise<Preprocessed> {
  const started = performance.now();

  const limits = compilerLimits(inputBytes(headers), `preprocessing ${headers[0]}`, 'preprocess');
  if (timeLimitMs !== undefined) limits.timeLimitMs = timeLimitMs;
  const res = await runCompiler(
    compiler,
    ['-E', '-dD', ...extraArgs, ...includeArgs(headers), '-x', 'c', '-'],
    '',
    limits,
  );
  if (res.code !== 0) {
    throw new GenError(
      `The C preprocessor failed on ${headers[0]}: ${firstError(res.stderr) || `${compiler} exited with status ${res.code}`}; check that the file is a complete librdkafka rdkafka.h (or that --cc names a C compiler).`,
      'preprocess',
    );
  }
  // A real preprocessor always emits line markers; no output at all means --cc is not a C compiler.
  if (!/^# \d+ "/m.test(res.stdout)) {
    throw new GenError(
      `${compiler} produced no preprocessed output for ${headers[0]}: pass --cc with a C compiler (gcc or clang).`,
      'preprocess',
    );
  }
  return { ...split(res.stdout, headers), ms: performance.now() - started };
}

/** Splits `cc -E -dD` output into librdkafka code (with origins), system code and librdkafka macros. */
export function split(output: string, headers: string[]): Omit<Preprocessed, 'ms'> {
  const code: string[] = [];
  const origin: { file: string; line: number }[] = [];
  const system: string[] = [];
  const macros = new Map<string, MacroDef>();
  let file = '';
  let keep = false;
  let line = 0;
  const lines = output.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.startsWith('#')) {
      const marker = /^# (\d+) "((?:\\.|[^"\\])*)"/.exec(text);
      if (marker) {
        line = Number(marker[1]);
        file = JSON.parse(`"${marker[2]!}"`) as string;
        keep = isLibrdkafkaFile(file, headers);
        continue;
      }
      const def = /^#define ([A-Za-z_]\w*)(\(([^)]*)\))? ?(.*)$/.exec(text);
      if (def && keep) {
        const params =
          def[2] !== undefined
            ? def[3]!
                .split(',')
                .map((p) => p.trim())
                .filter(Boolean)
            : undefined;
        macros.set(def[1]!, {
          name: def[1]!,
          ...(params ? { params } : {}),
          body: def[4]!.trim(),
          file,
          line,
        });
      }
      const undef = /^#undef ([A-Za-z_]\w*)/.exec(text);
      if (undef && keep) macros.delete(undef[1]!);
      line++;
      continue;
    }
    if (keep) {
      if (text.trim()) {
        code.push(text);
        origin.push({ file, line });
      }
    } else system.push(text);
    line++;
  }
  return { code: code.join('\n'), origin, system: system.join('\n'), macros };
}
