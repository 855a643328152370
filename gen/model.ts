// The one intermediate representation every output is emitted from (like rust-bindgen's `ir`).
// `Model` is what `model.json` holds; its shape is the contract other rooms read
// (see /docs/bindings.md). Type strings are C spellings that koffi's prototype parser accepts.

export interface Param {
  name: string;
  /** C type as koffi accepts it: struct/union/enum keywords dropped, function pointers as `Proto *`. */
  type: string;
  /** Name of the prototype in `callbacks` when this parameter is a function pointer. */
  callback?: string;
}

export interface FunctionDecl {
  name: string;
  returns: string;
  params: Param[];
  variadic: boolean;
  deprecated: boolean;
  doc?: string;
  /** Header file (basename) and line where the declaration starts. */
  file: string;
  line: number;
}

export interface Enumerator {
  name: string;
  /** number when it fits a double exactly; otherwise a decimal string. */
  value: number | string;
  doc?: string;
}

export interface EnumDecl {
  name: string;
  values: Enumerator[];
  /** koffi integer type the enum is passed as (the compiler's underlying type). */
  base: string;
  doc?: string;
  file: string;
  line: number;
}

export interface Constant {
  name: string;
  /** number when it fits a double exactly, a decimal string + `bigint: true` otherwise, or a string. */
  value: number | string;
  kind: 'integer' | 'string';
  bigint?: boolean;
  /** The macro's body as written, e.g. `((int32_t)-1)`. */
  expr: string;
  doc?: string;
}

export interface FunctionMacro {
  name: string;
  params: string[];
  body: string;
  /** How the runtime offers it instead of the macro (a sentence). */
  runtime: string;
  /** What bindings.js builds for it: variadic-argument pairs, or an integer expression over the params. */
  js?:
    | { kind: 'vargs'; tag: number; tagType: string; pairs: [type: string, param: string][] }
    | { kind: 'expr'; expr: string };
  doc?: string;
}

/** An object-like macro that names a variadic tag (RD_KAFKA_V_END): offered as its argument pair. */
export interface VargsConstant {
  name: string;
  tag: number;
  tagType: string;
}

export interface Field {
  name: string;
  type: string;
  offset: number;
  /** Width of a bit-field member (koffi cannot lay these out: the layout check fails on them). */
  bits?: number;
  doc?: string;
}

export interface StructDecl {
  /** typedef name when there is one (`rd_kafka_message_t`), else the tag, else `<parent>__<field>`. */
  name: string;
  /** C tag (`rd_kafka_message_s`) when it has one. */
  tag?: string;
  union?: boolean;
  /** Nested anonymous struct/union named after its parent and field. */
  anonymous?: boolean;
  /** How C spells it for sizeof/offsetof: a type name, or `(ROOT).path` for anonymous members. */
  c: { root: string; path: string };
  size: number;
  align: number;
  fields: Field[];
  doc?: string;
  file: string;
  line: number;
}

export interface Callback {
  name: string;
  returns: string;
  params: Param[];
  variadic?: boolean;
  /** `typedef` when the header named it, `parameter` when synthesized from `<function>__<param>`. */
  origin: 'typedef' | 'parameter';
  doc?: string;
}

/** A typedef to another type that is neither a struct, enum nor callback (e.g. `typedef int32_t foo_t`). */
export interface Alias {
  name: string;
  type: string;
}

export interface Model {
  generator: { name: string; version: number };
  librdkafka: { version: string; versionInt: number };
  header: string;
  headers: string[];
  library: string | null;
  compiler: string;
  functions: FunctionDecl[];
  enums: EnumDecl[];
  constants: Constant[];
  functionMacros: FunctionMacro[];
  vargsConstants: VargsConstant[];
  structs: StructDecl[];
  opaque: string[];
  callbacks: Callback[];
  aliases: Alias[];
}

/** Outcome of comparing koffi's layout with the compiler's (rust-bindgen's layout tests). */
export interface LayoutCheck {
  ok: boolean;
  checked: number;
  mismatches: string[];
  ms: number;
}

export interface Report {
  librdkafka: { version: string; versionInt: number };
  header: string;
  library: string | null;
  libraryVersion: string | null;
  out: string;
  counts: {
    functions: number;
    /** Functions per header file (rdkafka.h, rdkafka_mock.h). */
    functionsByFile: Record<string, number>;
    enums: number;
    enumerators: number;
    integerConstants: number;
    stringConstants: number;
    functionMacros: number;
    structs: number;
    opaque: number;
    callbacks: number;
  };
  deprecated: string[];
  variadic: string[];
  missing: string[];
  layout: LayoutCheck;
  warnings: string[];
  timings: Record<string, number>;
}
