// Keeps the kernels' own ports (the embedded mock cluster's brokers, the inspector while debugging) out of
// the editor's port forwarding: a remote or browser VS Code would otherwise offer three new ports per kernel.
// A port is the kernel's when VS Code says a kernel's process listens on it, or when a running kernel says
// so itself (the `ports` request: it reads its own sockets). Uses the `portsAttributes` API proposal (a
// VS Code that does not allow it to this extension just forwards as before; said once in the log).
import * as vscode from 'vscode';
import type { KernelManager } from './kernels.ts';
import { askKernel } from './kernel/tools-client.ts';
import type { PortsRequest } from '../protocol/index.ts';

interface PortAttributesApi {
  registerPortAttributesProvider(
    selector: { portRange?: [number, number] },
    provider: {
      providePortAttributes(attributes: { port: number; pid?: number }): Promise<unknown> | unknown;
    },
  ): vscode.Disposable;
}

interface PortTypes {
  PortAttributes: new (action: number) => unknown;
  PortAutoForwardAction: { Ignore: number };
}

/** Whether `port` belongs to one of the running kernels. */
export async function isKernelPort(kernels: KernelManager, port: number, pid?: number): Promise<boolean> {
  const running = kernels.running();
  if (pid !== undefined && running.some((k) => k.client?.pid === pid)) return true;
  const answers = await Promise.all(
    running.map((k): Promise<number[]> =>
      k.client
        ? askKernel<PortsRequest>(k.client, { type: 'ports' }, 2000).then(
            (r) => r.ports,
            () => [],
          )
        : Promise.resolve([]),
    ),
  );
  return answers.some((ports) => ports.includes(port));
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
        providePortAttributes: async ({ port, pid }) =>
          (await isKernelPort(kernels, port, pid))
            ? new types.PortAttributes!(types.PortAutoForwardAction!.Ignore)
            : undefined,
      },
    );
  } catch (e) {
    log.info(`the kernels’ ports may be offered for forwarding: ${(e as Error).message.split('\n')[0]}`);
    return new vscode.Disposable(() => {});
  }
}
