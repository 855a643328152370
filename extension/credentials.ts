// Credentials for a real cluster live in VS Code's SecretStorage (never in settings or notebook files) and
// reach the kernel as `clusterConfig`, librdkafka properties applied to every configuration the cells make.
import * as vscode from 'vscode';

const KEY = 'rdkafka.clusterConfig';

export interface SaslInput {
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

  async get(): Promise<Record<string, string> | undefined> {
    const raw = await this.secrets.get(KEY);
    return raw ? (JSON.parse(raw) as Record<string, string>) : undefined;
  }

  async set(config: Record<string, string>): Promise<void> {
    await this.secrets.store(KEY, JSON.stringify(config));
  }

  async clear(): Promise<void> {
    await this.secrets.delete(KEY);
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
 * Command: asks for the SASL mechanism, user name and password (or takes them as an argument, for
 * scripts and tests) and stores them in SecretStorage. Returns whether anything was stored.
 */
export async function setClusterCredentials(credentials: Credentials, arg?: SaslInput): Promise<boolean> {
  let input: SaslInput | undefined = arg;
  if (!input?.password) {
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
    input = { mechanism, securityProtocol, username, password };
  }
  if (!input.username || !input.password) {
    void vscode.window.showErrorMessage(
      'SASL credentials need a user name and a password; nothing was stored.',
    );
    return false;
  }
  await credentials.set(saslConfig({ ...input, username: input.username, password: input.password }));
  void vscode.window.showInformationMessage(
    `SASL credentials for ${input.username} are stored in VS Code's secret storage; kernels started from now on use them for a real cluster (not for "mock").`,
  );
  return true;
}
