// C cells headless: a notebook cell in C is compiled against the notebook's librdkafka, run under the
// tracer next to the kernel's mock cluster, its output and exit code shown, its events in the stream
// under its own handle, a compile error pointed at its line, an interrupt stopping it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRunArgs, runNotebook } from '../../cli/run.ts';
import { KernelClient } from '../../extension/kernel/client.ts';
import type { CellOutput } from '../../protocol/index.ts';
import { ensureBindings } from '../support/bindings.ts';
import { kernelScript, repoRoot } from '../support/repo.ts';

const dir = mkdtempSync(join(tmpdir(), 'wb-c-cells-'));

const PRODUCER = String.raw`#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <librdkafka/rdkafka.h>

static void dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk, (void)opaque;
  printf("delivered to partition %d\n", (int)m->partition);
}

int main(void) {
  char err[512];
  printf("macro %s env %s\n", RDKAFKA_WORKBENCH_BOOTSTRAP, getenv("BOOTSTRAP"));
  rd_kafka_conf_t *c = rd_kafka_conf_new();
  rd_kafka_conf_set(c, "bootstrap.servers", RDKAFKA_WORKBENCH_BOOTSTRAP, err, sizeof err);
  rd_kafka_conf_set_dr_msg_cb(c, dr);
  rd_kafka_t *p = rd_kafka_new(RD_KAFKA_PRODUCER, c, err, sizeof err);
  for (int i = 0; i < 3; i++)
    rd_kafka_producev(p, RD_KAFKA_V_TOPIC("c-cell"), RD_KAFKA_V_VALUE("abc", 3), RD_KAFKA_V_END);
  rd_kafka_flush(p, 10000);
  rd_kafka_destroy(p);
  fprintf(stderr, "done\n");
  return 0;
}
`;

function notebook(
  name: string,
  cells: Array<[kind: 'code' | 'markdown', language: string, source: string]>,
  metadata: Record<string, unknown> = {},
) {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      rdkafkaNotebook: 1,
      metadata,
      cells: cells.map(([kind, language, source]) => ({ kind, language, source })),
    }),
  );
  return path;
}

async function run(path: string) {
  let text = '';
  const s = await runNotebook(
    { ...parseRunArgs([path, '--bindings', await ensureBindings()], dir), quiet: true, timeout: 60 },
    (_n, t) => {
      text += t;
    },
  );
  return { ...s, text };
}

const outputsOf = (s: Awaited<ReturnType<typeof run>>, cell: number) => s.notebook!.cells[cell - 1]!.outputs;
const streamText = (outputs: CellOutput[], name: 'stdout' | 'stderr') =>
  outputs.map((o) => (o.kind === 'stream' && o.name === name ? o.text : '')).join('');

test("a C cell headless: its output and exit code in the cell, its events under its own handle, BOOTSTRAP the notebook's", async () => {
  const s = await run(
    notebook('producer.rdkafka', [
      ['markdown', 'markdown', '# C'],
      ['code', 'typescript', 'console.log(`ts ${BOOTSTRAP}`)'],
      ['code', 'c', PRODUCER],
    ]),
  );
  assert.equal(s.code, 0, s.text);
  const ts = /ts (\S+)/.exec(streamText(outputsOf(s, 2), 'stdout'))![1]!;
  const out = outputsOf(s, 3);
  const stdout = streamText(out, 'stdout');
  assert.match(stdout, new RegExp(`macro ${ts.replace(/\./g, '\\.')} env ${ts.replace(/\./g, '\\.')}`));
  assert.equal(stdout.match(/delivered to partition \d/g)?.length, 3);
  assert.equal(streamText(out, 'stderr'), 'done\n');
  assert.deepEqual(out.at(-1), { kind: 'display', data: { 'text/plain': 'exit code 0' } });
  const created = s.events.find((e) => e.type === 'handle_created');
  assert.equal(created?.handle, 'rdkafka#producer-1 (cell 3)');
  assert.equal(created?.cell, 3);
  const drs = s.events.filter((e) => e.type === 'dr');
  assert.equal(drs.length, 3);
  assert.ok(drs.every((e) => e.handle === created?.handle && e.cell === 3));
  assert.ok(s.events.some((e) => e.type === 'handle_destroyed' && e.handle === created?.handle));
});

