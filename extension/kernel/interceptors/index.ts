// The interceptor table: which C functions the kernel wraps, and how. Each entry is a self-contained rule
// (types.ts); a function wraps through every entry that applies, the first outermost. Functions no entry
// applies to are the koffi functions themselves. To add one, write it in a file of its own (or next to
// its kin) and list it here: see docs/kernel.md, "Adding an interceptor".
import { blocking } from './blocking.ts';
import { callbacks } from './callbacks.ts';
import { confs } from './confs.ts';
import { controlRoom } from './control-room.ts';
import { credentials } from './credentials.ts';
import { defaultLog } from './default-log.ts';
import { handles } from './handles.ts';
import { hotpaths } from './hotpath.ts';
import { messages } from './messages.ts';
import { pointers } from './pointers.ts';
import { queues } from './queues.ts';
import type { Interceptor } from './types.ts';
import { varargs } from './varargs.ts';

export const INTERCEPTORS: readonly Interceptor[] = [
  ...controlRoom,
  ...confs,
  ...credentials,
  // Before rd_kafka_new runs: a conf still on the default logger gets the printing log relay.
  ...defaultLog,
  ...handles,
  ...callbacks,
  ...queues,
  ...messages,
  ...pointers,
  // Argument conversion and the blocking hook come last: nearest the C call.
  ...varargs,
  ...blocking,
  // In place of the C function itself: the same call through the compiled helper.
  ...hotpaths,
];

export type { Interceptor, KernelContext } from './types.ts';
