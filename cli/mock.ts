// `rdkafka-workbench mock [--brokers 3] [--librdkafka VERSION]`: librdkafka's mock cluster as a process of
// its own. Prints `BOOTSTRAP=HOST:PORT,…` on stdout (a line a script can `eval` or grep), then serves until
// interrupted (Ctrl-C, SIGTERM, SIGHUP), destroys the cluster and exits 0.
import { join, resolve } from 'node:path';
import { ensureBindings } from './run.ts';
import { startMockCluster } from '../trace/mock.ts';
import { resolveLibrary } from '../versions/index.ts';

export const MOCK_USAGE =
  'usage: rdkafka-workbench mock [--brokers N] [--librdkafka VERSION | --library PATH] [--bindings DIR]';

type Write = (name: 'stdout' | 'stderr', s: string) => unknown;
const defaultWrite: Write = (name, s) => process[name].write(s);

export function parseMockArgs(
  argv: string[],
  cwd = process.cwd(),
): { brokers: number; librdkafka?: string; library?: string; bindings: string } | string {
  const o: { brokers: number; librdkafka?: string; library?: string; bindings: string } = {
    brokers: 3,
    bindings: join(cwd, '.rdkafka', 'bindings'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    const need = () => {
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      i++;
      return v;
    };
    try {
      if (a === '--brokers') {
        const n = Number(need());
        if (!Number.isInteger(n) || n < 1 || n > 64) return '--brokers needs a whole number from 1 to 64';
        o.brokers = n;
      } else if (a === '--librdkafka') o.librdkafka = need();
      else if (a === '--library') o.library = resolve(cwd, need());
      else if (a === '--bindings') o.bindings = resolve(cwd, need());
      else return `unknown option ${a}`;
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (o.library && o.librdkafka) return '--library and --librdkafka exclude each other: pick one';
  return o;
}

export async function main(argv: string[], write: Write = defaultWrite): Promise<number> {
  const say = (s: string) => write('stderr', `rdkafka-workbench mock: ${s}\n`);
  const o = parseMockArgs(argv);
  if (typeof o === 'string') {
    say(`${o}\n\n${MOCK_USAGE}`);
    return 2;
  }
  let cluster;
  try {
    let bindingsDir = o.bindings;
    let library = o.library;
    if (o.librdkafka) {
      const v = await resolveLibrary(o.librdkafka, { onProgress: (s) => say(s.trimEnd()) });
      bindingsDir = v.bindingsDir;
      library = v.library;
    } else await ensureBindings(bindingsDir, (s) => say(s.trimEnd()), library);
    cluster = await startMockCluster({
      bindingsDir,
      brokers: o.brokers,
      ...(library ? { library } : {}),
    });
  } catch (e) {
    say((e as Error).message);
    return 2;
  }
  write('stdout', `BOOTSTRAP=${cluster.bootstrap}\n`);
  say(
    `${cluster.brokers} mock broker(s) of librdkafka ${cluster.version} at ${cluster.bootstrap}; Ctrl-C stops them`,
  );
  await new Promise<void>((done) => {
    const keepAlive = setInterval(() => {}, 1 << 30);
    const stop = () => {
      clearInterval(keepAlive);
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, stop);
      done();
    };
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, stop);
  });
  cluster.stop();
  say('stopped');
  return 0;
}
