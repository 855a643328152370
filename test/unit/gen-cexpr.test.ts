// The C constant-expression evaluator behind every macro and enumerator value: exact, and refusing
// anything that is not an integer constant expression (so such macros are not mistaken for numbers).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, jsonValue, stringLiteral, tryEvaluate } from '../../gen/cexpr.ts';

test('literals: decimal, hex, octal, binary, suffixes, characters', () => {
  assert.equal(evaluate('42'), 42n);
  assert.equal(evaluate('0x020002ff'), 0x020002ffn);
  assert.equal(evaluate('010'), 8n);
  assert.equal(evaluate('0b101'), 5n);
  assert.equal(evaluate('100UL'), 100n);
  assert.equal(evaluate('0xffffffffffffffffULL'), 2n ** 64n - 1n);
  assert.equal(evaluate("'A'"), 65n);
  assert.equal(evaluate("'\\n'"), 10n);
});

test('casts truncate like C', () => {
  assert.equal(evaluate('((int32_t)-1)'), -1n);
  assert.equal(evaluate('(uint8_t)-1'), 255n);
  assert.equal(evaluate('(unsigned int)-1'), 4294967295n);
  assert.equal(evaluate('(int16_t)0x18000'), -32768n);
  assert.equal(evaluate('(const int64_t)5'), 5n);
});

test('operators with C precedence', () => {
  assert.equal(evaluate('1 << 4 | 0x3'), 19n);
  assert.equal(evaluate('-2000 - (5)'), -2005n);
  assert.equal(evaluate('2 + 3 * 4'), 14n);
  assert.equal(evaluate('~0'), -1n);
  assert.equal(evaluate('!0 && 3 > 2'), 1n);
  assert.equal(evaluate('1 ? 7 : 8'), 7n);
  assert.equal(evaluate('-7 / 2'), -3n); // C truncates toward zero
  assert.equal(evaluate('0x10 ^ 0x11'), 1n);
});

test('identifiers resolve through the lookup (other macros, enumerators)', () => {
  const env = new Map([
    ['RD_KAFKA_OFFSET_TAIL_BASE', -2000n],
    ['B', 3n],
  ]);
  assert.equal(
    evaluate('(RD_KAFKA_OFFSET_TAIL_BASE - (B))', (n) => env.get(n)),
    -2003n,
  );
  assert.throws(() => evaluate('UNKNOWN + 1', (n) => env.get(n)), /not an integer constant/);
});

test('not integer constant expressions: strings, floats, calls, attributes', () => {
  assert.equal(tryEvaluate('"abc"'), undefined);
  assert.equal(tryEvaluate('1.5'), undefined);
  assert.equal(tryEvaluate('1e3'), undefined);
  assert.equal(tryEvaluate('__attribute__((deprecated))'), undefined);
  assert.equal(tryEvaluate('inline'), undefined);
  assert.equal(tryEvaluate(''), undefined);
  assert.equal(tryEvaluate('1 / 0'), undefined);
  assert.equal(tryEvaluate('(1'), undefined);
});

test('string literals, concatenated and escaped', () => {
  assert.equal(stringLiteral('"all,generic," "broker"'), 'all,generic,broker');
  assert.equal(stringLiteral('"a\\"b\\n"'), 'a"b\n');
  assert.equal(stringLiteral('"a" x'), undefined);
  assert.equal(stringLiteral('42'), undefined);
});

test('JSON values: exact numbers, larger ones as decimal strings', () => {
  assert.equal(jsonValue(-1000n), -1000);
  assert.equal(jsonValue(2n ** 64n - 1n), '18446744073709551615');
});
