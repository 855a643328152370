// Debug Cell with VS Code's own JavaScript debugger attached to the kernel: a breakpoint set in a cell stops
// at that cell and line with the locals readable, one in a dr_msg_cb stops while librdkafka delivers, and
// the kernel keeps its state through it.
import * as vscode from 'vscode';
import { screenshot, suite, test } from './harness.ts';
import {
  assert,
  assertEqual,
  closeAllEditors,
  NOTEBOOK_TYPE,
  outputText,
  runCells,
  scratchNotebook,
  waitFor,
} from './util.ts';

interface Frame {
  id: number;
  name: string;
  line: number;
  source?: { path?: string; name?: string };
}

/** The frame VS Code stopped at, once it has stopped. */
async function stoppedFrame(): Promise<{ session: vscode.DebugSession; threadId: number; frames: Frame[] }> {
  const item = await waitFor(
    'the debugger to stop',
    () =>
      vscode.debug.activeStackItem instanceof vscode.DebugStackFrame
        ? vscode.debug.activeStackItem
        : undefined,
    60_000,
    200,
  ).catch(async (e: Error) => {
    await screenshot('debug-not-stopped');
    throw e;
  });
  const trace = (await item.session.customRequest('stackTrace', { threadId: item.threadId })) as {
    stackFrames: Frame[];
  };
  return { session: item.session, threadId: item.threadId, frames: trace.stackFrames };
}

/** The variables of a frame's scopes, by scope name. */
async function scopeVariables(session: vscode.DebugSession, frameId: number) {
  const { scopes } = (await session.customRequest('scopes', { frameId })) as {
    scopes: { name: string; variablesReference: number }[];
  };
  const out: Record<string, { name: string; value: string }[]> = {};
  for (const s of scopes.slice(0, 2)) {
    const { variables } = (await session.customRequest('variables', {
      variablesReference: s.variablesReference,
    })) as { variables: { name: string; value: string }[] };
    out[s.name] = variables;
  }
  return out;
}

/** A breakpoint on `line` (from 1, as the editor shows it) of a cell, set as a click in its gutter sets it. */
function breakpointOn(cell: vscode.NotebookCell, line: number): vscode.SourceBreakpoint {
  const bp = new vscode.SourceBreakpoint(
    new vscode.Location(cell.document.uri, new vscode.Position(line - 1, 0)),
  );
  vscode.debug.addBreakpoints([bp]);
  return bp;
}

/**
 * After a test: its breakpoint removed, and the Debug Console the debugger opened on the bottom panel closed,
 * so that the suites after this one find the window as they left it (a panel there covers webviews).
 */
async function leaveDebugging(bp: vscode.SourceBreakpoint): Promise<void> {
  vscode.debug.removeBreakpoints([bp]);
  await vscode.commands.executeCommand('workbench.action.closePanel');
}

/**
 * Follows the kernel's debugging sessions as the debug toolbar and Call Stack show them: the attach session
 * and every session under it (js-debug adds the target's own, then one per worker thread).
 */
function kernelSessions(): { running: () => number; dispose: () => void } {
  const live = new Set<string>();
  const ours = (s: vscode.DebugSession | undefined): boolean =>
    !!s && (s.name.endsWith('(librdkafka kernel)') || ours(s.parentSession));
  const subs = [
    vscode.debug.onDidStartDebugSession((s) => ours(s) && live.add(s.id)),
    vscode.debug.onDidTerminateDebugSession((s) => live.delete(s.id)),
  ];
  return { running: () => live.size, dispose: () => subs.forEach((d) => d.dispose()) };
}

