// Tracing in the real VS Code host: Trace a Program runs kcat in a terminal and the events panel follows
// it live; a C cell runs in a notebook with its output, exit code, events under its own handle, and a
// compile error shown at its line.
import * as vscode from 'vscode';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite, test, frames, log } from './harness.ts';
import type { TraceSession } from '../../../extension/commands/traceProgram.ts';
import { api, assert, NOTEBOOK_TYPE, outputText, runCells, selectKernel, waitFor } from './util.ts';

const C_PRODUCER = `#include <stdio.h>
#include <librdkafka/rdkafka.h>

static void dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk, (void)opaque;
  printf("delivered %s\\n", m->err ? rd_kafka_err2str(m->err) : "ok");
}

int main(void) {
  char err[512];
  int unused_here; /* a warning: shown at this line, the cell still runs */
  rd_kafka_conf_t *c = rd_kafka_conf_new();
  rd_kafka_conf_set(c, "bootstrap.servers", RDKAFKA_WORKBENCH_BOOTSTRAP, err, sizeof err);
  rd_kafka_conf_set_dr_msg_cb(c, dr);
  rd_kafka_t *p = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof err);
  for (int i = 0; i < 3; i++)
    rd_kafka_producev(p, RD_KAFKA_V_TOPIC("vscode-c-cell"), RD_KAFKA_V_VALUE("hi", 2), RD_KAFKA_V_END);
  rd_kafka_flush(p, 10000);
  rd_kafka_destroy(p);
  return 0;
}
`;
const C_FOREVER =
  '#include <stdio.h>\n#include <unistd.h>\nint main(void) {\n  printf("pid %d\\n", (int)getpid());\n  fflush(stdout);\n  for (;;) pause();\n}\n';
const C_BROKEN =
  '#include <librdkafka/rdkafka.h>\nint main(void) {\n  rd_kafka_t *rk = 0;\n  return rd_kafka_no_such(rk);\n}\n';

