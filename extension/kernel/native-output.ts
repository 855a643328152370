// The kernel's fd 1 and fd 2 as the client reads them: text native code wrote, cut by the marks the kernel
// writes where each execution ends (protocol: NATIVE_END_MARK). Pure: a chunk and what was carried over in,
// the text and marks in order and what to carry into the next chunk out.
import { NATIVE_END_MARK } from '../../protocol/index.ts';

export type NativePart = { text: string } | { end: string };

const MARK = new RegExp(`${NATIVE_END_MARK}(\\d+)\u0000`, 'g');
/** A mark cut by the end of a chunk: a start of NATIVE_END_MARK, or all of it and some of the id. */
const PARTIAL_ID = new RegExp(`^${NATIVE_END_MARK}\\d*$`);

export function splitNative(carry: string, chunk: string): { parts: NativePart[]; carry: string } {
  const s = carry + chunk;
  const parts: NativePart[] = [];
  let last = 0;
  for (const m of s.matchAll(MARK)) {
    if (m.index > last) parts.push({ text: s.slice(last, m.index) });
    parts.push({ end: m[1]! });
    last = m.index + m[0].length;
  }
  let rest = s.slice(last);
  let next = '';
  const cut = rest.lastIndexOf('\u0000');
  if (cut >= 0) {
    const tail = rest.slice(cut);
    if (NATIVE_END_MARK.startsWith(tail) || PARTIAL_ID.test(tail)) {
      next = tail;
      rest = rest.slice(0, cut);
    }
  }
  if (rest) parts.push({ text: rest });
  return { parts, carry: next };
}