export function registerDebug(): void {
  suite('Debug Cell', () => {
    test('a breakpoint on line 2 of a cell stops there with a local readable, then the cell runs to its end', async () => {
      await closeAllEditors();
      const editor = await scratchNotebook(
        'const factor = 2;',
        'function compute(n: number) {\n  const scaled = n * factor;\n  return scaled;\n}\ncompute(21)',
        'compute(5)',
      );
      const nb = editor.notebook;
      await runCells(editor, [0]);
      const cell = nb.cellAt(1);
      const bp = breakpointOn(cell, 2);
      const sessions = kernelSessions();
      try {
        const debugged = vscode.commands.executeCommand<boolean>('rdkafka.debugCell', cell);
        const { session, threadId, frames } = await stoppedFrame();
        const top = frames[0]!;
        assertEqual(top.source?.path, cell.document.uri.toString(), 'stopped in the cell');
        assertEqual(top.line, 2, 'stopped at line');
        assert(/cell 2/.test(top.source?.name ?? ''), `frame source name: ${top.source?.name}`);
        const vars = await scopeVariables(session, top.id);
        const local = Object.values(vars)
          .flat()
          .find((v) => v.name === 'n');
        assertEqual(local?.value, '21', 'the local n');
        const globals = (await session.customRequest('evaluate', {
          expression: 'factor + typeof rd_kafka_new',
          frameId: top.id,
          context: 'watch',
        })) as { result: string };
        assertEqual(globals.result, "'2function'", 'a kernel global and a C function from the frame');
        await screenshot('debug-cell-stopped');
        await session.customRequest('continue', { threadId });
        assert(await debugged, 'Debug Cell did not finish');
        assert(cell.executionSummary?.success === true, `the cell failed: ${outputText(cell)}`);
        assert(outputText(cell).includes('42'), `cell output: ${outputText(cell)}`);
        assertEqual(sessions.running(), 0, 'debugging sessions left running after the cell');
      } finally {
        sessions.dispose();
        await leaveDebugging(bp);
      }
      // The kernel kept its state through the debugging session.
      const [after] = await runCells(editor, [2]);
      assert(after!.success && outputText(nb.cellAt(2)).includes('10'), `after: ${outputText(nb.cellAt(2))}`);
    }, 180_000);

    test('Stop while paused ends the debugging session, the cell runs on to its end, and Debug Cell works again', async () => {
      await closeAllEditors();
      const editor = await scratchNotebook(
        'let runs = 0;',
        'runs += 1;\nconst stamp = runs * 10;\nstamp',
        'runs',
      );
      const nb = editor.notebook;
      await runCells(editor, [0]);
      const cell = nb.cellAt(1);
      const bp = breakpointOn(cell, 2);
      const sessions = kernelSessions();
      try {
        const first = vscode.commands.executeCommand<boolean>('rdkafka.debugCell', cell);
        const stopped = await stoppedFrame();
        assertEqual(stopped.frames[0]!.line, 2, 'stopped at line');
        // What the debug toolbar's Stop (Shift+F5) does, on the session the debugger stopped in.
        await vscode.commands.executeCommand('workbench.action.debug.stop');
        assert(await first, 'Debug Cell did not finish after Stop');
        assertEqual(sessions.running(), 0, 'debugging sessions left running after Stop');
        await waitFor('the cell to end', () => cell.executionSummary?.success !== undefined, 30_000);
        assert(cell.executionSummary?.success === true, `the cell failed: ${outputText(cell)}`);
        assert(outputText(cell).includes('10'), `the cell did not run to its end: ${outputText(cell)}`);
        await screenshot('debug-cell-after-stop');

        // Debug Cell again: a new session that stops at the same breakpoint, then Continue.
        const second = vscode.commands.executeCommand<boolean>('rdkafka.debugCell', cell);
        const again = await stoppedFrame();
        assertEqual(again.frames[0]!.line, 2, 'stopped again at line');
        await again.session.customRequest('continue', { threadId: again.threadId });
        assert(await second, 'the second Debug Cell did not finish');
        assert(outputText(cell).includes('20'), `the second run: ${outputText(cell)}`);
      } finally {
        sessions.dispose();
        await leaveDebugging(bp);
      }
      // The kernel kept its state through both sessions.
      const [after] = await runCells(editor, [2]);
      assert(after!.success && /\b2\b/.test(outputText(nb.cellAt(2))), `after: ${outputText(nb.cellAt(2))}`);
    }, 180_000);

    test('Debug Cell on a C cell says it debugs TypeScript and JavaScript cells, and starts no debugger', async () => {
      await closeAllEditors();
      const data = new vscode.NotebookData([
        new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'int main(void) { return 0; }\n', 'c'),
      ]);
      const editor = await vscode.window.showNotebookDocument(
        await vscode.workspace.openNotebookDocument(NOTEBOOK_TYPE, data),
      );
      let started = 0;
      const sub = vscode.debug.onDidStartDebugSession(() => started++);
      try {
        const debugged = await vscode.commands.executeCommand<boolean>(
          'rdkafka.debugCell',
          editor.notebook.cellAt(0),
        );
        assertEqual(debugged, false, 'Debug Cell on a C cell');
        assertEqual(started, 0, 'debugging sessions started');
        assertEqual(editor.notebook.cellAt(0).executionSummary?.executionOrder, undefined, 'the C cell ran');
      } finally {
        sub.dispose();
      }
    });

    test('a breakpoint in a dr_msg_cb stops while librdkafka delivers during a debugged cell', async () => {
      const editor = await scratchNotebook(
        [
          'let delivered = 0;',
          'function onDelivery(rk: bigint, rkmessage: bigint, opaque: bigint | null) {',
          '  delivered += rkmsg.err(rkmessage) === 0 ? 1 : 0;',
          '}',
          'const e = errbuf();',
          'const conf = rd_kafka_conf_new();',
          "rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, e, e.length);",
          'rd_kafka_conf_set_dr_msg_cb(conf, onDelivery);',
          'const producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, e, e.length);',
        ].join('\n'),
        [
          "rd_kafka_producev(producer, RD_KAFKA_V_TOPIC('debugged'), RD_KAFKA_V_VALUE('x'), RD_KAFKA_V_END);",
          'rd_kafka_flush(producer, 10000);',
          'delivered',
        ].join('\n'),
      );
      const nb = editor.notebook;
      const [setup] = await runCells(editor, [0]);
      assert(setup!.success, `setup: ${outputText(nb.cellAt(0))}`);
      const callback = nb.cellAt(0);
      const bp = breakpointOn(callback, 3);
      const sessions = kernelSessions();
      try {
        const debugged = vscode.commands.executeCommand<boolean>('rdkafka.debugCell', nb.cellAt(1));
        const { session, threadId, frames } = await stoppedFrame();
        const top = frames[0]!;
        assertEqual(
          top.source?.path,
          callback.document.uri.toString(),
          'stopped in the cell defining the callback',
        );
        assertEqual(top.line, 3, 'stopped at line');
        assert(/\bonDelivery$/.test(top.name), `frame ${top.name}`);
        await session.customRequest('continue', { threadId });
        assert(await debugged, 'Debug Cell did not finish');
        assert(
          nb.cellAt(1).executionSummary?.success === true,
          `the cell failed: ${outputText(nb.cellAt(1))}`,
        );
        assert(/\b1\b/.test(outputText(nb.cellAt(1))), `delivered: ${outputText(nb.cellAt(1))}`);
        assertEqual(sessions.running(), 0, 'debugging sessions left running after the cell');
      } finally {
        sessions.dispose();
        await leaveDebugging(bp);
      }
    }, 180_000);
    test('a breakpoint in a rebalance_cb stops while the debugged cell polls the consumer', async () => {
      await closeAllEditors();
      const editor = await scratchNotebook(
        [
          'let assigned = 0;',
          'function onRebalance(rk: bigint, err: number, partitions: bigint, opaque: bigint | null) {',
          '  if (err === RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {',
          '    assigned += 1;',
          '    rd_kafka_assign(rk, partitions);',
          '  } else rd_kafka_assign(rk, null);',
          '}',
          "rd_kafka_mock_topic_create(MOCK_CLUSTER, 'debugged-rebalance', 1, 1);",
          'const e = errbuf();',
          'const conf = rd_kafka_conf_new();',
          "rd_kafka_conf_set(conf, 'bootstrap.servers', BOOTSTRAP, e, e.length);",
          "rd_kafka_conf_set(conf, 'group.id', 'debugged', e, e.length);",
          'rd_kafka_conf_set_rebalance_cb(conf, onRebalance);',
          'const consumer = rd_kafka_new(RD_KAFKA_CONSUMER, conf, e, e.length);',
          'rd_kafka_poll_set_consumer(consumer);',
          'const topics = rd_kafka_topic_partition_list_new(1);',
          "rd_kafka_topic_partition_list_add(topics, 'debugged-rebalance', RD_KAFKA_PARTITION_UA);",
        ].join('\n'),
        [
          'rd_kafka_subscribe(consumer, topics);',
          'const until = Date.now() + 30000;',
          'while (assigned === 0 && Date.now() < until) {',
          '  const m = rd_kafka_consumer_poll(consumer, 100);',
          '  if (m) rd_kafka_message_destroy(m);',
          '}',
          'assigned',
        ].join('\n'),
        'rd_kafka_consumer_close(consumer);\nrd_kafka_destroy(consumer);',
      );
      const nb = editor.notebook;
      const [setup] = await runCells(editor, [0]);
      assert(setup!.success, `setup: ${outputText(nb.cellAt(0))}`);
      const bp = breakpointOn(nb.cellAt(0), 4);
      const sessions = kernelSessions();
      try {
        const debugged = vscode.commands.executeCommand<boolean>('rdkafka.debugCell', nb.cellAt(1));
        const { session, threadId, frames } = await stoppedFrame();
        const top = frames[0]!;
        assertEqual(top.source?.path, nb.cellAt(0).document.uri.toString(), 'stopped in the defining cell');
        assertEqual(top.line, 4, 'stopped at line');
        assert(/\bonRebalance$/.test(top.name), `frame ${top.name}`);
        await session.customRequest('continue', { threadId });
        assert(await debugged, 'Debug Cell did not finish');
        assert(/^1\b/.test(outputText(nb.cellAt(1)).trim()), `assigned: ${outputText(nb.cellAt(1))}`);
        assertEqual(sessions.running(), 0, 'debugging sessions left running after the cell');
      } finally {
        sessions.dispose();
        await leaveDebugging(bp);
      }
      const [closed] = await runCells(editor, [2]);
      assert(closed!.success, `close: ${outputText(nb.cellAt(2))}`);
    }, 180_000);
  });
}