test("a C cell of a notebook on librdkafka 2.15.1 is compiled against that version's header and runs on its library", async () => {
  const path = notebook(
    'on-2151.rdkafka',
    [
      [
        'code',
        'c',
        '#include <stdio.h>\n#include <librdkafka/rdkafka.h>\n#include "rdkafka_mock.h"\nint main(void) {\n  printf("header %x library %s\\n", RD_KAFKA_VERSION, rd_kafka_version_str());\n  return 0;\n}\n',
      ],
    ],
    { librdkafka: '2.15.1' },
  );
  let text = '';
  // No --bindings: the notebook's version brings its own.
  const s = await runNotebook({ ...parseRunArgs([path], dir), quiet: true, timeout: 60 }, (_n, t) => {
    text += t;
  });
  assert.equal(s.code, 0, text);
  assert.equal(s.librdkafka, '2.15.1');
  assert.equal(streamText(s.notebook!.cells[0]!.outputs, 'stdout'), 'header 20f01ff library 2.15.1\n');
});

test('a compile error: a CompileError naming the cell, with a diagnostic at the line and column, and the run stops', async () => {
  const s = await run(
    notebook('broken.rdkafka', [
      [
        'code',
        'c',
        '#include <librdkafka/rdkafka.h>\nint main(void) {\n  return rd_kafka_no_such_function(1);\n}\n',
      ],
      ['code', 'typescript', 'console.log("not reached")'],
    ]),
  );
  assert.equal(s.code, 1);
  assert.equal(s.failedCell, 1);
  const err = outputsOf(s, 1).find((o) => o.kind === 'error');
  assert.ok(err && err.kind === 'error');
  assert.equal(err.name, 'CompileError');
  assert.match(err.message, /cell 1 did not compile \(\d+ errors?\)/);
  const first = err.diagnostics?.find((d) => d.severity === 'error' || d.severity === 'warning');
  assert.deepEqual([first?.line, first?.column], [3, 10]);
  assert.match(first!.message, /rd_kafka_no_such_function/);
  assert.doesNotMatch(s.text, /not reached/);
});

test("a C cell that builds with warnings runs, and the compiler's warnings come with diagnostics at their lines", async () => {
  const kernel = await KernelClient.start({
    bindingsDir: await ensureBindings(),
    bootstrap: 'mock',
    cwd: repoRoot,
    kernelScript,
  });
  try {
    const outputs: CellOutput[] = [];
    const r = await kernel.execute(
      4,
      '#include <stdio.h>\nint main(void) {\n  int unused_here;\n  puts("ran");\n  return 0;\n}\n',
      (o) => outputs.push(o),
      'c',
    );
    assert.equal(r.status, 'ok', JSON.stringify(outputs));
    assert.equal(streamText(outputs, 'stdout'), 'ran\n');
    const warned = outputs.find((o) => o.kind === 'stream' && o.diagnostics?.length);
    assert.ok(
      warned && warned.kind === 'stream',
      `no output carries the warning: ${JSON.stringify(outputs)}`,
    );
    assert.equal(warned.name, 'stderr');
    assert.match(warned.text, /unused_here/);
    const d = warned.diagnostics!.find((x) => x.severity === 'warning');
    assert.deepEqual([d?.line, d?.column], [3, 7]);
    assert.match(d!.message, /unused variable .unused_here./);
  } finally {
    await kernel.shutdown();
  }
});

test('a program that exits non-zero, or crashes, fails its cell with what happened', async () => {
  const s = await run(
    notebook('exit.rdkafka', [
      ['code', 'c', '#include <stdio.h>\nint main(void) { puts("bye"); return 3; }\n'],
    ]),
  );
  assert.equal(s.code, 1);
  const out = outputsOf(s, 1);
  assert.equal(streamText(out, 'stdout'), 'bye\n');
  assert.match(JSON.stringify(out.at(-1)), /the program of cell 1 exited with code 3/);
  const crash = await run(
    notebook('crash.rdkafka', [['code', 'c', 'int main(void) { return *(volatile int *)0; }\n']]),
  );
  assert.match(JSON.stringify(outputsOf(crash, 1).at(-1)), /killed by SIGSEGV/);
});

