// Keeps the kernels' own ports (the embedded mock cluster's brokers, the inspector while debugging) out of
// the editor's port forwarding: a remote or browser VS Code would otherwise offer three new ports per kernel.
// A port is the kernel's when a running kernel says so (the `ports` request: it reads its own sockets). Uses the `portsAttributes` API proposal (a
// VS Code that does not allow it to this extension just forwards as before; said once in the log).
import * as vscode from 'vscode';
import type { KernelManager, NotebookKernel } from './kernels.ts';
import { askKernel } from './kernel/tools-client.ts';
import type { PortsRequest } from '../protocol/index.ts';

interface PortAttributesApi {
  registerPortAttributesProvider(
    selector: { portRange?: [number, number] },
    provider: {
      providePortAttributes(attributes: { port: number }): Promise<unknown> | unknown;
    },
  ): vscode.Disposable;
}

interface PortTypes {
  PortAttributes: new (action: number) => unknown;
  PortAutoForwardAction: { Ignore: number };
}

/** How long a kernel's answer is reused: VS Code asks once per port, often many ports in a row. */
const FRESH_MS = 2000;
const answers = new WeakMap<object, { at: number; ports: Promise<number[]> }>();

function portsOf(client: NonNullable<NotebookKernel['client']>): Promise<number[]> {
  const cached = answers.get(client);
  if (cached && Date.now() - cached.at < FRESH_MS) return cached.ports;
  const ports = askKernel<PortsRequest>(client, { type: 'ports' }, 2000).then(
    (r) => r.ports,
    () => [] as number[],
  );
  answers.set(client, { at: Date.now(), ports });
  return ports;
}

/**
 * Whether `port` belongs to one of the running kernels, as the kernels say (they read their own sockets).
 * Not by the pid VS Code passes: it gives one pid for a whole batch of ports of several processes.
 */
export async function isKernelPort(kernels: KernelManager, port: number): Promise<boolean> {
  const lists = await Promise.all(kernels.running().flatMap((k) => (k.client ? [portsOf(k.client)] : [])));
  return lists.some((ports) => ports.includes(port));
}

export function registerPortAttributes(
  kernels: KernelManager,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  const api = vscode.workspace as unknown as Partial<PortAttributesApi>;
  const types = vscode as unknown as Partial<PortTypes>;
  if (!api.registerPortAttributesProvider || !types.PortAttributes || !types.PortAutoForwardAction) {
    log.info('this VS Code has no port attributes API: the kernels’ ports may be offered for forwarding');
    return new vscode.Disposable(() => {});
  }
  try {
    return api.registerPortAttributesProvider(
      { portRange: [1, 65535] },
      {
        providePortAttributes: async ({ port }) =>
          (await isKernelPort(kernels, port))
            ? new types.PortAttributes!(types.PortAutoForwardAction!.Ignore)
            : undefined,
      },
    );
  } catch (e) {
    log.info(`the kernels’ ports may be offered for forwarding: ${(e as Error).message.split('\n')[0]}`);
    return new vscode.Disposable(() => {});
  }
}
