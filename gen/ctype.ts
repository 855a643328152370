// C types as the parser sees them, before they become koffi spellings.

export type CType =
  /** A builtin or typedef name: `int`, `unsigned long`, `rd_kafka_t`. */
  | { k: 'name'; name: string; const?: boolean }
  /** `struct X`, `union X`, `enum X` by tag, or an anonymous definition (`id` into the parser's tables). */
  | { k: 'tag'; kind: 'struct' | 'union' | 'enum'; name?: string; id: number; const?: boolean }
  | { k: 'ptr'; to: CType; const?: boolean }
  | { k: 'array'; of: CType; size?: number }
  | { k: 'fn'; ret: CType; params: CParam[]; variadic: boolean };

export interface CParam {
  name?: string;
  type: CType;
}

/** Normalises an integer type spelling (`long unsigned int`) to the one koffi knows (`unsigned long`). */
export function normalizeIntType(words: string[]): string {
  const w = words.filter((x) => x !== 'const' && x !== 'volatile' && x !== 'register');
  const unsigned = w.includes('unsigned');
  const signed = w.includes('signed');
  const longs = w.filter((x) => x === 'long').length;
  if (w.includes('char')) return unsigned ? 'unsigned char' : signed ? 'int8_t' : 'char';
  if (w.includes('short')) return unsigned ? 'unsigned short' : 'short';
  if (w.includes('double')) return longs ? 'long double' : 'double';
  if (longs === 1) return unsigned ? 'unsigned long' : 'long';
  if (longs >= 2) return unsigned ? 'unsigned long long' : 'long long';
  if (w.includes('_Bool')) return 'bool';
  if (unsigned) return 'unsigned int';
  return w.filter((x) => x !== 'signed').join(' ') || 'int';
}