test('a program that leaves a child running ends its cell when it exits, and the child goes with it', async () => {
  const s = await run(
    notebook('background.rdkafka', [
      [
        'code',
        'c',
        // The child holds the cell's stdout and would sleep for an hour.
        '#include <stdio.h>\n#include <unistd.h>\nint main(void) {\n  pid_t pid = fork();\n  if (pid == 0) { sleep(3600); return 0; }\n  printf("child %d\\n", (int)pid);\n  return 0;\n}\n',
      ],
    ]),
  );
  assert.equal(s.code, 0, s.text);
  const out = outputsOf(s, 1);
  const child = Number(/child (\d+)/.exec(streamText(out, 'stdout'))?.[1]);
  assert.ok(child > 0, s.text);
  assert.match(JSON.stringify(out.at(-1)), /exit code 0/);
  assert.ok(await waitEnded(child), `the program's child (pid ${child}) outlived its cell`);
});

/** A C cell whose program prints its pid and waits forever, running in `kernel`: its pid once printed. */
async function startWaitingCell(kernel: KernelClient, outputs: CellOutput[] = []) {
  let resolvePid!: (pid: number) => void;
  const pid = new Promise<number>((r) => (resolvePid = r));
  const result = kernel.execute(
    1,
    '#include <stdio.h>\n#include <unistd.h>\nint main(void) {\n  printf("pid %d\\n", (int)getpid());\n  fflush(stdout);\n  for (;;) pause();\n}\n',
    (o) => {
      outputs.push(o);
      const m = o.kind === 'stream' ? /pid (\d+)/.exec(o.text) : null;
      if (m) resolvePid(Number(m[1]));
    },
    'c',
  );
  return { pid: await pid, result };
}

const startKernel = async () =>
  KernelClient.start({ bindingsDir: await ensureBindings(), bootstrap: 'mock', cwd: repoRoot, kernelScript });

/** Whether process `pid` has ended (gone, or a zombie no one reaped yet). */
function ended(pid: number): boolean {
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** Waits (polling the process table, at most 30 s) for process `pid` to end; whether it did. */
async function waitEnded(pid: number): Promise<boolean> {
  for (let i = 0; i < 300 && !ended(pid); i++) await new Promise((r) => setTimeout(r, 100));
  return ended(pid);
}

test('interrupt stops a running C program', async () => {
  const kernel = await startKernel();
  try {
    const outputs: CellOutput[] = [];
    const { pid, result } = await startWaitingCell(kernel, outputs);
    kernel.interrupt();
    assert.equal((await result).status, 'interrupted');
    // Said once: the error's name is the word, the message says what stopped and what is kept.
    const error = outputs.find((o) => o.kind === 'error');
    assert.deepEqual(error && { name: error.name, message: error.message }, {
      name: 'Interrupted',
      message:
        'cell 1 stopped before its end; its program was stopped, the kernel keeps its variables and handles',
    });
    assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the program is gone');
    // The kernel is still there for the next cell.
    const next = await kernel.execute(2, '1 + 1', () => {});
    assert.equal(next.status, 'ok');
  } finally {
    await kernel.shutdown();
  }
});

test('a kernel killed while its C cell runs takes the program with it: nothing is left running', async () => {
  const kernel = await startKernel();
  let pid = 0;
  try {
    const started = await startWaitingCell(kernel);
    pid = started.pid;
    assert.ok(!ended(pid));
    process.kill(kernel.pid!, 'SIGKILL');
    assert.notEqual((await started.result).status, 'ok');
    // The program goes as its parent dies (the tracer asked for that signal).
    assert.ok(await waitEnded(pid), `the C program (pid ${pid}) outlived its kernel`);
  } finally {
    if (pid && !ended(pid)) process.kill(pid, 'SIGKILL');
    await kernel.shutdown();
  }
});

test('the example notebook: a C consumer, its TypeScript reproduction, and compareEvents saying they agree', async () => {
  const s = await run(join(repoRoot, 'examples', 'c-beside-typescript.rdkafka'));
  assert.equal(s.code, 0, s.text);
  const cells = s.notebook!.cells;
  const cCell = cells.findIndex((c) => c.language === 'c') + 1;
  assert.match(
    streamText(outputsOf(s, cCell), 'stdout'),
    /assigned: \d+ partition\(s\)\nconsumed 10 messages\nrevoked/,
  );
  const last = cells.at(-1)!.outputs;
  assert.match(JSON.stringify(last), /\| consume \| 10 \| 10 \|/);
  assert.match(JSON.stringify(last), /the C program and its reproduction agree/);
  const cConsumer = s.events.filter((e) => e.cell === cCell && e.type === 'consume');
  assert.equal(cConsumer.length, 10);
  assert.ok(cConsumer.every((e) => e.handle === `rdkafka#consumer-1 (cell ${cCell})`));
});
