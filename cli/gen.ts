// `rdkafka-workbench gen [--header PATH] [--lib PATH] [--out DIR] [--cc COMPILER]`
// Progress on stderr, the summary on stdout; bad input: exit 1 with one sentence, no stack trace.
import { GenError, generate, summary } from '../gen/generate.ts';

const USAGE = 'usage: rdkafka-workbench gen [--header PATH] [--lib PATH] [--out DIR] [--cc COMPILER]';

export function parseArgs(
  argv: string[],
): { header?: string; library?: string; out?: string; compiler?: string } | string {
  const opts: { header?: string; library?: string; out?: string; compiler?: string } = {};
  const keys: Record<string, keyof typeof opts> = {
    '--header': 'header',
    '--lib': 'library',
    '--out': 'out',
    '--cc': 'compiler',
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const key = keys[flag];
    if (!key) return `Unknown option '${arg}': ${USAGE}`;
    const value = inline ?? argv[++i];
    if (value === undefined || value === '') return `Option ${flag} needs a value: ${USAGE}`;
    opts[key] = value;
  }
  return opts;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const opts = parseArgs(argv);
  if (typeof opts === 'string') {
    console.error(opts);
    return 2;
  }
  const tty = process.stderr.isTTY;
  try {
    const report = await generate(opts, (p) => {
      if (p.stage === 'done') return;
      if (tty) process.stderr.write(`\r\x1b[K${p.message}…`);
      else process.stderr.write(`${p.message}…\n`);
    });
    if (tty) process.stderr.write('\r\x1b[K');
    console.log(summary(report));
    console.log(`  done in ${report.timings.total} ms`);
    return 0;
  } catch (e) {
    if (tty) process.stderr.write('\r\x1b[K');
    if (e instanceof GenError) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    // An unexpected failure is still one sentence; the details go to a debug variable, not the screen.
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    console.error(
      `error: generating the bindings failed unexpectedly (${msg}); rerun with RDKAFKA_WORKBENCH_DEBUG=1 for details and please report it.`,
    );
    if (process.env.RDKAFKA_WORKBENCH_DEBUG) console.error(e);
    return 1;
  }
}
