// A small, safe evaluator for C integer constant expressions as they appear in macro bodies and
// enumerator values: literals with suffixes, casts to integer types, unary/binary/ternary operators,
// and references to other macros or enumerators. Exact (BigInt), never `eval`.

/** Resolves an identifier to its value, or undefined when it is not an integer constant. */
export type Lookup = (name: string) => bigint | undefined;

/** Bit width and signedness of the integer types a cast may name (LP64, as on Linux x86-64/arm64). */
const INT_TYPES: Record<string, [bits: number, signed: boolean]> = {
  char: [8, true],
  'signed char': [8, true],
  'unsigned char': [8, false],
  short: [16, true],
  'short int': [16, true],
  'unsigned short': [16, false],
  'unsigned short int': [16, false],
  int: [32, true],
  signed: [32, true],
  'signed int': [32, true],
  unsigned: [32, false],
  'unsigned int': [32, false],
  long: [64, true],
  'long int': [64, true],
  'unsigned long': [64, false],
  'unsigned long int': [64, false],
  'long long': [64, true],
  'long long int': [64, true],
  'unsigned long long': [64, false],
  'unsigned long long int': [64, false],
  int8_t: [8, true],
  uint8_t: [8, false],
  int16_t: [16, true],
  uint16_t: [16, false],
  int32_t: [32, true],
  uint32_t: [32, false],
  int64_t: [64, true],
  uint64_t: [64, false],
  size_t: [64, false],
  ssize_t: [64, true],
  intptr_t: [64, true],
  uintptr_t: [64, false],
  _Bool: [1, false],
  bool: [1, false],
};

/** Truncates `v` to an integer type of `bits` width, as a C cast does. */
export function castTo(v: bigint, bits: number, signed: boolean): bigint {
  if (bits === 1) return v === 0n ? 0n : 1n;
  return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

type Tok = { t: 'num'; v: bigint } | { t: 'id'; v: string } | { t: 'op'; v: string } | { t: 'str' };

const OPS = [
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '&',
  '|',
  '^',
  '~',
  '!',
  '?',
  ':',
  '(',
  ')',
  ',',
];

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uUlL]*)/.exec(src.slice(i));
    if (num) {
      if (/^[0-9]/.test(num[0]) && /[.eE]/.test(src[i + num[0].length] ?? ''))
        throw new Error('floating constant');
      const digits = num[1]!;
      let v: bigint;
      if (/^0[xXbB]/.test(digits)) v = BigInt(digits);
      else if (digits.length > 1 && digits.startsWith('0')) v = BigInt('0o' + digits.slice(1));
      else v = BigInt(digits);
      out.push({ t: 'num', v });
      i += num[0].length;
      continue;
    }
    const chr = /^'(\\.|[^'\\])'/.exec(src.slice(i));
    if (chr) {
      const body = chr[1]!;
      const esc: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, "'": 39, '"': 34 };
      out.push({
        t: 'num',
        v: BigInt(body.length === 2 ? (esc[body[1]!] ?? body.charCodeAt(1)) : body.charCodeAt(0)),
      });
      i += chr[0].length;
      continue;
    }
    if (c === '"') {
      out.push({ t: 'str' });
      i++;
      while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
      i++;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new Error(`unexpected '${c}'`);
    out.push({ t: 'op', v: op });
    i += op.length;
  }
  return out;
}

const BINARY: Record<string, number> = {
  '*': 10,
  '/': 10,
  '%': 10,
  '+': 9,
  '-': 9,
  '<<': 8,
  '>>': 8,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '==': 6,
  '!=': 6,
  '&': 5,
  '^': 4,
  '|': 3,
  '&&': 2,
  '||': 1,
};

