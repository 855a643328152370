// The kernel's cases: the same loops as notebook cells, run by a real kernel process through KernelClient
// (bench/kernel.bench.ts, one process per run). Until that bundle exists the cases are listed as skipped.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Context, Impl } from './cases.ts';
import { KERNEL_BATCH_ON, KERNEL_COLD, KERNEL_CONSUME, KERNEL_DR_OFF, KERNEL_DR_ON, KERNEL_FAST_OFF, KERNEL_FAST_ON, KERNEL_ROUNDTRIP } from './cases.ts';

export interface KernelImpls {
  produce: Impl[];
  consume: Impl[];
  overheads: Impl[];
}

export async function kernelImpls(ctx: Context, log: (s: string) => void): Promise<KernelImpls> {
  const script = join(ctx.root, 'dist/bench/kernel.bench.mjs');
  const missing = existsSync(script) ? null : 'the kernel client has not landed yet (dist/bench/kernel.bench.mjs is not built)';
  if (missing) log(`kernel cases skipped: ${missing}`);
  const stub = (impl: string, unit?: string): Impl => ({ impl, ...(unit ? { unit } : {}), available: () => missing, run: () => Promise.reject(new Error(missing ?? 'not implemented')) });
  return {
    produce: [KERNEL_DR_ON, KERNEL_DR_OFF, KERNEL_FAST_ON, KERNEL_FAST_OFF, KERNEL_BATCH_ON].map((i) => stub(i)),
    consume: [stub(KERNEL_CONSUME)],
    overheads: [stub(KERNEL_COLD), stub(KERNEL_ROUNDTRIP)],
  };
}
