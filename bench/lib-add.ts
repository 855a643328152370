// `lib add` (issue 11): installing librdkafka 2.15.1 from a local source folder into an emptied cache, end to
// end as a user runs it (`rdkafka-workbench lib add FOLDER`: copy, ./configure, make, bindings, features),
// against the reference of building that folder by hand (`./configure && make -C src librdkafka.so.1` in a
// copy), and answering again for the version once installed. Each build runs once: it takes a minute.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context, Group } from './cases.ts';
import type { Target } from './stats.ts';
import { run } from './proc.ts';
import { cacheRoot } from '../versions/paths.ts';

export const LIB_ADD = 'lib add';
export const HAND_BUILD = 'by hand: ./configure && make -C src (reference)';
export const LIB_ADD_SOURCE = 'lib add FOLDER, cache emptied (end to end, bindings included)';
export const LIB_ADD_AGAIN = 'lib add, installed';
export const LIB_ADD_INSTALLED = 'lib add 2.15.1 once it is installed';

/** The npm package whose bundled librdkafka source is measured (the test setup keeps its tarball). */
const PACKAGE = '@confluentinc/kafka-javascript@1.10.1';

let work: string | null = null;
let source: string | null = null;
let cache: string | null = null;

const seconds = (t: number) => (performance.now() - t) / 1000;

async function sh(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const r = await run(cmd, args, { cwd, env, timeoutMs: 1_200_000 });
  if (r.code !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-2).join(' / ')}`,
    );
}

/** The librdkafka source folder, unpacked once from the kept npm tarball (fetched with lib add's own npm pack). */
async function prepare(ctx: Context): Promise<string> {
  if (source) return source;
  work = mkdtempSync(join(tmpdir(), 'bench-lib-add-'));
  const tarball = join(
    cacheRoot(),
    'sources',
    'npm',
    `${PACKAGE.replace(/^@/, '').replace(/[/@]/g, '-')}.tgz`,
  );
  if (!existsSync(tarball)) {
    // Not kept yet on this machine: `lib add` fetches it into a throwaway cache of its own, where it is kept.
    const fetchCache = join(work, 'fetch');
    await sh(
      process.execPath,
      [join(ctx.root, 'dist', 'cli.mjs'), 'lib', 'add', `npm:${PACKAGE}`],
      ctx.root,
      {
        ...process.env,
        RDKAFKA_WORKBENCH_CACHE: fetchCache,
      },
    );
    cpSync(join(fetchCache, 'sources'), join(work, 'sources'), { recursive: true });
  }
  const kept = existsSync(tarball) ? tarball : join(work, 'sources', 'npm', tarball.split('/').pop()!);
  const dir = join(work, 'src');
  mkdirSync(dir);
  await sh('tar', ['-xzf', kept, '-C', dir], dir);
  source = join(dir, 'package', 'deps', 'librdkafka');
  return source;
}

export function libAddGroups(): Group[] {
  const build: Group = {
    name: LIB_ADD,
    unit: 's',
    reference: HAND_BUILD,
    about: () =>
      `librdkafka 2.15.1 from the source npm:${PACKAGE} bundles, unpacked into a folder; one build each (a minute on 2 cores); make -j${availableParallelism()}`,
    before: async (ctx) => void (await prepare(ctx)),
    impls: [
      {
        impl: HAND_BUILD,
        once: true,
        run: async (ctx) => {
          const src = await prepare(ctx);
          const copy = join(work!, `hand-${Date.now()}`);
          cpSync(src, copy, { recursive: true });
          const t = performance.now();
          await sh('bash', ['./configure'], copy);
          await sh('make', ['-C', 'src', `-j${availableParallelism()}`, 'librdkafka.so.1'], copy);
          const s = seconds(t);
          rmSync(copy, { recursive: true, force: true });
          return s;
        },
      },
      {
        impl: LIB_ADD_SOURCE,
        once: true,
        run: async (ctx) => {
          const src = await prepare(ctx);
          if (cache) rmSync(cache, { recursive: true, force: true });
          cache = join(work!, `cache-${Date.now()}`);
          const t = performance.now();
          await sh(process.execPath, [join(ctx.root, 'dist', 'cli.mjs'), 'lib', 'add', src], ctx.root, {
            ...process.env,
            RDKAFKA_WORKBENCH_CACHE: cache,
          });
          const s = seconds(t);
          if (!readdirSync(join(cache, 'librdkafka')).includes('2.15.1'))
            throw new Error('lib add installed nothing');
          return s;
        },
      },
    ],
  };
  const again: Group = {
    name: LIB_ADD_AGAIN,
    unit: 'ms',
    about: () =>
      'a new `rdkafka-workbench lib add` process answering from the manifest (Node start included)',
    impls: [
      {
        impl: LIB_ADD_INSTALLED,
        run: async (ctx) => {
          if (!cache) throw new Error(`${LIB_ADD_SOURCE} did not run first`);
          const t = performance.now();
          await sh(process.execPath, [join(ctx.root, 'dist', 'cli.mjs'), 'lib', 'add', '2.15.1'], ctx.root, {
            ...process.env,
            RDKAFKA_WORKBENCH_CACHE: cache,
          });
          return seconds(t) * 1000;
        },
      },
    ],
  };
  return [build, again];
}

/** The figures: under 60 s end to end from a source, under a second when installed. */
export const libAddTargets: Target[] = [
  { name: LIB_ADD, impl: LIB_ADD_SOURCE, text: '< 60 s', kind: 'max-value', value: 60 },
  { name: LIB_ADD_AGAIN, impl: LIB_ADD_INSTALLED, text: '< 1 s', kind: 'max-value', value: 1000 },
];

/** Removes the bench's folders (sources, copies, caches). */
export function libAddCleanup(): void {
  if (work) rmSync(work, { recursive: true, force: true });
  work = source = cache = null;
}
