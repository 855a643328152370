// The generator's public API: header → bindings folder (model.json, bindings.js, rdkafka.d.ts,
// report.json, package.json). Used by the CLI, the VS Code extension and the kernel.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildModel } from './build.ts';
import { discoverHeader, discoverLibrary, headerSet } from './discover.ts';
import { DocIndex } from './docs.ts';
import { emitBindings } from './emit-bindings.ts';
import { emitDts } from './emit-dts.ts';
import { emitTracer } from './emit-tracer.ts';
import { GenError } from './errors.ts';
import { compareLayouts, compilerLayouts } from './layout.ts';
import { inspectLibrary } from './library.ts';
import type { Model, Report } from './model.ts';
import { cParser, parse } from './parse.ts';
import { preprocess } from './preprocess.ts';
import { Staging } from './write.ts';

export { GenError } from './errors.ts';
export type { Model, Report } from './model.ts';

export interface GenerateOptions {
  /** Path to rdkafka.h; default: discovered (pkg-config, /usr/include/librdkafka, /usr/local/include/librdkafka). */
  header?: string;
  /** Path to librdkafka.so; default: the library matching the header. */
  library?: string;
  /** Output folder; default `.rdkafka/bindings` (relative to the current directory). */
  out?: string;
  /** C compiler for preprocessing and the layout probe; default `cc`. */
  compiler?: string;
}

export interface Progress {
  stage: 'discover' | 'preprocess' | 'parse' | 'model' | 'emit' | 'layout' | 'library' | 'write' | 'done';
  message: string;
}

export const DEFAULT_OUT = '.rdkafka/bindings';

