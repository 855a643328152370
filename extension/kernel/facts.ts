// The librdkafka facts the kernel works with, read from the bindings of the header in use: constants from
// its enumerators and macros, struct layouts from the model (checked against the C compiler by the
// generator). What a model lacks comes from fallbacks.ts, the one hand-typed place. Pure: data in, data out.
import type { StructDecl } from '../../gen/model.ts';
import { CONSTANTS, STRUCTS, type ConstantName, type StructName } from './fallbacks.ts';

export interface Layout {
  size: number;
  /** Byte offset of each field, by name. */
  offsets: Record<string, number>;
}

export interface Facts {
  /** Integer constants by C name (RD_KAFKA_CONSUMER, RD_KAFKA_EVENT_DR, …). */
  c: Record<ConstantName, number>;
  /** Layouts of the structs the kernel reads field by field. */
  layout: Record<StructName, Layout>;
}

export function factsOf(
  constants: Record<string, number | bigint | string>,
  structs: readonly Pick<StructDecl, 'name' | 'size' | 'fields'>[],
): Facts {
  const c = {} as Record<ConstantName, number>;
  for (const name of Object.keys(CONSTANTS) as ConstantName[]) {
    const v = constants[name];
    c[name] = typeof v === 'number' ? v : CONSTANTS[name];
  }
  const layout = {} as Record<StructName, Layout>;
  for (const name of Object.keys(STRUCTS) as StructName[]) {
    const s = structs.find((x) => x.name === name);
    layout[name] = {
      size: s?.size ?? STRUCTS[name].size,
      offsets: {
        ...STRUCTS[name].offsets,
        ...Object.fromEntries((s?.fields ?? []).map((f) => [f.name, f.offset])),
      },
    };
  }
  return { c, layout };
}
