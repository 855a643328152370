// Kernel start-up when the process ends before it is ready: one more try for an exit with code 0 (seen rarely
// at high load), and a message that says how far start-up got when it keeps happening.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KernelClient } from '../../extension/kernel/client.ts';
import { repoRoot as root } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

const kernel = join(root, 'dist', 'kernel.mjs');
const bindingsDir = bindings();

test('a kernel that exits with code 0 before ready once is started again; the client gets a working kernel', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-start-'));
  try {
    const mark = join(dir, 'started-once');
    const script = join(dir, 'flaky-kernel.mjs');
    // The first process ends at once with code 0; the second is the real kernel.
    writeFileSync(
      script,
      `import { existsSync, writeFileSync } from 'node:fs';
if (!existsSync(${JSON.stringify(mark)})) { writeFileSync(${JSON.stringify(mark)}, ''); process.exit(0); }
await import(${JSON.stringify(pathToFileURL(kernel).href)});`,
    );
    const k = await KernelClient.start({ bindingsDir, bootstrap: 'mock', cwd: root, kernelScript: script });
    try {
      assert.ok(existsSync(mark), 'the first attempt ran and exited');
      const outputs: string[] = [];
      const r = await k.execute(0, '6 * 7', (o) => {
        if (o.kind === 'result') outputs.push(String(o.data['text/plain']));
      });
      assert.equal(r.status, 'ok');
      assert.deepEqual(outputs, ['42']);
    } finally {
      await k.shutdown();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a kernel that keeps exiting before ready: the message names the exit and how far start-up got', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wb-start-'));
  try {
    const script = join(dir, 'quitting-kernel.mjs');
    // Loads the real kernel, then leaves before the client's init message can arrive.
    writeFileSync(script, `await import(${JSON.stringify(pathToFileURL(kernel).href)});\nprocess.exit(0);`);
    await assert.rejects(
      KernelClient.start({ bindingsDir, bootstrap: 'mock', cwd: root, kernelScript: script }),
      /the kernel exited while starting \(exit code 0\): kernel: exiting with code 0 before it was ready \(waiting for the init message\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
