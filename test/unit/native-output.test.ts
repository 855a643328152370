// The client's reading of the kernel's fd 1/2 (extension/kernel/native-output.ts): native text and the end
// marks the kernel writes after each execution, however the pipe cuts them into chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitNative, type NativePart } from '../../extension/kernel/native-output.ts';
import { NATIVE_END_MARK } from '../../protocol/index.ts';

const mark = (id: string) => `${NATIVE_END_MARK}${id}\u0000`;

/** Feeds `chunks` one by one, as the pipe delivers them; returns every part in order, texts merged. */
function feed(chunks: string[]): NativePart[] {
  const out: NativePart[] = [];
  let carry = '';
  for (const c of chunks) {
    const r = splitNative(carry, c);
    carry = r.carry;
    for (const p of r.parts) {
      const prev = out.at(-1);
      if ('text' in p && prev && 'text' in prev) prev.text += p.text;
      else out.push({ ...p });
    }
  }
  assert.equal(carry, '', 'nothing left over at the end');
  return out;
}

test('text and end marks come out in the order they were written', () => {
  assert.deepEqual(feed([`%3|FAIL line\n${mark('7')}next cell\n${mark('8')}`]), [
    { text: '%3|FAIL line\n' },
    { end: '7' },
    { text: 'next cell\n' },
    { end: '8' },
  ]);
});

test('a mark cut anywhere by the chunks is still one mark, and no part of it shows as text', () => {
  const whole = `before\n${mark('12')}after\n`;
  for (let cut = 1; cut < whole.length; cut++)
    assert.deepEqual(
      feed([whole.slice(0, cut), whole.slice(cut)]),
      [{ text: 'before\n' }, { end: '12' }, { text: 'after\n' }],
      `cut at ${cut}`,
    );
});

test('a NUL in native text that starts no mark is passed through as text, at once', () => {
  const r = splitNative('', 'binary\u0000garbage');
  assert.deepEqual(r, { parts: [{ text: 'binary\u0000garbage' }], carry: '' });
});
