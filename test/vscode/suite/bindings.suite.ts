import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite, test } from './harness.ts';
import { HEADER, api, assert, workspaceDir } from './util.ts';

type Result = { ok: true; dir: string; summary: string[] } | { ok: false; error: string };

/** A digest of every file in the bindings folder, to prove it did not change. */
function digest(dir: string): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
}

export function registerBindings(): void {
  suite('regenerate bindings', () => {
    test('from a given header path: bindings written, summary with version, counts and layout check', async () => {
      const a = await api();
      const result = await vscode.commands.executeCommand<Result>('rdkafka.regenerateBindings', {
        header: HEADER,
        restartKernels: false,
      });
      assert(result?.ok, `regeneration failed: ${result && !result.ok ? result.error : 'no result'}`);
      const dir = a.bindings.dir();
      assert(dir.startsWith(workspaceDir()), `bindings went to ${dir}, not into the workspace`);
      for (const f of ['bindings.js', 'model.json', 'rdkafka.d.ts', 'report.json'])
        assert(existsSync(join(dir, f)), `${f} missing in ${dir}`);
      const summary = result.summary.join('\n');
      assert(/librdkafka 2\.0\.2/.test(summary), `summary does not name the version:\n${summary}`);
      assert(/functions/.test(summary), `summary has no function count:\n${summary}`);
      assert(/layout check/.test(summary), `summary has no layout check:\n${summary}`);
    }, 120_000);

    test('a bad header fails with a message saying what to fix, and the old bindings stay as they were', async () => {
      const a = await api();
      const dir = a.bindings.dir();
      const before = digest(dir);
      const bad = join(workspaceDir(), 'fixtures', 'not-rdkafka.h');
      writeFileSync(bad, '#include <stdio.h>\nint main(void) { return 0; }\n');
      const result = await vscode.commands.executeCommand<Result>('rdkafka.regenerateBindings', {
        header: bad,
        restartKernels: false,
      });
      assert(result && !result.ok, 'regeneration from a header without librdkafka succeeded');
      assert(
        result.error.length > 20 && !/^\s*Error\s*$/.test(result.error),
        `unhelpful error: ${result.error}`,
      );
      assert(digest(dir) === before, 'the bindings folder changed after a failed regeneration');
      const missing = await vscode.commands.executeCommand<Result>('rdkafka.regenerateBindings', {
        header: join(workspaceDir(), 'no-such.h'),
      });
      assert(
        missing && !missing.ok && /no-such\.h/.test(missing.error),
        `a missing header should be named in the error: ${JSON.stringify(missing)}`,
      );
      assert(digest(dir) === before, 'the bindings folder changed after a failed regeneration');
    }, 120_000);
  });
}
