// Layout check, like rust-bindgen's layout tests: one probe compiled with the same compiler gives
// sizeof/_Alignof/offsetof of every struct and union; koffi's layout of the emitted types must agree.
// The probe is compiled to assembly only (no link, no run): the values are read from its data section.
import { GenError } from './errors.ts';
import type { LayoutCheck, StructDecl } from './model.ts';
import { compilerLimits, firstError, includeArgs, inputBytes, runCompiler } from './run.ts';

export interface CLayout {
  size: number;
  align: number;
  offsets: number[];
}

/** The C expressions measured for one struct: size, alignment, then each field's offset. */
function probeExprs(s: StructDecl): string[] {
  const { root, path } = s.c;
  // A bit-field has no address, so no offsetof: it is reported by compareLayouts instead.
  if (!path) {
    return [
      `sizeof(${root})`,
      `_Alignof(${root})`,
      ...s.fields.map((f) => (f.bits !== undefined ? '0' : `offsetof(${root}, ${f.name})`)),
    ];
  }
  const member = `(((${root} *)0)->${path})`;
  return [
    `sizeof${member}`,
    `_Alignof(__typeof__${member})`,
    ...s.fields.map((f) =>
      f.bits !== undefined ? '0' : `(offsetof(${root}, ${path}.${f.name}) - offsetof(${root}, ${path}))`,
    ),
  ];
}

/** The probe's C source; the headers come before it with `-include` (includeArgs). */
export function probeSource(structs: StructDecl[]): string {
  const values = structs.flatMap(probeExprs);
  return [
    '#include <stddef.h>',
    `const unsigned long long rdkw_layout_probe[${Math.max(values.length, 1)}] = {`,
    values.map((v) => `  ${v},`).join('\n') || '  0,',
    '};',
    '',
  ].join('\n');
}

/** Compiles the probe and returns the compiler's layout of each struct, by name. */
export async function compilerLayouts(
  compiler: string,
  headers: string[],
  structs: StructDecl[],
): Promise<Map<string, CLayout>> {
  const res = await runCompiler(
    compiler,
    ['-S', '-O0', '-w', '-o', '-', ...includeArgs(headers), '-x', 'c', '-'],
    probeSource(structs),
    compilerLimits(inputBytes(headers), `compiling the layout probe for ${headers[0]}`, 'layout'),
  );
  if (res.code !== 0) {
    throw new GenError(
      `The layout probe did not compile with ${compiler} (${firstError(res.stderr) || `exit status ${res.code}`}): the parsed structs do not match what the compiler sees; please report this header.`,
      'layout',
    );
  }
  const start = res.stdout.indexOf('rdkw_layout_probe:');
  const values = [...res.stdout.slice(start).matchAll(/^\s*\.(?:quad|xword|8byte|dword)\s+(-?\d+)/gm)].map(
    (m) => Number(m[1]),
  );
  const out = new Map<string, CLayout>();
  let i = 0;
  for (const s of structs) {
    const n = 2 + s.fields.length;
    const v = values.slice(i, i + n);
    i += n;
    if (v.length < n)
      throw new GenError(
        `Could not read the layout probe's output from ${compiler}: use gcc or clang with --cc.`,
        'layout',
      );
    out.set(s.name, { size: v[0]!, align: v[1]!, offsets: v.slice(2) });
  }
  return out;
}

export interface KoffiLike {
  sizeof(t: unknown): number;
  alignof(t: unknown): number;
  offsetof(t: unknown, member: string): number;
}

/** Compares koffi's layout of the emitted types with the compiler's; fills the model's sizes. */
export function compareLayouts(
  koffi: KoffiLike,
  types: Record<string, unknown>,
  structs: StructDecl[],
  c: Map<string, CLayout>,
): Omit<LayoutCheck, 'ms'> {
  const mismatches: string[] = [];
  let checked = 0;
  for (const s of structs) {
    const cl = c.get(s.name)!;
    const t = types[s.name];
    s.size = cl.size;
    s.align = cl.align;
    s.fields.forEach((f, i) => (f.offset = cl.offsets[i]!));
    if (!t) {
      mismatches.push(`${s.name}: not defined by the bindings`);
      continue;
    }
    checked++;
    const ks = koffi.sizeof(t);
    const ka = koffi.alignof(t);
    if (ks !== cl.size) mismatches.push(`${s.name}: sizeof is ${cl.size} in C, ${ks} in koffi`);
    if (ka !== cl.align) mismatches.push(`${s.name}: alignment is ${cl.align} in C, ${ka} in koffi`);
    s.fields.forEach((f, i) => {
      if (f.bits !== undefined) {
        mismatches.push(
          `${s.name}.${f.name} is a ${f.bits}-bit bit-field, which koffi cannot lay out like C`,
        );
        return;
      }
      // koffi.offsetof only takes records; every member of a union starts at 0.
      const ko = s.union ? 0 : koffi.offsetof(t, f.name);
      if (ko !== cl.offsets[i])
        mismatches.push(`${s.name}.${f.name}: offset is ${cl.offsets[i]} in C, ${ko} in koffi`);
    });
  }
  return { ok: mismatches.length === 0, checked, mismatches };
}
