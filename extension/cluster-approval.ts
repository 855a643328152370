// Before a kernel connects to a real cluster that the notebook (or the workspace's settings) names and the
// user has never approved, ask once. A shared notebook with `"bootstrap": "someone-elses-host:9092"` thus
// never makes the workbench connect there silently. Approvals are kept per user (globalState).
import * as vscode from 'vscode';
import { clusterKey, needsApproval, type BootstrapSource } from './kernel/clusters.ts';
import type { Credentials } from './credentials.ts';

const APPROVED = 'rdkafka.approvedClusters';

export class ClusterApproval {
  /** Questions on screen, per cluster key: several notebooks starting at once share one. */
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly credentials: Credentials,
  ) {}

  approved(): string[] {
    return this.state.get<string[]>(APPROVED, []);
  }

  /** The cluster waiting for the user's answer, if any (the tests' view of the question). */
  get pending(): string | undefined {
    return this.asking.keys().next().value;
  }

  /** Resolves when a kernel may connect to `bootstrap`; rejects with the reason when the user says no. */
  async check(bootstrap: string, source: BootstrapSource, notebook: string): Promise<void> {
    if (!needsApproval(bootstrap, source, this.approved(), await this.credentials.all())) return;
    const key = clusterKey(bootstrap);
    let answer = this.asking.get(key);
    if (!answer) {
      answer = this.ask(key, source, notebook).finally(() => this.asking.delete(key));
      this.asking.set(key, answer);
    }
    if (!(await answer))
      throw new Error(
        `not connecting to ${key}, which the ${source} of ${notebook} name: you did not approve that cluster (run a cell again to be asked again, or set rdkafka.bootstrapServers in your user settings)`,
      );
  }

  private async ask(key: string, source: BootstrapSource, notebook: string): Promise<boolean> {
    const connect = `Connect to ${key}`;
    const pick = await vscode.window.showQuickPick([connect, "Don't connect"], {
      title: `The ${source} of ${notebook} name the cluster ${key}, which you have not used before. Connect the kernel to it?`,
      placeHolder:
        'Your answer is remembered for this cluster. Stored credentials of other clusters are never sent.',
      ignoreFocusOut: true,
    });
    if (pick !== connect) return false;
    await this.state.update(APPROVED, [...new Set([...this.approved(), key])]);
    return true;
  }
}
