import * as vscode from 'vscode';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseNotebook } from '../../../extension/notebook/format.ts';
import { suite, test } from './harness.ts';
import { assert, assertEqual, openNotebook, readText, wsUri } from './util.ts';

export function registerSerializer(): void {
  suite('serializer', () => {
    test('cells, languages and saved outputs appear as written', async () => {
      const { notebook } = await openNotebook('fixtures', 'roundtrip.rdkafka');
      assertEqual(notebook.cellCount, 2, 'cell count');
      const [md, code] = [notebook.cellAt(0), notebook.cellAt(1)];
      assertEqual(md.kind, vscode.NotebookCellKind.Markup, 'first cell kind');
      assertEqual(code.document.languageId, 'typescript', 'code cell language');
      assertEqual(code.outputs.length, 3, 'outputs of the code cell');
      const mimes = code.outputs.map((o) => o.items.map((i) => i.mime));
      assertEqual(
        mimes,
        [
          ['application/vnd.code.notebook.stdout'],
          ['application/json', 'text/plain'],
          ['application/vnd.code.notebook.error'],
        ],
        'output MIME types',
      );
    });

    test('an edit saved to disk keeps outputs, unknown fields and key order', async () => {
      const uri = wsUri('fixtures', 'roundtrip.rdkafka');
      const before = parseNotebook(readText(uri));
      const { notebook } = await openNotebook('fixtures', 'roundtrip.rdkafka');
      const edit = new vscode.WorkspaceEdit();
      edit.set(notebook.uri, [
        vscode.NotebookEdit.insertCells(2, [
          new vscode.NotebookCellData(vscode.NotebookCellKind.Code, 'console.log(1)', 'typescript'),
        ]),
      ]);
      assert(await vscode.workspace.applyEdit(edit), 'edit not applied');
      assert(await notebook.save(), 'save failed');
      const after = parseNotebook(readText(uri));
      assertEqual(after.cells.length, 3, 'cells after save');
      assertEqual(after.cells[1]!.outputs, before.cells[1]!.outputs, 'outputs after save');
      assertEqual(after.cells[1]!.tags, ['kept'], 'unknown cell field');
      assertEqual(after.futureField, { kept: true }, 'unknown top-level field');
      assertEqual(after.metadata, { title: 'round trip fixture' }, 'notebook metadata');
      assertEqual(after.cells[2]!.source, 'console.log(1)', 'new cell');
    });

    test('a malformed file is refused with a message naming the problem and stays untouched on disk', async () => {
      const uri = wsUri('fixtures', 'broken.rdkafka');
      const text = readText(uri);
      let message = '';
      try {
        await vscode.workspace.openNotebookDocument(uri);
      } catch (e) {
        message = (e as Error).message;
      }
      assert(
        /invalid JSON at line 1/.test(message),
        `expected an "invalid JSON at line 1" error, got: ${message || 'no error'}`,
      );
      assertEqual(readText(uri), text, 'file text');
    });

    test('a file that is not UTF-8 is refused naming its first bad byte, so it can never be saved back with U+FFFD', async () => {
      const uri = wsUri('fixtures', 'latin1.rdkafka');
      const bytes = Buffer.concat([
        Buffer.from('{"rdkafkaNotebook": 1, "cells": [{"kind": "code", "source": "caf'),
        Buffer.from([0xe9]),
        Buffer.from('"}]}\n'),
      ]);
      writeFileSync(uri.fsPath, bytes);
      let message = '';
      try {
        await vscode.workspace.openNotebookDocument(uri);
      } catch (e) {
        message = (e as Error).message;
      }
      assert(
        /not UTF-8 text: byte 0xE9 at offset 64 \(line 1, byte 65 of that line\)/.test(message),
        `expected the refusal naming byte 0xE9 at offset 64, got: ${message || 'the notebook opened'}`,
      );
      assert(
        !vscode.workspace.notebookDocuments.some((n) => n.uri.toString() === uri.toString()),
        'the notebook is open',
      );
      assert(readFileSync(uri.fsPath).equals(bytes), 'the file changed on disk');
    });
  });
}
