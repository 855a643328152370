// rdkafka-workbench: the headless entry point. Each command lives in its own file.
const USAGE = `usage: rdkafka-workbench <command> [options]

commands:
  gen    [--header PATH] [--lib PATH] [--out DIR] [--cc COMPILER]   generate bindings from rdkafka.h
  run    NOTEBOOK.rdkafka [--bindings DIR] [--bootstrap mock|HOST:PORT] [--events FILE.jsonl]
         [--inplace | --out FILE] [--timeout SECONDS] [--report FILE.html] [--bundle DIR]
         [--librdkafka VERSION] [--matrix VERSIONS] [-p NAME=VALUE ...]      run a notebook headless
  lib    add SOURCE | list | remove VERSION | show VERSION   librdkafka versions (built from source) to run on
  scenarios [--matrix VERSIONS] [--only NAMES] [--doc FILE.md] | --list   every scenario notebook on every version
  demo   run examples/quickstart.rdkafka on the mock cluster and summarise its events
  trace  [--events FILE.jsonl] [--report FILE.html] [--library PATH | --librdkafka VERSION] -- PROGRAM ARGS…
         run any program that loads librdkafka and collect its librdkafka events
  mock   [--brokers 3] [--librdkafka VERSION]   the mock cluster as a process: prints BOOTSTRAP=, serves until Ctrl-C
  compare A.jsonl B.jsonl   two runs' events side by side: counts, delivery errors, the first difference`;

const commands: Record<string, () => Promise<{ main(argv: string[]): Promise<number> }>> = {
  gen: () => import('./gen.ts'),
  run: () => import('./run.ts'),
  demo: () => import('./demo.ts'),
  lib: () => import('./lib.ts'),
  scenarios: () => import('./scenarios.ts'),
  trace: () => import('./trace.ts'),
  mock: () => import('./mock.ts'),
  compare: () => import('./compare.ts'),
};

const [command, ...rest] = process.argv.slice(2);
const load = command ? commands[command] : undefined;
if (!load) {
  const help = command === '--help' || command === '-h';
  if (help) console.log(USAGE);
  else console.error(command ? `unknown command '${command}'\n\n${USAGE}` : USAGE);
  process.exit(help ? 0 : 2);
}
// `COMMAND --help` (before any `--`: after it, trace's program's own options): the command's usage, exit 0.
// gen, lib and scenarios answer it themselves; the others took it for an unknown option (exit 2).
const usages: Record<string, () => Promise<string>> = {
  run: async () => (await import('./run-args.ts')).RUN_USAGE,
  demo: async () =>
    `usage: rdkafka-workbench demo [RUN OPTIONS]   runs examples/quickstart.rdkafka; the options are run's:\n\n${(await import('./run-args.ts')).RUN_USAGE}`,
  compare: async () => (await import('./compare.ts')).COMPARE_USAGE,
  trace: async () => (await import('./trace.ts')).TRACE_USAGE,
  mock: async () => (await import('./mock.ts')).MOCK_USAGE,
};
const own = rest.indexOf('--') === -1 ? rest : rest.slice(0, rest.indexOf('--'));
const usage = usages[command!];
if (usage && own.some((a) => a === '--help' || a === '-h')) {
  console.log(await usage());
  process.exit(0);
}
// Piped into `head` and the like: a closed stdout must not turn a good command into an EPIPE crash.
for (const s of [process.stdout, process.stderr]) s.on('error', () => {});
process.exitCode = await (await load()).main(rest);

export {};
