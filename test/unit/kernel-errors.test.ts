// Whatever a cell throws, the kernel turns it into an error output and finishes the cell: the next cell
// runs in the same kernel. A real kernel process, as the notebook and the CLI use it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { KernelClient } from '../../extension/kernel/client.ts';
import type { CellOutput } from '../../protocol/index.ts';
import { repoRoot as root } from '../support/repo.ts';
import { ensureBindingsSync as bindings } from '../support/bindings.ts';

let k: KernelClient;
let cell = 0;
const stray: CellOutput[] = [];

async function run(source: string) {
  const outputs: CellOutput[] = [];
  const r = await k.execute(++cell, source, (o) => outputs.push(o));
  const error = outputs.find((o) => o.kind === 'error') as Extract<CellOutput, { kind: 'error' }> | undefined;
  return { ...r, outputs, error };
}

before(async () => {
  k = await KernelClient.start({ bindingsDir: bindings(), bootstrap: 'mock', cwd: root });
  k.onStrayOutput((o) => stray.push(o));
});
after(async () => {
  await k?.shutdown();
});

// [what is thrown, source, what the error output's message says]
const cases: Array<[string, string, RegExp]> = [
  ['an object without a prototype', 'throw Object.create(null)', /\[Object: null prototype\] \{\}/],
  [
    'an object whose toString throws',
    'throw { toString() { throw new Error("no string for you") } }',
    /toString/,
  ],
  ['a Symbol', 'throw Symbol("odd")', /Symbol\(odd\)/],
  ['undefined', 'throw undefined', /undefined/],
  ['a BigInt', 'throw 12n', /12n/],
  [
    'an Error whose message and stack getters throw',
    // (stack first: redefining `stack` makes V8 format the old one, which reads `message`)
    'const e = new Error("x"); Object.defineProperty(e, "stack", { get() { throw 2 } }); Object.defineProperty(e, "message", { get() { throw 1 } }); throw e',
    /^Error: $/,
  ],
  [
    'an object whose name getter throws and whose stack is a Symbol',
    'throw { get name() { throw new Error("name") }, stack: Symbol("s") }',
    /./,
  ],
  [
    'a Proxy whose every trap throws',
    'throw new Proxy({}, new Proxy({}, { get() { return () => { throw new Error("trap") } } }))',
    /./,
  ],
  ['a revoked Proxy', 'const { proxy, revoke } = Proxy.revocable({}, {}); revoke(); throw proxy', /./],
];

for (const [what, source, message] of cases)
  test(
    `a cell that throws ${what} ends with an error output and the next cell runs`,
    { timeout: 30_000 },
    async () => {
      const r = await run(source);
      assert.equal(r.status, 'error');
      assert.ok(r.error, `no error output: ${JSON.stringify(r.outputs)}`);
      assert.equal(typeof r.error.name, 'string');
      assert.equal(typeof r.error.message, 'string');
      assert.equal(typeof r.error.stack, 'string');
      assert.match(`${r.error.name}: ${r.error.message}`, message);
      const next = await run('40 + 2');
      assert.equal(next.status, 'ok');
      assert.deepEqual(
        next.outputs.map((o) => o.kind),
        ['result'],
      );
    },
  );

test(
  'a rejection nobody handles, with a value that cannot become a string, is reported and the kernel lives on',
  { timeout: 30_000 },
  async () => {
    const r = await run('Promise.reject(Object.create(null)); await new Promise((r) => setImmediate(r)); 1');
    assert.equal(r.status, 'ok');
    const reported = [...r.outputs, ...stray].find((o) => o.kind === 'error');
    assert.ok(reported, 'the rejection is shown');
    assert.equal(k.alive, true);
    assert.equal((await run('2')).status, 'ok');
  },
);

test(
  'a value of the last expression whose inspection throws still finishes the cell',
  { timeout: 30_000 },
  async () => {
    const r = await run(
      'new Proxy({}, { get() { throw new Error("inspect me not") }, ownKeys() { throw new Error("keys") } })',
    );
    assert.ok(r.status === 'ok' || r.status === 'error');
    assert.equal((await run('3')).status, 'ok');
  },
);