/** Runs the whole pipeline. Throws GenError (one-sentence message) on bad input; old output is kept. */
export async function generate(
  options: GenerateOptions = {},
  onProgress?: (p: Progress) => void,
): Promise<Report> {
  const timings: Record<string, number> = {};
  const t0 = performance.now();
  let last = t0;
  const step = (stage: Progress['stage'], message: string) => {
    const now = performance.now();
    onProgress?.({ stage, message });
    return now;
  };
  const done = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round((now - last) * 10) / 10;
    last = now;
  };
  const compiler = options.compiler || 'cc';
  const out = resolve(options.out || DEFAULT_OUT);

  step('discover', 'finding rdkafka.h and librdkafka');
  const header = resolve(checkHeader(options.header));
  const headers = headerSet(header);
  const library = options.library ? resolve(options.library) : (discoverLibrary(header) ?? null);
  if (options.library && !isFile(library!)) {
    throw new GenError(
      `The library ${options.library} does not exist: pass --lib with the path of librdkafka.so.1, or leave it out to use the one matching the header.`,
      'input',
    );
  }
  done('discover');

  step('preprocess', `preprocessing ${header} with ${compiler}`);
  const parserReady = cParser(); // the wasm parser loads while cc runs
  parserReady.catch(() => {}); // awaited (and reported) by parse() below
  const pre = await preprocess(compiler, headers);
  done('preprocess');

  step('parse', 'parsing declarations');
  const parsed = await parse(pre.code);
  done('parse');

  step('model', 'building the model');
  const { model, warnings, values } = buildModel({
    pre,
    parsed,
    docs: new DocIndex(),
    header,
    headers,
    library,
    compiler,
  });
  if (!values.has('RD_KAFKA_VERSION')) {
    if (parsed.errors.count > 0 || (!parsed.functions.length && !parsed.typedefs.length)) {
      throw new GenError(
        `${header} is not a C header (the C parser found ${parsed.errors.count} syntax errors): pass librdkafka's rdkafka.h with --header.`,
        'parse',
      );
    }
    throw new GenError(
      `${header} is a C header but not librdkafka's (it defines no RD_KAFKA_VERSION): pass librdkafka's rdkafka.h with --header.`,
      'parse',
    );
  }
  if (parsed.errors.count > 0)
    warnings.push(
      `the C parser found ${parsed.errors.count} syntax errors (rows ${parsed.errors.rows.join(', ')}); declarations there may be missing`,
    );
  done('model');

  checkOut(out);
  const koffi = await loadKoffi();
  const staging = new Staging(out);
  try {
    step('emit', 'writing bindings.js and rdkafka.d.ts');
    staging.write('package.json', '{ "type": "module", "private": true }\n');
    staging.write('bindings.js', emitBindings(model));
    staging.write('rdkafka.d.ts', emitDts(model));
    done('emit');

    step('layout', `checking ${model.structs.length} struct layouts against ${compiler}`);
    const layoutStarted = performance.now();
    const [cLayouts, emitted] = await Promise.all([
      compilerLayouts(compiler, headers, model.structs),
      import(`${pathToFileURL(`${staging.dir}/bindings.js`).href}?t=${Date.now()}`) as Promise<{
        defineTypes(k: unknown): { types: Record<string, unknown> };
      }>,
    ]);
    const { types } = emitted.defineTypes(koffi);
    const layout = { ...compareLayouts(koffi, types, model.structs, cLayouts), ms: 0 };
    layout.ms = Math.round(performance.now() - layoutStarted);
    if (!layout.ok) {
      throw new GenError(
        `The layout check failed with ${layout.mismatches.length} differences between koffi and ${compiler} (${layout.mismatches.slice(0, 3).join('; ')}), so no bindings were written (they would corrupt memory): please report this header.`,
        'layout',
      );
    }
    done('layout');

    // The tracer's C, from the same model (offsets as the compiler just confirmed them); `rdkafka-workbench
    // trace` compiles it into the cache. A header it cannot serve still gets its bindings.
    try {
      staging.write('tracer.c', emitTracer(model).code);
    } catch (e) {
      if (!(e instanceof GenError)) throw e;
      warnings.push(`no tracer.c: ${e.message}`);
    }

    step('library', library ? `checking which functions ${library} exports` : 'no librdkafka library found');
    const facts = library
      ? inspectLibrary(
          koffi,
          library,
          model.functions.map((f) => f.name),
        )
      : { missing: [], version: null };
    if (!library)
      warnings.push(
        'no librdkafka shared library was found: pass --lib PATH (bindings will need load(koffi, { library }))',
      );
    if (library && facts.missing.length === model.functions.length) {
      throw new GenError(
        `The library ${library} exports none of the header's functions: pass --lib with the path of librdkafka.so.1.`,
        'library',
      );
    }
    done('library');

    const report = makeReport(model, out, facts, layout, warnings, timings);
    staging.write('model.json', JSON.stringify(model, null, 1) + '\n');
    staging.write('report.json', JSON.stringify(report, null, 2) + '\n');
    step('write', `replacing ${out}`);
    staging.commit();
    done('write');
    report.timings.total = Math.round(performance.now() - t0);
    step('done', summary(report));
    return report;
  } catch (e) {
    staging.discard();
    throw e;
  }
}

type Koffi = typeof import('koffi');

/** koffi is loaded on demand so that a broken install is one clear sentence, not a stack trace. */
async function loadKoffi(): Promise<Koffi> {
  try {
    const mod = (await import('koffi')) as Koffi & { default?: Koffi };
    return mod.default ?? mod;
  } catch (e) {
    throw new GenError(
      `koffi could not be loaded (${(e as Error).message.split('\n')[0]}): reinstall the workbench's dependencies (npm install).`,
      'library',
    );
  }
}

