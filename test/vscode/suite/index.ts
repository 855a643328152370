// Entry of the VS Code suites (built to dist/test/vscode/suite/index.cjs, loaded by the extension host as
// extensionTestsPath). RDKAFKA_TEST_SESSION picks the suites: "main" (trusted workspace), "untrusted",
// "versions" or "intellisense-off".
import { runAll } from './harness.ts';
import { registerActivation } from './activation.suite.ts';
import { registerSerializer } from './serializer.suite.ts';
import { registerBindings } from './bindings.suite.ts';
import { registerKernel } from './kernel.suite.ts';
import { registerExamples } from './examples.suite.ts';
import { registerPanel } from './panel.suite.ts';
import { registerControlRoom } from './control-room.suite.ts';
import { registerIntelliSense } from './intellisense.suite.ts';
import { registerCommands } from './commands.suite.ts';
import { registerCredentials } from './credentials.suite.ts';
import { registerOutputLimit } from './output-limit.suite.ts';
import { registerScenarios } from './scenarios.suite.ts';
import { registerUntrusted } from './untrusted.suite.ts';
import { registerVersions } from './versions.suite.ts';
import { registerTrace } from './trace.suite.ts';
import { registerTrust } from './trust.suite.ts';
import { registerDebug } from './debug.suite.ts';
import { registerRegenerate } from './regenerate.suite.ts';
import { registerOutputs } from './outputs.suite.ts';
import { registerFailures } from './failures.suite.ts';
import { registerVariables } from './variables.suite.ts';
import { registerIntelliSenseOff } from './intellisense-off.suite.ts';

export async function run(): Promise<void> {
  const session = process.env.RDKAFKA_TEST_SESSION || 'main';
  if (session === 'main') {
    registerActivation(); // first: it checks that nothing activated the extension yet
    registerSerializer();
    registerBindings(); // before anything that runs cells: the kernels need the bindings
    registerKernel();
    registerExamples();
    registerPanel();
    registerCommands();
    registerCredentials();
    registerOutputLimit();
    registerIntelliSense(); // while the TypeScript server holds few notebooks: its first completions are slow
    registerScenarios();
    registerTrace();
    registerRegenerate();
    registerOutputs();
    registerFailures();
    registerVariables();
    registerDebug();
    // Last: it resizes the window and closes the side bars, and leaves a cold TS server busy with its cells.
    registerControlRoom();
  } else if (session === 'untrusted') {
    registerUntrusted();
    registerTrust(); // last: it grants the trust the tests before it need withheld
  } else if (session === 'versions') registerVersions();
  else if (session === 'intellisense-off') registerIntelliSenseOff();
  const results = await runAll(session);
  if (results.failed) throw new Error(`${results.failed} test(s) failed`);
}
