// What a cell's outputs keep, like Jupyter's output limit: the head as it came and the tail, with one line
// saying how much was dropped between them. A cell may print 600 MB; the notebook, the CLI and VS Code keep
// about a megabyte of it. Pure (no vscode, no I/O): the CLI runner and the VS Code controller both use it.
import type { CellOutput } from '../../protocol/index.ts';

export interface OutputLimit {
  /** Characters kept from the start of a cell's output (stream text, plus the size of rich outputs). */
  headChars: number;
  /** Characters kept from its end. */
  tailChars: number;
  /** Outputs kept in the head (each display() call is one). */
  headOutputs: number;
}

export const OUTPUT_LIMIT: OutputLimit = { headChars: 512 * 1024, tailChars: 512 * 1024, headOutputs: 1000 };

type Stream = Extract<CellOutput, { kind: 'stream' }>;

/** Size of an output against the limit: its text, or its JSON for rich outputs. */
function size(o: CellOutput): number {
  if (o.kind === 'stream') return o.text.length;
  try {
    return JSON.stringify(o).length;
  } catch {
    return 0;
  }
}

const lines = (text: string): number => {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

const grouped = (n: number) => n.toLocaleString('en-US');
const counted = (n: number, one: string, many: string) => `${grouped(n)} ${n === 1 ? one : many}`;

/** Appends `o` to `list`, merging it into a stream output of the same stream just before it. */
function push(list: CellOutput[], o: CellOutput): void {
  const last = list[list.length - 1];
  if (o.kind === 'stream' && last?.kind === 'stream' && last.name === o.name)
    list[list.length - 1] = { ...last, text: last.text + o.text };
  else list.push(o);
}

export class LimitedOutputs {
  private readonly head: CellOutput[] = [];
  private headUsed = 0;
  /** After the head is full: the newest outputs, at most tailChars of them (errors are never dropped). */
  private readonly tail: CellOutput[] = [];
  private tailUsed = 0;
  private dropped = { chars: 0, lines: 0, outputs: 0 };

  constructor(readonly limit: OutputLimit = OUTPUT_LIMIT) {}

  /** Whether anything has gone past the head (a live view then shows the tail apart). */
  get full(): boolean {
    return this.tail.length > 0 || this.dropped.outputs > 0 || this.dropped.chars > 0;
  }

  /**
   * Takes one output; returns what of it belongs to the head (a live view shows that at once), or null
   * when all of it went to the tail.
   */
  add(o: CellOutput): CellOutput | null {
    if (!this.full) {
      const room = this.limit.headChars - this.headUsed;
      const n = size(o);
      const countOk = this.head.length < this.limit.headOutputs || o.kind === 'stream';
      if (n <= room && countOk) {
        push(this.head, o);
        this.headUsed += n;
        return o;
      }
      if (o.kind === 'stream' && room > 0 && countOk) {
        // Split at the limit: the start is the head's last text, the rest begins the tail.
        const first: Stream = { ...o, text: o.text.slice(0, room) };
        push(this.head, first);
        this.headUsed += room;
        this.toTail({ ...o, text: o.text.slice(room) });
        return first;
      }
    }
    this.toTail(o);
    return null;
  }

  private toTail(o: CellOutput): void {
    push(this.tail, o);
    if (o.kind !== 'error') this.tailUsed += size(o); // kept whatever their size: not in the budget
    // Drop from the tail's start until it fits; error outputs stay (they say why the cell failed).
    for (let i = 0; this.tailUsed > this.limit.tailChars && i < this.tail.length;) {
      const t = this.tail[i]!;
      if (t.kind === 'error') {
        i++;
        continue;
      }
      const excess = this.tailUsed - this.limit.tailChars;
      if (t.kind === 'stream' && t.text.length > excess) {
        const cut = t.text.slice(0, excess);
        this.tail[i] = { ...t, text: t.text.slice(excess) };
        this.count(cut);
        this.tailUsed -= excess;
        break;
      }
      this.tail.splice(i, 1);
      this.tailUsed -= size(t);
      if (t.kind === 'stream') this.count(t.text);
      else this.dropped.outputs++;
    }
  }

  private count(text: string): void {
    this.dropped.chars += text.length;
    this.dropped.lines += lines(text);
  }

  /** The line that stands for what was dropped, or null when nothing was. */
  notice(): string | null {
    const d = this.dropped;
    if (!d.chars && !d.outputs) return null;
    const what = [
      d.chars ? `${counted(d.chars, 'character', 'characters')} (${counted(d.lines, 'line', 'lines')})` : '',
      d.outputs ? counted(d.outputs, 'other output', 'other outputs') : '',
    ]
      .filter(Boolean)
      .join(' and ');
    return `[… ${what} of output dropped here: a cell keeps its first ${grouped(this.limit.headChars)} and last ${grouped(this.limit.tailChars)} characters …]\n`;
  }

  /** What follows the head: the notice (if anything was dropped), then the tail. */
  rest(): CellOutput[] {
    const notice = this.notice();
    const out: CellOutput[] = [];
    if (notice) {
      const lastHead = this.head[this.head.length - 1];
      const stream = lastHead?.kind === 'stream' && !lastHead.text.endsWith('\n') ? '\n' : '';
      push(out, { kind: 'stream', name: 'stderr', text: stream + notice });
    }
    for (const t of this.tail) push(out, t);
    return out;
  }

  /** Everything kept: the head, the notice, the tail. */
  outputs(): CellOutput[] {
    const out = [...this.head];
    for (const t of this.rest()) push(out, t);
    return out;
  }
}