/** The output folder is replaced whole: refuse anything that is not a previous bindings folder. */
function checkOut(out: string): void {
  let st;
  try {
    st = statSync(out);
  } catch {
    return; // does not exist yet
  }
  if (!st.isDirectory()) {
    throw new GenError(
      `--out ${out} is a file, not a folder: pass a new or empty folder for the bindings.`,
      'input',
    );
  }
  const entries = readdirSync(out);
  if (entries.length && !entries.includes('model.json')) {
    throw new GenError(
      `--out ${out} is a folder that does not hold bindings (no model.json) and would be replaced: pass a new or empty folder.`,
      'input',
    );
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Validates the header path (or discovers one) and rejects files that cannot be C headers. */
function checkHeader(given: string | undefined): string {
  let header = given ?? discoverHeader();
  if (!header) {
    throw new GenError(
      'No rdkafka.h was found (pkg-config rdkafka, /usr/include/librdkafka, /usr/local/include/librdkafka): install librdkafka-dev (apt-get install librdkafka-dev) or pass --header PATH.',
      'input',
    );
  }
  let st;
  try {
    st = statSync(header);
  } catch {
    throw new GenError(
      `The header ${header} does not exist: pass --header with the path of librdkafka's rdkafka.h.`,
      'input',
    );
  }
  if (st.isDirectory()) {
    // A folder holding the header (an include dir, a source tree's src/) means the rdkafka.h in it.
    const inside = [join(header, 'rdkafka.h'), join(header, 'librdkafka', 'rdkafka.h')].find((p) =>
      isFile(p),
    );
    if (!inside) {
      throw new GenError(
        `${header} is a folder without rdkafka.h in it: pass --header with the path of librdkafka's rdkafka.h.`,
        'input',
      );
    }
    header = inside;
  }
  const bytes = readFileSync(header);
  if (bytes.includes(0) || !isUtf8(bytes)) {
    throw new GenError(
      `${header} is not a C header (it is a binary file): pass librdkafka's rdkafka.h with --header.`,
      'input',
    );
  }
  return header;
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function makeReport(
  model: Model,
  out: string,
  facts: { missing: string[]; version: string | null },
  layout: Report['layout'],
  warnings: string[],
  timings: Record<string, number>,
): Report {
  return {
    librdkafka: model.librdkafka,
    header: model.header,
    library: model.library,
    libraryVersion: facts.version,
    out,
    counts: {
      functions: model.functions.length,
      functionsByFile: model.functions.reduce<Record<string, number>>((acc, f) => {
        acc[f.file] = (acc[f.file] ?? 0) + 1;
        return acc;
      }, {}),
      enums: model.enums.length,
      enumerators: model.enums.reduce((n, e) => n + e.values.length, 0),
      integerConstants: model.constants.filter((c) => c.kind === 'integer').length,
      stringConstants: model.constants.filter((c) => c.kind === 'string').length,
      functionMacros: model.functionMacros.length,
      structs: model.structs.length,
      opaque: model.opaque.length,
      callbacks: model.callbacks.length,
    },
    deprecated: model.functions.filter((f) => f.deprecated).map((f) => f.name),
    variadic: model.functions.filter((f) => f.variadic).map((f) => f.name),
    missing: facts.missing,
    layout,
    warnings,
    timings,
  };
}

/** The printed summary: version, counts, missing symbols, deprecated functions, layout result. */
export function summary(r: Report): string {
  const c = r.counts;
  const lines = [
    `librdkafka ${r.librdkafka.version} bindings in ${r.out}`,
    `  header   ${r.header}`,
    `  library  ${r.library ?? '(none found)'}${r.libraryVersion ? ` (librdkafka ${r.libraryVersion})` : ''}`,
    `  ${c.functions} functions (${Object.entries(c.functionsByFile)
      .map(([f, n]) => `${f} ${n}`)
      .join(
        ', ',
      )}), ${c.enums} enums / ${c.enumerators} enumerators, ${c.integerConstants} integer + ${c.stringConstants} string constants, ${c.functionMacros} function-like macros`,
    `  ${c.structs} structs/unions, ${c.opaque} opaque types, ${c.callbacks} callback prototypes`,
    `  layout check: ${r.layout.ok ? `ok (${r.layout.checked} structs/unions: koffi matches the C compiler)` : `FAILED: ${r.layout.mismatches.join('; ')}`}`,
    `  deprecated: ${r.deprecated.join(', ') || 'none'}`,
    `  missing from the library: ${r.missing.length ? `${r.missing.length} (${r.missing.slice(0, 8).join(', ')}${r.missing.length > 8 ? ', …' : ''})` : 'none'}`,
  ];
  for (const w of r.warnings) lines.push(`  warning: ${w}`);
  return lines.join('\n');
}
