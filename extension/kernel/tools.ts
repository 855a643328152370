// The kernel's side of the notebook tools (protocol/index.ts, "Notebook tools"): the Variables view's list,
// Debug Cell's inspector, the ports it listens on; and pointers named as C does in every output (console.*
// included). main.ts
// wires it with two calls: toolsReady() once the globals are installed, answerTool() for the requests.
import type { NotebookToolsRequest } from '../../protocol/index.ts';
import { send } from './channel.ts';
import { startDebugging, stopDebugging } from './debugging.ts';
import { consoleArgs, setPointerNamer } from './display.ts';
import { listeningPorts } from './listening.ts';
import { describePointer } from './pointers.ts';
import type { Runtime } from './runtime.ts';
import { baselineOf, listVariables } from './variables.ts';

let state: { scope: object; baseline: Set<string>; runtime: Runtime } | null = null;

/** After runtime.install(scope): what is on the scope now is the kernel's; pointers get their names. */
export function toolsReady(scope: object, runtime: Runtime): void {
  state = { scope, baseline: baselineOf(scope), runtime };
  const src = namerSources(runtime);
  setPointerNamer((p) => describePointer(src, p));
  pointersInConsole((scope as { console?: Console }).console ?? console);
}

const CONSOLE_METHODS = ['log', 'info', 'debug', 'warn', 'error', 'trace', 'table'] as const;

/** console.log(rk) prints `rd_kafka_t * 0x… (rdkafka#producer-1)`, as results do, not `1107149744n`. */
function pointersInConsole(con: Console): void {
  for (const m of CONSOLE_METHODS) {
    const original = con[m] as (...args: unknown[]) => void;
    if (typeof original !== 'function') continue;
    con[m] = ((...args: unknown[]) => original.apply(con, consoleArgs(args))) as never;
  }
}

const TOOL_TYPES = new Set<string>(['variables', 'debug_start', 'debug_stop', 'ports']);

/** Answers a notebook-tools request; false when `m` is not one. */
export function answerTool(m: { type: string; id?: unknown }): boolean {
  if (!TOOL_TYPES.has(m.type) || typeof m.id !== 'string') return false;
  const req = m as NotebookToolsRequest;
  switch (req.type) {
    case 'variables': {
      const variables = state
        ? listVariables(state.scope, state.baseline, {
            describe: (p) => describePointer(namerSources(state!.runtime), p),
            partitions: (list) => state!.runtime.ctx.reader.partitions(list),
          })
        : [];
      send({ type: 'variables_reply', id: req.id, variables });
      break;
    }
    case 'debug_start':
      try {
        send({ type: 'debug_reply', id: req.id, ...startDebugging() });
      } catch (e) {
        send({ type: 'debug_reply', id: req.id, error: (e as Error).message });
      }
      break;
    case 'debug_stop':
      stopDebugging();
      send({ type: 'debug_reply', id: req.id });
      break;
    case 'ports':
      send({ type: 'ports_reply', id: req.id, ports: listeningPorts() });
      break;
  }
  return true;
}

/** Never starts the mock cluster just to name a pointer. */
function namerSources(runtime: Runtime) {
  return {
    registry: runtime.ctx.registry,
    mockCluster: () => (runtime.mock.started ? runtime.mock.cluster() : null),
  };
}
