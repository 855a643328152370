// Entry of the VS Code suites (built to dist/test/vscode/suite/index.cjs, loaded by the extension host as
// extensionTestsPath). RDKAFKA_TEST_SESSION picks the suites: "main" (trusted workspace) or "untrusted".
import { runAll } from './harness.ts';
import { registerActivation } from './activation.suite.ts';
import { registerSerializer } from './serializer.suite.ts';

export async function run(): Promise<void> {
  const session = process.env.RDKAFKA_TEST_SESSION || 'main';
  if (session === 'main') {
    registerActivation();
    registerSerializer();
  }
  const results = await runAll(session);
  if (results.failed) throw new Error(`${results.failed} test(s) failed`);
}
