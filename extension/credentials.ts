// Credentials for a real cluster live in VS Code's SecretStorage (never in settings or notebook files), one
// entry per cluster (the bootstrap address they were stored for, extension/clusters.ts). They reach a kernel
// as `clusterConfig` only when its bootstrap names that cluster's brokers and nothing else.
import * as vscode from 'vscode';
import { clusterKey, credentialsFor, parseStore, type CredentialStore } from './kernel/clusters.ts';
import { redactConfig } from './redact.ts';

const KEY = 'rdkafka.clusterCredentials';
/** Before credentials were bound to a cluster: one config for any cluster. Never used; removed on clear. */
const LEGACY_KEY = 'rdkafka.clusterConfig';

export interface SaslInput {
  /** The cluster the credentials are for (bootstrap servers); asked for when absent. */
  bootstrap?: string;
  mechanism?: string;
  username?: string;
  password?: string;
  securityProtocol?: string;
}

export class Credentials {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    secrets.onDidChange((e) => e.key === KEY && this.changed.fire());
  }

  async all(): Promise<CredentialStore> {
    return parseStore(await this.secrets.get(KEY));
  }

  /** The credentials for the cluster `bootstrap` names, or undefined (never another cluster's). */
  async get(bootstrap: string): Promise<Record<string, string> | undefined> {
    if (bootstrap === 'mock') return undefined;
    return credentialsFor(await this.all(), bootstrap)?.config;
  }

  async set(bootstrap: string, config: Record<string, string>): Promise<void> {
    const store = await this.all();
    store[clusterKey(bootstrap)] = config;
    await this.secrets.store(KEY, JSON.stringify(store));
  }

  /** Forgets the credentials of one cluster, or of every cluster (and any left by an earlier version). */
  async clear(bootstrap?: string): Promise<void> {
    if (bootstrap === undefined) {
      await this.secrets.delete(KEY);
      await this.secrets.delete(LEGACY_KEY);
      return;
    }
    const store = await this.all();
    const found = credentialsFor(store, bootstrap);
    if (!found) return;
    delete store[found.cluster];
    await this.secrets.store(KEY, JSON.stringify(store));
  }

  /** Whether an earlier version left credentials that are bound to no cluster (they are not used). */
  async hasLegacy(): Promise<boolean> {
    return (await this.secrets.get(LEGACY_KEY)) !== undefined;
  }

  /** What the credentials of a cluster look like with their secrets replaced (logs, tests). */
  async shown(bootstrap: string): Promise<Record<string, string>> {
    return redactConfig(await this.get(bootstrap));
  }
}

/** librdkafka properties for SASL authentication. */
export function saslConfig(
  i: Required<Pick<SaslInput, 'username' | 'password'>> & SaslInput,
): Record<string, string> {
  return {
    'security.protocol': i.securityProtocol || 'SASL_SSL',
    'sasl.mechanisms': i.mechanism || 'PLAIN',
    'sasl.username': i.username,
    'sasl.password': i.password,
  };
}

/**
 * Command: asks for the cluster, the SASL mechanism, user name and password (or takes them as an argument,
 * for scripts and tests) and stores them in SecretStorage for that cluster. Returns whether anything was
 * stored. `suggested` is the cluster offered first (the active notebook's, say).
 */
export async function setClusterCredentials(
  credentials: Credentials,
  arg?: SaslInput,
  suggested?: string,
): Promise<boolean> {
  let input: SaslInput | undefined = arg;
  if (!input?.password) {
    const bootstrap = await vscode.window.showInputBox({
      title: 'Cluster these credentials are for (bootstrap servers)',
      prompt: 'They are sent to these brokers only, never to another cluster.',
      placeHolder: 'HOST:PORT[,HOST:PORT]',
      ...(suggested && suggested !== 'mock' ? { value: suggested } : {}),
      ignoreFocusOut: true,
    });
    if (!bootstrap) return false;
    const mechanism = await vscode.window.showQuickPick(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'], {
      title: 'SASL mechanism of the cluster',
      ignoreFocusOut: true,
    });
    if (!mechanism) return false;
    const securityProtocol = await vscode.window.showQuickPick(['SASL_SSL', 'SASL_PLAINTEXT'], {
      title: 'Security protocol',
      ignoreFocusOut: true,
    });
    if (!securityProtocol) return false;
    const username = await vscode.window.showInputBox({ title: 'SASL user name', ignoreFocusOut: true });
    if (!username) return false;
    const password = await vscode.window.showInputBox({
      title: `SASL password for ${username}`,
      password: true,
      ignoreFocusOut: true,
    });
    if (!password) return false;
    input = { bootstrap, mechanism, securityProtocol, username, password };
  }
  const bootstrap = input.bootstrap?.trim() ?? '';
  if (!bootstrap || bootstrap === 'mock' || !clusterKey(bootstrap)) {
    void vscode.window.showErrorMessage(
      'SASL credentials are stored for one cluster: give its bootstrap servers (HOST:PORT); nothing was stored.',
    );
    return false;
  }
  if (!input.username || !input.password) {
    void vscode.window.showErrorMessage(
      'SASL credentials need a user name and a password; nothing was stored.',
    );
    return false;
  }
  await credentials.set(
    bootstrap,
    saslConfig({ ...input, username: input.username, password: input.password }),
  );
  void vscode.window.showInformationMessage(
    `SASL credentials for ${input.username} are stored in VS Code's secret storage for ${clusterKey(bootstrap)}; kernels connecting to that cluster use them, and no other cluster gets them.`,
  );
  return true;
}

/** Command: forgets the credentials of one cluster (`{bootstrap}`), or, asked, of one or all. */
export async function clearClusterCredentials(
  credentials: Credentials,
  arg?: { bootstrap?: string; all?: boolean },
): Promise<boolean> {
  let bootstrap = arg?.bootstrap;
  if (bootstrap === undefined && !arg?.all) {
    const clusters = Object.keys(await credentials.all());
    const all = 'All clusters';
    const pick = await vscode.window.showQuickPick([...clusters, all], {
      title: 'Forget the SASL credentials of which cluster?',
      ignoreFocusOut: true,
    });
    if (!pick) return false;
    bootstrap = pick === all ? undefined : pick;
  }
  await credentials.clear(bootstrap);
  void vscode.window.showInformationMessage(
    bootstrap === undefined
      ? 'Cluster credentials removed from the secret storage.'
      : `The credentials for ${clusterKey(bootstrap)} were removed from the secret storage.`,
  );
  return true;
}
