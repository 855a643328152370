// `npm run vscode`: VS Code in the browser for anyone without a desktop VS Code. Installs the host if needed
// (test/vscode/install-host.sh: Node 24 + code-server into the cache), builds, starts code-server on
// 127.0.0.1 with a scratch copy of examples/ open (trying the notebooks never changes the repository's own
// files) and this extension loaded from the working tree, and prints the URL.
// `PORT=9000 npm run vscode` picks the port (default 8080). Ctrl-C stops it.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { URLSearchParams, fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = Number(process.env.PORT || 8080);

const paths = Object.fromEntries(
  execFileSync('bash', [join(root, 'test', 'vscode', 'install-host.sh')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  })
    .split('\n')
    .filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);
execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });

const cache =
  process.env.RDKAFKA_WORKBENCH_CACHE ||
  join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'rdkafka-workbench');
const state = join(cache, 'code-server-state');
mkdirSync(state, { recursive: true });
// A fresh copy each run, bindings left out (generated on first use from the header the copy finds).
const folder = mkdtempSync(join(tmpdir(), 'rdkafka-examples-'));
cpSync(join(root, 'examples'), folder, {
  recursive: true,
  filter: (src) => !src.includes('.rdkafka/bindings'),
});

// The profile's settings: the user's own are kept; the TypeScript extension may run in Restricted Mode, or
// VS Code in a browser starts it where code-server does not ship it once the folder is trusted (see
// TRUST_SETTINGS in test/vscode/host.ts), and completions would need a reload.
const settingsFile = join(state, 'user-data', 'User', 'settings.json');
mkdirSync(dirname(settingsFile), { recursive: true });
/** The profile's settings, or null when the file is not plain JSON (then it is left as it is). */
function readSettings() {
  try {
    return existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')) : {};
  } catch {
    console.log(`${settingsFile} is not plain JSON: left as it is`);
    return null;
  }
}
const userSettings = readSettings();
if (userSettings) {
  const support = { ...(userSettings['extensions.supportUntrustedWorkspaces'] ?? {}) };
  support['vscode.typescript-language-features'] ??= { supported: true };
  userSettings['extensions.supportUntrustedWorkspaces'] = support;
  writeFileSync(settingsFile, JSON.stringify(userSettings, null, 2) + '\n');
}
// The extension is loaded from the working tree as an extension under development (the same mechanism the
// tests use), so a rebuild and a window reload pick up changes without packaging.
const payload = JSON.stringify([['extensionDevelopmentPath', `vscode-remote://127.0.0.1:${port}${root}`]]);
const url = `http://127.0.0.1:${port}/?${new URLSearchParams({ folder, payload })}`;

const server = spawn(
  paths.NODE,
  [
    join(paths.CODE_SERVER, 'out', 'node', 'entry.js'),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--user-data-dir',
    join(state, 'user-data'),
    '--extensions-dir',
    join(state, 'extensions'),
    '--disable-telemetry',
    '--disable-update-check',
    '--vscode-option',
    'enable-smoke-test-driver',
  ],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, XDG_CONFIG_HOME: join(state, 'config'), XDG_DATA_HOME: join(state, 'data') },
  },
);
let shown = false;
server.stdout.on('data', (d) => {
  process.stdout.write(d);
  if (!shown && /HTTP server listening/.test(String(d))) {
    shown = true;
    console.log(
      `\nOpen this URL in a browser (a copy of examples/ in ${folder}, with the extension loaded):\n\n  ${url}\n`,
    );
  }
});
server.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.kill('SIGTERM'));
