// C cells, compiling: a cell's source → a program, with the system compiler, against the notebook's
// librdkafka (its header and its library). The source is written as it is (line N of the file is line N
// of the cell), so the compiler's messages point at the cell's own lines; they become diagnostics.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CellDiagnostic } from '../../protocol/index.ts';

export interface CompileRequest {
  source: string;
  /** The cell's position, for file names and messages. */
  cell: number;
  /** rdkafka.h of the notebook's librdkafka (the bindings' model.header). */
  header: string;
  /** The librdkafka.so.1 the kernel loaded. */
  library: string;
  /** What RDKAFKA_WORKBENCH_BOOTSTRAP expands to. */
  bootstrap: string;
  /** A folder of this kernel's own. */
  dir: string;
  cc?: string;
  /** Kills the compiler when it fires. */
  signal?: AbortSignal;
}

export type CompileResult =
  | { ok: true; program: string; diagnostics: CellDiagnostic[]; text: string }
  | { ok: false; diagnostics: CellDiagnostic[]; text: string; why?: string };

/**
 * The compiler's messages about `file` as diagnostics: `file:LINE:COL: error|warning|note: text` (gcc and
 * clang), and the linker's `file:LINE: undefined reference …` (with -g). Pure.
 */
export function parseDiagnostics(output: string, file: string): CellDiagnostic[] {
  const esc = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const compiler = new RegExp(`^${esc}:(\\d+):(\\d+): (fatal error|error|warning|note): (.*)$`);
  // ld names the source by its full path: `/tmp/…/cell3.c:7: undefined reference to 'foo'`.
  const linker = new RegExp(`^(?:.*[/\\s])?${esc}:(?:\\(\\.\\w+\\+0x[0-9a-f]+\\)|(\\d+)): (.*)$`);
  const out: CellDiagnostic[] = [];
  for (const line of output.split('\n')) {
    const m = compiler.exec(line);
    if (m) {
      const sev = m[3] === 'fatal error' ? 'error' : (m[3] as CellDiagnostic['severity']);
      out.push({ severity: sev, line: Number(m[1]), column: Number(m[2]), message: m[4]!.trim() });
      continue;
    }
    const l = linker.exec(line);
    if (l && /undefined reference|multiple definition/.test(l[2]!))
      out.push({ severity: 'error', line: Number(l[1] ?? 1), column: 1, message: l[2]!.trim() });
  }
  return out;
}

/** An include folder where `<librdkafka/rdkafka.h>` is the notebook's header (as Debian installs it). */
function includeShim(dir: string, header: string): string {
  const shim = join(dir, 'include');
  const inner = join(shim, 'librdkafka');
  rmSync(shim, { recursive: true, force: true });
  mkdirSync(inner, { recursive: true });
  for (const name of ['rdkafka.h', 'rdkafka_mock.h']) {
    const src = join(dirname(header), name);
    if (existsSync(src)) symlinkSync(src, join(inner, name));
  }
  return shim;
}

export function compileCCell(req: CompileRequest): Promise<CompileResult> {
  const cc = req.cc || process.env.CC || 'cc';
  const file = `cell${req.cell}.c`;
  const program = join(req.dir, `cell${req.cell}`);
  mkdirSync(req.dir, { recursive: true });
  writeFileSync(join(req.dir, file), req.source.endsWith('\n') ? req.source : `${req.source}\n`);
  rmSync(program, { force: true });
  const args = [
    '-std=gnu11',
    '-g',
    '-O1',
    '-Wall',
    // A misspelt librdkafka function is an error at its line (C99 has no implicit declarations).
    '-Werror=implicit-function-declaration',
    '-fdiagnostics-color=never',
    `-I${includeShim(req.dir, req.header)}`,
    `-I${dirname(req.header)}`,
    `-DRDKAFKA_WORKBENCH_BOOTSTRAP=${JSON.stringify(req.bootstrap)}`,
    '-o',
    program,
    file,
    req.library,
    `-Wl,-rpath,${dirname(req.library)}`,
    '-lpthread',
    '-lm',
  ];
  return new Promise((resolve) => {
    execFile(
      cc,
      args,
      { cwd: req.dir, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20, signal: req.signal },
      (err, stdout, stderr) => {
        const text = `${stdout}${stderr}`.trim();
        const diagnostics = parseDiagnostics(text, file);
        const e = err as (NodeJS.ErrnoException & { code?: unknown }) | null;
        if (e && e.code === 'ENOENT')
          return resolve({
            ok: false,
            diagnostics,
            text,
            why: `no C compiler (${cc}) to build C cells: install one (Debian: apt-get install gcc libc6-dev) or set CC`,
          });
        if (e || !existsSync(program)) return resolve({ ok: false, diagnostics, text });
        resolve({ ok: true, program, diagnostics, text });
      },
    );
  });
}
