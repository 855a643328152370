// The Variables view of the kernel's globals, refreshed after each cell, and the kernels' own ports kept out
// of VS Code's port forwarding.
import * as vscode from 'vscode';
import { createServer, type Server } from 'node:net';
import { dom, log, screenshot, suite, test } from './harness.ts';
import {
  api,
  assert,
  assertEqual,
  closeAllEditors,
  outputText,
  runCells,
  scratchNotebook,
  waitFor,
} from './util.ts';

interface Variable {
  name: string;
  type: string;
  value: string;
  children?: Variable[];
}

export function registerVariables(): void {
  suite('Variables view', () => {
    test('lists the globals the cells defined, handles by C type and name, partition lists expanded, after each cell', async () => {
      await closeAllEditors();
      const editor = await scratchNotebook(
        [
          "const topic = 'orders';",
          'const e = errbuf();',
          'const rk = rd_kafka_new(RD_KAFKA_PRODUCER, rd_kafka_conf_new(), e, e.length);',
          'const assignment = rd_kafka_topic_partition_list_new(2);',
          'rd_kafka_topic_partition_list_add(assignment, topic, 0);',
          'rd_kafka_topic_partition_list_add(assignment, topic, 1);',
        ].join('\n'),
        'const later = 7;',
      );
      const a = await api();
      await vscode.commands.executeCommand('rdkafka.showVariables');
      const [s] = await runCells(editor, [0]);
      assert(s!.success, `cell failed: ${outputText(editor.notebook.cellAt(0))}`);
      const vars = (await waitFor(
        'the view to list rk',
        () => (a.variables() as Variable[]).some((v) => v.name === 'rk') && (a.variables() as Variable[]),
        20_000,
      )) as Variable[];
      const rk = vars.find((v) => v.name === 'rk')!;
      assertEqual(rk.type, 'rd_kafka_t *', 'type of rk');
      assert(/^rdkafka#producer-\d+ \(0x[0-9a-f]+\)$/.test(rk.value), `value of rk: ${rk.value}`);
      const list = vars.find((v) => v.name === 'assignment')!;
      assertEqual(list.type, 'rd_kafka_topic_partition_list_t *', 'type of the list');
      assertEqual(
        list.children?.map((c) => c.value.replace(/ offset -?\d+/, '')),
        ['orders [0]', 'orders [1]'],
        'the list expanded',
      );
      assert(!vars.some((v) => v.name === 'rd_kafka_new' || v.name === 'BOOTSTRAP'), 'kernel globals listed');
      // Rendered in the tree, as the user sees it.
      await waitFor(
        'the tree to show rk',
        async () =>
          (await dom('.monaco-list-row'))?.some((f) =>
            f.elements.some((e) => /rk\s*rd_kafka_t \*\s+rdkafka#producer/.test(e.text)),
          ) ?? true,
        20_000,
        500,
      );
      await screenshot('variables-view');
      // Refreshed after the next cell.
      await runCells(editor, [1]);
      await waitFor(
        'the view to list the new global',
        () => (a.variables() as Variable[]).some((v) => v.name === 'later'),
        20_000,
      );
    }, 120_000);

    test("the kernels' own ports (the mock cluster's brokers) are not forwarded; another new port is", async () => {
      if (!process.env.RDKAFKA_TEST_SHIM_URL) {
        await log('    (no shim: the Ports view is not inspected)');
        return;
      }
      const editor = await scratchNotebook('BOOTSTRAP');
      const [s] = await runCells(editor);
      const text = outputText(editor.notebook.cellAt(0));
      const brokers = [...text.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]!);
      assert(s!.success && brokers.length === 3, `BOOTSTRAP: ${text}`);
      // A port opened afterwards by another process (this test's host) is forwarded: once VS Code shows it,
      // it has looked at the brokers' ports too (opened earlier).
      const control: Server = await new Promise((resolve) => {
        const srv = createServer();
        srv.listen(0, '127.0.0.1', () => resolve(srv));
      });
      try {
        const controlPort = String((control.address() as { port: number }).port);
        await vscode.commands.executeCommand('~remote.forwardedPorts.focus');
        const forwarded = await waitFor(
          'the control port in the Ports view',
          async () => {
            const rows = (await dom('.monaco-list-row'))?.flatMap((f) => f.elements.map((e) => e.text)) ?? [];
            return rows.some((r) => r.includes(controlPort)) ? rows : undefined;
          },
          90_000,
          1000,
        ).catch(async (e: Error) => {
          await screenshot('ports-view-missing');
          const rows = (await dom('.monaco-list-row'))?.flatMap((f) => f.elements.map((x) => x.text)) ?? [];
          throw new Error(`${e.message}; rows: ${rows.slice(0, 30).join(' | ')}`);
        });
        await screenshot('ports-view');
        for (const port of brokers)
          assert(
            !forwarded.some((r) => r.includes(port)),
            `broker port ${port} is forwarded: ${forwarded.join(' | ')}`,
          );
      } finally {
        control.close();
      }
    }, 150_000);
  });
}
