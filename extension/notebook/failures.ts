// What a notebook says when its kernel fails, as plain data: the cell's error output and the notification's
// text. Pure (no vscode), so the wording is tested on its own; crash.ts shows it.
import type { CellOutput } from '../../protocol/index.ts';

/** How a kernel process ended (the client's ExitInfo). */
export interface KernelExit {
  code: number | null;
  signal: string | null;
}

/** "died (SIGSEGV)" for a signal, "exited (exit code 3)" for a process that ended by itself. */
export function howItEnded(exit: KernelExit): string {
  return exit.signal ? `died (${exit.signal})` : `exited (exit code ${exit.code ?? '?'})`;
}

/** The error shown in the cell that was running when the kernel ended: what happened and what to do. */
export function kernelDiedOutput(exit: KernelExit): CellOutput {
  return {
    kind: 'error',
    name: 'KernelDied',
    message: `The kernel ${howItEnded(exit)} while running this cell. Outputs before it are kept. Restart the kernel to go on.`,
    stack: '',
  };
}

/** The notification's sentence: which notebook, which cell (counted from 1, as everywhere), how. */
export function kernelDiedNotice(notebookName: string, cell: number, exit: KernelExit): string {
  return `The librdkafka kernel of ${notebookName} ${howItEnded(exit)} while running cell ${cell}. Every variable and handle is gone; outputs are kept.`;
}
