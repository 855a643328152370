// The generator's and the kernel's advice, worded for the command line, as VS Code's Regenerate command and
// the kernel's start error say it (extension/commands/wording.ts): the generator's real failures go through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forVSCode } from '../../extension/commands/wording.ts';
import { generate } from '../../gen/generate.ts';

async function failure(options: Parameters<typeof generate>[0]): Promise<string> {
  try {
    await generate(options);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`generate(${JSON.stringify(options)}) did not fail`);
}

test("the generator's bad-input failures keep what they say and lose the CLI's flags", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wording-'));
  try {
    const notC = join(dir, 'binary.h');
    writeFileSync(notC, Buffer.from([0, 1, 2, 3]));
    const other = join(dir, 'other.h');
    writeFileSync(other, 'int main(void);\n');
    mkdirSync(join(dir, 'empty'));
    const messages = [
      await failure({ header: join(dir, 'missing.h'), out: join(dir, 'out1') }),
      await failure({ header: join(dir, 'empty'), out: join(dir, 'out2') }),
      await failure({ header: notC, out: join(dir, 'out3') }),
      await failure({ header: other, out: join(dir, 'out4') }),
      await failure({
        header: '/usr/include/librdkafka/rdkafka.h',
        library: join(dir, 'nolib.so'),
        out: join(dir, 'out5'),
      }),
    ];
    for (const m of messages) {
      const shown = forVSCode(m);
      assert.doesNotMatch(shown, /--[a-z]/, `a CLI flag left in: ${shown}`);
      assert.match(shown, /Regenerate Bindings|rdkafka\.(headerPath|libraryPath)/, shown);
    }
    assert.match(
      forVSCode(messages[0]!),
      /^The header .*missing\.h does not exist: pick librdkafka's rdkafka\.h in "librdkafka: Regenerate Bindings from rdkafka\.h…" \(or set rdkafka\.headerPath\)\.$/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the kernel's start failures name the command instead of `rdkafka-workbench gen`", () => {
  assert.equal(
    forVSCode(
      'no bindings in /w/.rdkafka/bindings (bindings.js is missing): generate them with `rdkafka-workbench gen --out /w/.rdkafka/bindings`',
    ),
    'no bindings in /w/.rdkafka/bindings (bindings.js is missing): generate them with "librdkafka: Regenerate Bindings from rdkafka.h…"',
  );
  assert.equal(
    forVSCode(
      'cannot load librdkafka from x (y): install librdkafka or point the workbench at the library (setting rdkafka.libraryPath, or --library)',
    ),
    'cannot load librdkafka from x (y): install librdkafka or point the workbench at the library (setting rdkafka.libraryPath)',
  );
});
