// Asking a running kernel for the notebook tools (protocol/index.ts, "Notebook tools"): one request, the
// reply with its id, or a clear error when the kernel is gone or busy for too long. Plain Node: the VS Code
// extension and the tests use it alike.
import type { NotebookToolsReply, NotebookToolsRequest } from '../../protocol/index.ts';
import type { KernelClient } from './client.ts';

let seq = 0;

type ReplyOf<R extends NotebookToolsRequest> = R extends { type: 'variables' }
  ? Extract<NotebookToolsReply, { type: 'variables_reply' }>
  : R extends { type: 'ports' }
    ? Extract<NotebookToolsReply, { type: 'ports_reply' }>
    : Extract<NotebookToolsReply, { type: 'debug_reply' }>;

const REPLY: Record<NotebookToolsRequest['type'], NotebookToolsReply['type']> = {
  variables: 'variables_reply',
  ports: 'ports_reply',
  debug_start: 'debug_reply',
  debug_stop: 'debug_reply',
};

export class KernelBusyError extends Error {
  override name = 'KernelBusyError';
}

/**
 * Sends `request` (its id filled in) and resolves with the kernel's reply. The kernel answers when its JS
 * thread is free: a cell stuck in a loop or a blocking call makes this reject after `timeoutMs`.
 */
export function askKernel<R extends NotebookToolsRequest>(
  client: KernelClient,
  request: Omit<R, 'id'>,
  timeoutMs = 5000,
): Promise<ReplyOf<R>> {
  const id = `tools-${++seq}`;
  const type = REPLY[request.type as NotebookToolsRequest['type']];
  return new Promise<ReplyOf<R>>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      off();
      offExit();
    };
    const off = client.onMessage<NotebookToolsReply>(type, (m) => {
      if (m.id !== id) return;
      done();
      resolve(m as ReplyOf<R>);
    });
    const offExit = client.onExit(() => {
      done();
      reject(new Error('the kernel ended before it answered'));
    });
    const timer = setTimeout(() => {
      done();
      reject(
        new KernelBusyError(`the kernel did not answer within ${timeoutMs / 1000} s (a cell keeps it busy)`),
      );
    }, timeoutMs);
    if (!client.post({ ...request, id })) {
      done();
      reject(new Error('the kernel is not running'));
    }
  });
}
