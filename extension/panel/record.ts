// A panel action recorded into the notebook as code: a new code cell with the call, placed after the cell
// that was running (after the cells already recorded during it, so the order is kept), or after the cell
// that ran last. Re-running the notebook replays the scenario. Pure: positions and text, no vscode.

/** Cell metadata (under the serializer's `rdkafka` key) marking a recorded cell; saved as `"recorded"`. */
export const RECORDED = 'fault';

export interface RecordedAction {
  /** The call as cell code (runs as it is in a cell). */
  call: string;
  /** The same call as plain C. */
  c: string;
  /** When it was made (epoch ms). */
  time: number;
  /** Position (from 1) of the cell running when it was made, or null. */
  cell: number | null;
}

export function recordedSource(a: RecordedAction): string {
  const d = new Date(a.time);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const at = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  const during = a.cell !== null ? ` while cell ${a.cell} ran` : '';
  return `// Recorded from the events panel at ${at}${during}. C: ${a.c}\n${a.call}\n`;
}

export interface CellView {
  /** The cell is a recorded action. */
  recorded: boolean;
  /** When the cell last finished running (epoch ms), if it ran. */
  endTime?: number | undefined;
}

/**
 * Index (from 0) where the recorded cell goes: after the running cell (position `running`, from 1), or
 * after the cell that finished last, or at the end; past the recorded cells that already follow it.
 */
export function insertIndex(cells: readonly CellView[], running: number | null): number {
  let after: number;
  if (running !== null && running >= 1 && running <= cells.length) after = running - 1;
  else {
    after = -1;
    let last = -Infinity;
    cells.forEach((c, i) => {
      if (!c.recorded && c.endTime !== undefined && c.endTime > last) {
        last = c.endTime;
        after = i;
      }
    });
    if (after < 0) return cells.length;
  }
  let i = after + 1;
  while (i < cells.length && cells[i]!.recorded) i++;
  return i;
}
