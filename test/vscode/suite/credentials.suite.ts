// SASL credentials are bound to the cluster they were stored for, and a notebook naming a cluster the user
// has not approved is asked about (once) before the kernel connects. The real extension host, a real kernel,
// and a TCP listener standing in for the other cluster, which records every connection and byte it gets.
import * as vscode from 'vscode';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frames, suite, test } from './harness.ts';
import {
  NOTEBOOK_TYPE,
  api,
  assert,
  assertEqual,
  closeAllEditors,
  outputText,
  runCells,
  selectKernel,
  waitFor,
  workspaceDir,
} from './util.ts';

const MINE = '127.0.0.1:9';
const PASSWORD = 'hunter2-secret';

/** A cell that prints BOOTSTRAP and the SASL user name and password length its configurations get, then connects. */
const PROBE = [
  'const conf = rd_kafka_conf_new();',
  'const buf = errbuf(256); const size = out.size();',
  "size[0] = 256n; rd_kafka_conf_get(conf, 'sasl.username', buf, size); const user = buf.text;",
  "size[0] = 256n; rd_kafka_conf_get(conf, 'sasl.password', buf, size); const pw = buf.text.length;",
  "rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, buf, 256);",
  'const probe = rd_kafka_new(RD_KAFKA_PRODUCER, conf, buf, 256);',
  'console.log(`${BOOTSTRAP} user=${JSON.stringify(user)} password-length=${pw}`);',
].join('\n');

async function notebookFor(bootstrap: string): Promise<vscode.NotebookEditor> {
  const data = new vscode.NotebookData([
    new vscode.NotebookCellData(vscode.NotebookCellKind.Code, PROBE, 'typescript'),
  ]);
  data.metadata = { bootstrap };
  const editor = await vscode.window.showNotebookDocument(
    await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data),
  );
  await selectKernel(editor);
  return editor;
}

/** "Someone else's cluster": a listener that records what reaches it. */
function otherCluster(): Promise<{
  server: Server;
  bootstrap: string;
  connections: () => number;
  bytes: () => string;
}> {
  let connections = 0;
  let bytes = '';
  const server = createServer((socket) => {
    connections++;
    socket.on('data', (d) => (bytes += d.toString('latin1')));
    socket.on('error', () => {});
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        server,
        bootstrap: `127.0.0.1:${(server.address() as AddressInfo).port}`,
        connections: () => connections,
        bytes: () => bytes,
      }),
    ),
  );
}

export function registerCredentials(): void {
  suite('cluster credentials', () => {
    test('SASL credentials are stored for one cluster in the secret storage, never in settings, and shown redacted', async () => {
      const stored = await vscode.commands.executeCommand<boolean>('rdkafka.setClusterCredentials', {
        bootstrap: MINE,
        mechanism: 'PLAIN',
        securityProtocol: 'SASL_PLAINTEXT',
        username: 'alice',
        password: PASSWORD,
      });
      assert(stored, 'credentials not stored');
      const a = await api();
      const shown = await a.shownClusterConfig(MINE);
      assertEqual(shown['sasl.username'], 'alice', 'user name shown');
      assert(
        shown['sasl.password'] && !shown['sasl.password'].includes('hunter2'),
        `password not redacted: ${JSON.stringify(shown)}`,
      );
      assertEqual(
        Object.keys(await a.shownClusterConfig('127.0.0.1:8')).length,
        0,
        'credentials shown for another cluster',
      );
      const settingsFile = join(workspaceDir(), '.vscode', 'settings.json');
      assert(
        !existsSync(settingsFile) || !readFileSync(settingsFile, 'utf8').includes('hunter2'),
        'the password reached the workspace settings',
      );
      assert(
        !JSON.stringify(vscode.workspace.getConfiguration('rdkafka')).includes('hunter2'),
        'the password reached the configuration',
      );
      const refused = await vscode.commands.executeCommand<boolean>('rdkafka.setClusterCredentials', {
        username: 'bob',
        password: 'x-secret',
      });
      assertEqual(refused, false, 'credentials stored without naming their cluster');
    });

    test('a notebook naming the cluster the credentials are for gets them, without a question', async () => {
      const editor = await notebookFor(MINE);
      const [s] = await runCells(editor);
      const text = outputText(editor.notebook.cellAt(0));
      assert(s!.success, `cell failed: ${text}`);
      assert(
        text.includes(`${MINE} user="alice" password-length=${PASSWORD.length}`),
        `the kernel did not get the credentials: ${text}`,
      );
      await closeAllEditors();
    }, 120_000);

    test("a notebook naming someone else's cluster: asked first, no connection until approved, and never the stored credentials", async () => {
      const other = await otherCluster();
      try {
        const a = await api();
        const editor = await notebookFor(other.bootstrap);
        // Declined: nothing connects, the cell says why.
        let run = runCells(editor);
        await waitFor(
          'the question about the cluster',
          () => a.pendingClusterApproval() === other.bootstrap,
          30_000,
        );
        // Where the shim can read the window (code-server), the question is there for the user to see.
        await waitFor(
          'the question on screen',
          async () => (await frames())?.some((f) => f.text.includes(`Connect to ${other.bootstrap}`)) ?? true,
          15_000,
        );
        await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
        const [declined] = await run;
        assertEqual(declined!.success, false, 'the cell ran after the user declined');
        assert(
          /not connecting to 127\.0\.0\.1:\d+/.test(outputText(editor.notebook.cellAt(0))),
          `no reason given: ${outputText(editor.notebook.cellAt(0))}`,
        );
        assertEqual(other.connections(), 0, 'connections to the unapproved cluster');

        // Approved: the kernel connects, without the credentials of the other cluster.
        run = runCells(editor);
        await waitFor('the question again', () => a.pendingClusterApproval() === other.bootstrap, 30_000);
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        const [approved] = await run;
        const text = outputText(editor.notebook.cellAt(0));
        assert(approved!.success, `cell failed after approval: ${text}`);
        assert(
          text.includes(`${other.bootstrap} user="" password-length=0`),
          `credentials reached the kernel: ${text}`,
        );
        await waitFor('the kernel to connect', () => other.connections() > 0, 30_000);
        assert(
          !other.bytes().includes('hunter2') && !other.bytes().includes('alice'),
          'credentials were sent',
        );

        // Asked once: a restart connects without a question.
        await vscode.commands.executeCommand('rdkafka.restartKernel', editor.notebook.uri);
        const [again] = await runCells(editor);
        assert(again!.success, `cell failed after restart: ${outputText(editor.notebook.cellAt(0))}`);
        assertEqual(a.pendingClusterApproval(), undefined, 'asked again');
      } finally {
        await closeAllEditors();
        other.server.close();
        await vscode.commands.executeCommand('rdkafka.clearClusterCredentials', { all: true });
      }
    }, 180_000);
  });
}
