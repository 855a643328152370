// A cell that prints 600 MB: the runner neither crashes nor grows with it (its peak RSS is measured), the
// notebook keeps the head and the tail with one line saying how much was dropped, and later cells still run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseNotebook } from '../../extension/notebook/format.ts';
import { OUTPUT_LIMIT } from '../../extension/notebook/output-limit.ts';
import { cliPath, repoRoot } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';
import { writeNotebook } from '../support/notebook.ts';

const dir = mkdtempSync(join(tmpdir(), 'wb-big-output-'));

test(
  '600 MB printed by one cell: exit 0, runner peak RSS bounded, head + tail + a dropped line saved',
  { timeout: 300_000 },
  async (t) => {
    const nb = join(dir, 'big.rdkafka');
    const out = join(dir, 'big.out.rdkafka');
    writeNotebook(nb, [
      // 600 writes of 1 MB (10,000 lines of 100 characters each)
      'const chunk = ("x".repeat(99) + "\\n").repeat(10_000);\nconsole.log("first line");\nfor (let i = 0; i < 600; i++) process.stdout.write(chunk);\nconsole.log("last line");',
      '"the next cell ran"',
    ]);
    // The runner's own peak RSS, reported by itself as it exits.
    const hook = join(dir, 'maxrss.cjs');
    writeFileSync(
      hook,
      "process.on('exit', () => require('node:fs').writeSync(2, `maxrss ${process.resourceUsage().maxRSS}\\n`));",
    );
    const child = spawn(
      process.execPath,
      ['-r', hook, cliPath, 'run', nb, '--bindings', bindings(), '--out', out],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 0, stderr);
    const rssKb = Number(/maxrss (\d+)/.exec(stderr)?.[1]);
    t.diagnostic(`runner peak RSS ${Math.round(rssKb / 1024)} MB for 600 MB of output`);
    assert.ok(rssKb > 0 && rssKb < 350 * 1024, `runner peak RSS ${Math.round(rssKb / 1024)} MB`);

    const saved = parseNotebook(readFileSync(out, 'utf8'));
    const [head, notice, tail] = saved.cells[0]!.outputs;
    assert.equal(saved.cells[0]!.outputs.length, 3);
    assert.ok(head?.kind === 'stream' && head.text.startsWith('first line\nxxx'));
    assert.equal(head.text.length, OUTPUT_LIMIT.headChars);
    assert.ok(tail?.kind === 'stream' && tail.text.endsWith('xxx\nlast line\n'));
    assert.equal(tail.text.length, OUTPUT_LIMIT.tailChars);
    const printed = 'first line\n'.length + 600 * 1_000_000 + 'last line\n'.length;
    const dropped = printed - OUTPUT_LIMIT.headChars - OUTPUT_LIMIT.tailChars;
    assert.ok(notice?.kind === 'stream');
    assert.match(
      notice.text,
      new RegExp(
        `\\[… ${dropped.toLocaleString('en-US')} characters \\([\\d,]+ lines\\) of output dropped here`,
      ),
    );
    assert.equal(saved.cells[1]!.outputs[0]!.kind, 'result');
  },
);