/** Evaluates a C integer constant expression; throws when it is not one (strings, floats, unknown names). */
export function evaluate(src: string, lookup: Lookup = () => undefined): bigint {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const isOp = (v: string) => {
    const t = toks[p];
    return t?.t === 'op' && t.v === v;
  };
  const expect = (v: string) => {
    if (!isOp(v)) throw new Error(`expected '${v}'`);
    p++;
  };

  /** If a parenthesised integer type name starts at p, consume it and return its width. */
  const castType = (): [number, boolean] | undefined => {
    if (!isOp('(')) return undefined;
    let q = p + 1;
    const words: string[] = [];
    while (toks[q]?.t === 'id') {
      words.push((toks[q] as { v: string }).v);
      q++;
    }
    const close = toks[q];
    if (!words.length || close?.t !== 'op' || close.v !== ')') return undefined;
    const name = words.filter((w) => w !== 'const' && w !== 'volatile').join(' ');
    const type = INT_TYPES[name];
    if (!type) return undefined;
    p = q + 1;
    return type;
  };

  const unary = (): bigint => {
    const t = peek();
    if (!t) throw new Error('unexpected end');
    if (t.t === 'op') {
      if (['-', '+', '~', '!'].includes(t.v)) {
        p++;
        const v = unary();
        return t.v === '-' ? -v : t.v === '+' ? v : t.v === '~' ? ~v : v === 0n ? 1n : 0n;
      }
      const cast = castType();
      if (cast) return castTo(unary(), cast[0], cast[1]);
      if (t.v === '(') {
        p++;
        const v = ternary();
        expect(')');
        return v;
      }
      throw new Error(`unexpected '${t.v}'`);
    }
    p++;
    if (t.t === 'num') return t.v;
    if (t.t === 'str') throw new Error('string literal');
    const v = lookup(t.v);
    if (v === undefined) throw new Error(`'${t.v}' is not an integer constant`);
    return v;
  };

  const binary = (minPrec: number): bigint => {
    let left = unary();
    for (;;) {
      const t = peek();
      const prec = t?.t === 'op' ? BINARY[t.v] : undefined;
      if (t?.t !== 'op' || prec === undefined || prec < minPrec) return left;
      p++;
      const right = binary(prec + 1);
      left = apply(t.v, left, right);
    }
  };

  const ternary = (): bigint => {
    const cond = binary(1);
    if (!isOp('?')) return cond;
    p++;
    const a = ternary();
    expect(':');
    const b = ternary();
    return cond !== 0n ? a : b;
  };

  const v = ternary();
  if (p !== toks.length) throw new Error('trailing tokens');
  return v;
}

function apply(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '*':
      return a * b;
    case '/':
      if (b === 0n) throw new Error('division by zero');
      return a / b;
    case '%':
      if (b === 0n) throw new Error('division by zero');
      return a % b;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '<<':
      return a << b;
    case '>>':
      return a >> b;
    case '<':
      return a < b ? 1n : 0n;
    case '>':
      return a > b ? 1n : 0n;
    case '<=':
      return a <= b ? 1n : 0n;
    case '>=':
      return a >= b ? 1n : 0n;
    case '==':
      return a === b ? 1n : 0n;
    case '!=':
      return a !== b ? 1n : 0n;
    case '&':
      return a & b;
    case '^':
      return a ^ b;
    case '|':
      return a | b;
    case '&&':
      return a !== 0n && b !== 0n ? 1n : 0n;
    case '||':
      return a !== 0n || b !== 0n ? 1n : 0n;
  }
  throw new Error(`operator ${op}`);
}

/** Evaluates, returning undefined instead of throwing. */
export function tryEvaluate(src: string, lookup?: Lookup): bigint | undefined {
  try {
    return evaluate(src, lookup);
  } catch {
    return undefined;
  }
}

/** The value of a concatenation of C string literals (`"a" "b"`), or undefined if it is not one. */
export function stringLiteral(src: string): string | undefined {
  const s = src.trim();
  if (!s.startsWith('"')) return undefined;
  const re = /\s*"((?:\\.|[^"\\])*)"\s*/y;
  let out = '';
  let m: RegExpExecArray | null;
  re.lastIndex = 0;
  let end = 0;
  while ((m = re.exec(s))) {
    out += unescapeC(m[1]!);
    end = re.lastIndex;
  }
  return end === s.length ? out : undefined;
}

function unescapeC(s: string): string {
  const esc: Record<string, string> = {
    n: '\n',
    t: '\t',
    r: '\r',
    '0': '\0',
    '\\': '\\',
    '"': '"',
    "'": "'",
  };
  return s.replace(/\\(x[0-9a-fA-F]+|.)/g, (_, e: string) =>
    e.startsWith('x') ? String.fromCharCode(parseInt(e.slice(1), 16)) : (esc[e] ?? e),
  );
}

/** A bigint as model.json stores it: a number when exact, else a decimal string. */
export function jsonValue(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v.toString();
}