export function registerTrace(): void {
  suite('tracing', () => {
    test('Trace a Program: kcat runs in a terminal and the events panel receives its delivery reports live', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'wb-trace-vscode-'));
      const file = join(dir, 'lines.txt');
      writeFileSync(file, Array.from({ length: 25 }, (_, i) => `line ${i}\n`).join(''));
      // kcat's own in-process mock cluster: nothing else to start.
      const commandLine = `kcat -P -b 127.0.0.1:1 -X test.mock.num.brokers=3 -t vscode-traced -l ${file}`;
      // A small sample of what a panel opened late starts with stands in for a program that runs for hours.
      const session = await vscode.commands.executeCommand<TraceSession>('rdkafka.traceProgram', {
        commandLine,
        sample: { head: 5, tail: 5 },
      });
      assert(session?.key, 'the command started no trace');
      const a = await api();
      await waitFor(
        "kcat's 25 delivery reports in the panel",
        () => (a.sourcePanelStats(session.key)?.byType.dr ?? 0) >= 25,
        60_000,
      );
      // The panel says which librdkafka kcat ran on, and has that version's statistics field docs.
      const shownStats = a.sourcePanelStats(session.key);
      assert(
        /^\d+\.\d+\.\d+/.test(shownStats?.librdkafka ?? ''),
        `the panel was told librdkafka ${shownStats?.librdkafka}`,
      );
      assert(shownStats?.statsDocs, 'the panel got no statistics field docs');
      assert(
        vscode.window.terminals.includes(session.terminal),
        'the program does not run in a terminal of its own',
      );
      if (await frames()) {
        const shown = await waitFor(
          'the panel to show the traced handle',
          async () => (await frames())!.find((f) => /rdkafka#producer-1/.test(f.text)),
          15_000,
          500,
        );
        assert(shown, 'no frame shows the traced producer');
      } else await log('    (no shim: the webview content is not inspected)');
      // The session keeps a bounded sample for a panel opened later, and its counts stay exact.
      const kept = session.events;
      assert(
        kept.filter((e) => e.type === 'dr').length <= 10,
        `${kept.filter((e) => e.type === 'dr').length} delivery reports kept in detail`,
      );
      const counted = kept.reduce(
        (n, e) => n + (e.type === 'dr' ? 1 : e.type === 'dropped' ? (e.data.counts.dr ?? 0) : 0),
        0,
      );
      assert(counted === 25, `the kept sample counts ${counted} delivery reports, not 25`);
      assert(
        kept.some((e) => e.type === 'handle_created'),
        'the handle is not in what a late panel starts with',
      );
      session.terminal.dispose();

      // Asked again, the command offers the last command line first: accepting it traces it again.
      let again: TraceSession | undefined;
      let answered = false;
      void vscode.commands
        .executeCommand<TraceSession | undefined>('rdkafka.traceProgram')
        .then((s) => ((again = s), (answered = true)));
      await waitFor(
        'the question to offer the last command line',
        async () => {
          if (!answered) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
          return answered;
        },
        30_000,
        250,
      );
      assert(again?.commandLine === commandLine, `traced ${again?.commandLine ?? 'nothing'} instead`);
      again.terminal.dispose();
    }, 120_000);

    test('a C cell: its output, exit code and events under its own handle; a warning and a compile error at their lines; cancel stops it', async () => {
      const data = new vscode.NotebookData([
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, C_PRODUCER, 'c'),
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, C_BROKEN, 'c'),
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, C_FOREVER, 'c'),
      ]);
      const doc = await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data);
      const editor = await vscode.window.showNotebookDocument(doc);
      await selectKernel(editor);
      assert(await vscode.commands.executeCommand('rdkafka.openEventsPanel', doc.uri), 'no panel');
      const a = await api();
      const [ok] = await runCells(editor, [0], 120_000);
      const text = outputText(doc.cellAt(0));
      assert(ok!.success, `the C cell failed:\n${text}`);
      assert((text.match(/delivered ok/g) ?? []).length === 3, `three delivery reports printed:\n${text}`);
      assert(/exit code 0/.test(text), `no exit code shown:\n${text}`);
      const warnings = vscode.languages
        .getDiagnostics(doc.cellAt(0).document.uri)
        .filter((x) => x.source === 'cc' && x.severity === vscode.DiagnosticSeverity.Warning);
      assert(
        warnings.some((w) => w.range.start.line === 10 && /unused_here/.test(w.message)),
        `warnings: ${warnings.map((w) => `${w.range.start.line + 1}: ${w.message}`).join('; ') || 'none'}`,
      );
      await waitFor(
        "the C cell's delivery reports in the panel",
        () => (a.panelStats(doc)?.byType.dr ?? 0) >= 3,
        20_000,
      );
      const handles = new Set(
        a
          .events(doc)
          .filter((e) => e.type === 'dr')
          .map((e) => e.handle),
      );
      assert(
        handles.size === 1 && handles.has('rdkafka#producer-1 (cell 1)'),
        `delivery reports under ${[...handles].join(', ')}`,
      );

      const [bad] = await runCells(editor, [1], 120_000);
      assert(bad!.success === false, 'the broken cell compiled');
      assert(
        /CompileError: cell 2 did not compile/.test(outputText(doc.cellAt(1))),
        outputText(doc.cellAt(1)),
      );
      const diags = await waitFor(
        'the compile error as a diagnostic',
        () => {
          const d = vscode.languages
            .getDiagnostics(doc.cellAt(1).document.uri)
            .filter((x) => x.source === 'cc');
          return d.length ? d : undefined;
        },
        10_000,
      );
      assert(
        diags.some(
          (d) =>
            d.severity === vscode.DiagnosticSeverity.Error &&
            d.range.start.line === 3 &&
            /rd_kafka_no_such/.test(d.message),
        ),
        `diagnostics: ${diags.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.message}`).join('; ')}`,
      );

      // The cell's stop button (cancel) stops a program that would run forever.
      const running = runCells(editor, [2], 60_000);
      const pid = await waitFor(
        'the endless program to start',
        () => /pid (\d+)/.exec(outputText(doc.cellAt(2)))?.[1],
        60_000,
      );
      await vscode.commands.executeCommand('notebook.cell.cancelExecution', {
        ranges: [{ start: 2, end: 3 }],
        document: doc.uri,
      });
      const [cancelled] = await running;
      assert(cancelled!.success === false, 'a cancelled C cell should end unsuccessfully');
      assert(
        /^Interrupted: cell 3 stopped before its end/m.test(outputText(doc.cellAt(2))),
        outputText(doc.cellAt(2)),
      );
      let gone = false;
      try {
        process.kill(Number(pid), 0);
      } catch {
        gone = true;
      }
      assert(gone, `the program (pid ${pid}) still runs after its cell was cancelled`);
    }, 240_000);
  });
}
