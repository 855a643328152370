// `npm test`: every suite in turn, each after installing what it needs, then one closing line
// `N passed, N failed` summed over all suites (CI reads it). Exit code is non-zero on any failure.
// `node scripts/test.mjs unit browser` runs only the named suites.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Test files (built bundles) below a folder of dist/. */
function files(dir, suffix = '.test.mjs') {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p, suffix) : n.endsWith(suffix) ? [p] : [];
  });
}

const nodeTest = (dir) => {
  const list = files(dir);
  return list.length ? ['node', ['--test', '--test-reporter=spec', '--test-concurrency=1', ...list]] : null;
};

// The librdkafka versions the unit and vscode suites run on, built into the cache once per machine.
const librdkafkaVersions = ['node', ['dist/test/support/librdkafka.main.mjs']];

// name → what installs its needs (may be absent; one step or a list of steps) and what runs it.
const suites = [
  { name: 'static', run: () => ['node', ['scripts/static-checks.mjs']] },
  { name: 'unit', setup: librdkafkaVersions, run: () => nodeTest('dist/test/unit') },
  { name: 'browser', setup: ['bash', ['test/browser/setup.sh']], run: () => nodeTest('dist/test/browser') },
  { name: 'kafka', setup: ['bash', ['scripts/kafka.sh', 'install']], run: () => nodeTest('dist/test/kafka') },
  {
    name: 'vscode',
    setup: [['bash', ['test/vscode/install-host.sh']], librdkafkaVersions],
    run: () =>
      existsSync('dist/test/vscode/run.main.mjs') ? ['node', ['dist/test/vscode/run.main.mjs']] : null,
  },
];

function sh(cmd, args, onLine) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const feed = (stream, out) => {
      let buf = '';
      stream.on('data', (d) => {
        out.write(d);
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          onLine?.(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
      });
      stream.on('end', () => buf && onLine?.(buf));
    };
    feed(child.stdout, process.stdout);
    feed(child.stderr, process.stderr);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const only = process.argv.slice(2);
const total = { passed: 0, failed: 0, skipped: 0 };
const broken = [];
for (const suite of suites) {
  if (only.length && !only.includes(suite.name)) continue;
  const cmd = suite.run();
  if (!cmd) {
    // Nothing to run is a failure, not a pass: a suite whose bundles are missing tested nothing.
    console.log(`\n### ${suite.name}: no tests built (run node scripts/build.mjs)`);
    broken.push(`${suite.name} (built no tests)`);
    total.failed++;
    continue;
  }
  console.log(`\n### ${suite.name}`);
  const steps = !suite.setup ? [] : Array.isArray(suite.setup[0]) ? suite.setup : [suite.setup];
  let setupFailed = false;
  for (const step of steps) {
    if (!existsSync(step[1][0])) continue;
    const code = await sh(...step);
    if (code !== 0) {
      broken.push(`${suite.name} (setup ${step[1][0]} exited ${code})`);
      total.failed++;
      setupFailed = true;
      break;
    }
  }
  if (setupFailed) continue;
  const counts = { passed: 0, failed: 0, skipped: 0, seen: false };
  const empty = [];
  const code = await sh(...suite.run(), (line) => {
    // A test file that registered no test is reported as one passing "test" named by its path: it tested
    // nothing, so it is no pass.
    const file = /^\u2714 (\S+\.test\.mjs) \([\d.]+ms\)$/.exec(line.trim());
    if (file) empty.push(file[1]);
    // node:test's spec reporter ("ℹ pass 3") and our own runners' closing line ("3 passed, 0 failed").
    let m = /^\u2139 (pass|fail|skipped|cancelled|todo) (\d+)$/.exec(line.trim());
    if (m) {
      const n = Number(m[2]);
      if (m[1] === 'pass') counts.passed += n;
      else if (m[1] === 'fail' || m[1] === 'cancelled') counts.failed += n;
      else counts.skipped += n;
      counts.seen = true;
      return;
    }
    m = /^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/.exec(line.trim());
    if (m) {
      counts.passed += Number(m[1]);
      counts.failed += Number(m[2]);
      counts.skipped += Number(m[3] ?? 0);
      counts.seen = true;
    }
  });
  if (empty.length) {
    counts.passed -= empty.length;
    counts.failed += empty.length;
    broken.push(`${suite.name} (${empty.join(', ')} registered no tests)`);
  }
  if (code !== 0 && counts.failed === 0) {
    broken.push(`${suite.name} (exited ${code} without a failing test)`);
    counts.failed++;
  }
  if (!counts.seen && code === 0) {
    broken.push(`${suite.name} (printed no result line)`);
    counts.failed++;
  } else if (counts.passed + counts.failed === 0) {
    broken.push(`${suite.name} (ran no tests)`);
    counts.failed++;
  }
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
  console.log(
    `### ${suite.name}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`,
  );
}
if (broken.length) console.log(`\nsuites that did not finish cleanly: ${broken.join('; ')}`);
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed || broken.length ? 1 : 0);
