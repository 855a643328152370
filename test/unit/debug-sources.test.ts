// Debug Cell's DAP translation (extension/notebook/debug-sources.ts): breakpoints in cells reach the
// kernel's source files and come back as cells, and no request that would kill the kernel gets through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fromAdapter,
  sparingTheKernel,
  toAdapter,
  type DapMessage,
} from '../../extension/notebook/debug-sources.ts';

test("Stop (terminate) and Disconnect reach the debugger as a disconnect that leaves the kernel's process running", () => {
  const stop: DapMessage = { type: 'request', command: 'terminate', arguments: { restart: false } };
  sparingTheKernel(stop);
  assert.deepEqual(stop, { type: 'request', command: 'disconnect', arguments: { terminateDebuggee: false } });
  const kill: DapMessage = {
    type: 'request',
    command: 'disconnect',
    arguments: { restart: false, terminateDebuggee: true },
  };
  sparingTheKernel(kill);
  assert.deepEqual(kill.arguments, { restart: false, terminateDebuggee: false });
  const bare: DapMessage = { type: 'request', command: 'disconnect' };
  sparingTheKernel(bare);
  assert.deepEqual(bare.arguments, { terminateDebuggee: false });
  // Everything else goes through as it is.
  const other: DapMessage = { type: 'request', command: 'continue', arguments: { threadId: 1 } };
  sparingTheKernel(other);
  assert.deepEqual(other, { type: 'request', command: 'continue', arguments: { threadId: 1 } });
  const event: DapMessage = { type: 'event', event: 'terminated' };
  sparingTheKernel(event);
  assert.deepEqual(event, { type: 'event', event: 'terminated' });
});

test('a breakpoint in a cell goes to its kernel source file, and a stop in that file comes back as the cell', () => {
  const cell = 'vscode-notebook-cell:/w/quickstart.rdkafka#W1sZmlsZQ%3D%3D';
  const file = '/tmp/rdkafka-workbench-debug-1/0123456789abcdef.ts';
  const set: DapMessage = {
    type: 'request',
    command: 'setBreakpoints',
    arguments: { source: { path: cell, name: 'cell' }, breakpoints: [{ line: 2 }] },
  };
  toAdapter(set, (uri) => (uri === cell ? file : undefined));
  assert.deepEqual(set.arguments!.source, { path: file, name: '0123456789abcdef.ts' });
  const stack: DapMessage = {
    type: 'response',
    command: 'stackTrace',
    success: true,
    body: { stackFrames: [{ id: 1, line: 2, source: { path: file, sourceReference: 7 } }] },
  };
  fromAdapter(stack, (p) => (p === file ? { uri: cell, name: 'quickstart.rdkafka, cell 3' } : undefined));
  assert.deepEqual((stack.body!.stackFrames as { source: unknown }[])[0]!.source, {
    path: cell,
    name: 'quickstart.rdkafka, cell 3',
  });
});
