// `rdkafka-workbench lib`: what the test setup built from npm packages, a repeated add, bad sources, a build
// that fails or is cancelled, two adds of one version at once, remove. Everything that adds, removes or
// breaks a version works in a temporary cache (RDKAFKA_WORKBENCH_CACHE) with sources taken from the shared
// cache, which is only read.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  cpSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { cliPath, examplesDir } from '../support/repo.ts';
import { cachedSourceTarball, sharedCache, sharedVersionDir, TEST_VERSIONS } from '../support/versions.ts';
import { addVersion, LibraryError } from '../../versions/index.ts';
import { parseSource } from '../../versions/source.ts';
import { compareVersions, headerVersion } from '../../versions/version.ts';
import { documentedFeatures } from '../../versions/features.ts';

const work = mkdtempSync(join(tmpdir(), 'wb-versions-lib-'));
const newCache = (name: string) => mkdirSync(join(work, name), { recursive: true }) ?? join(work, name);

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}
function lib(args: string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cliPath, 'lib', ...args],
      { env: { ...process.env, ...env }, timeout: 900_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Every path under `dir` with its size: what "the cache as it was" compares. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(`${relative(dir, p)} ${statSync(p).size}`);
    }
  };
  walk(dir);
  return out.sort();
}

// A librdkafka source folder (2.12.0, unpacked from the tarball the setup kept), shared by the build tests.
let sourceDir: string;
before(async () => {
  sourceDir = join(work, 'src-2.12.0');
  mkdirSync(sourceDir);
  await new Promise<void>((res, rej) =>
    execFile('tar', ['-xzf', cachedSourceTarball('2.12.0'), '-C', sourceDir], (e) => (e ? rej(e) : res())),
  );
  sourceDir = join(sourceDir, 'package', 'deps', 'librdkafka');
});

test('lib list shows the system library and the versions built from npm packages, with features and current bindings', async () => {
  const r = await lib(['list', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout) as {
    system: { version: string; library: string; features: string[] } | null;
    versions: {
      version: string;
      path: string;
      source: string;
      features: string[];
      leftOut: { name: string; package?: string }[];
      bindings: { dir: string; current: boolean };
    }[];
  };
  assert.ok(list.system?.library && existsSync(list.system.library), 'the system library is listed');
  assert.ok(list.system.features.includes('gzip'), `system features: ${list.system.features}`);
  for (const version of Object.keys(TEST_VERSIONS)) {
    const v = list.versions.find((x) => x.version === version);
    assert.ok(v, `${version} is listed`);
    // (Its source is the npm package unless someone installed that version otherwise before the setup ran.)
    assert.ok(v.source, `${version} says where it came from`);
    assert.equal(v.bindings.current, true, 'the setup made this workbench its bindings');
    assert.ok(
      v.features.includes('lz4') && v.features.includes('snappy'),
      `${version} features: ${v.features}`,
    );
    for (const f of v.leftOut) if (['zstd', 'sasl_gssapi'].includes(f.name)) assert.ok(f.package, f.name);
    for (const file of [
      'lib/librdkafka.so.1',
      'include/rdkafka.h',
      'include/rdkafka_mock.h',
      'include/rdkafka_protocol.h',
      'STATISTICS.md',
      'CONFIGURATION.md',
      'manifest.json',
      'build.log',
    ])
      assert.ok(existsSync(join(v.path, file)), `${version} has ${file}`);
    for (const file of ['bindings.js', 'model.json', 'rdkafka.d.ts'])
      assert.ok(existsSync(join(v.bindings.dir, file)), `${version}'s bindings have ${file}`);
  }
  const text = await lib(['list']);
  assert.match(text.stdout, /^\S+ \(system\)\s+\/\S+librdkafka\.so\.1/m);
  assert.match(text.stdout, /^2\.15\.1\s+\S+librdkafka\/2\.15\.1\s+current\s+\S*lz4/m);
});

test('adding an installed version again is a no-op answered from its manifest', async () => {
  const manifest = join(sharedVersionDir('2.15.1'), 'manifest.json');
  const before = readFileSync(manifest, 'utf8');
  const libMtime = statSync(join(sharedVersionDir('2.15.1'), 'lib', 'librdkafka.so.1')).mtimeMs;
  for (const source of [TEST_VERSIONS['2.15.1'], '2.15.1']) {
    const r = await lib(['add', source]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^librdkafka 2\.15\.1 is already installed: nothing to do \(answered in \d+\.\d+ s\)/,
    );
    assert.doesNotMatch(r.stderr, /configur|compil|fetching|download/);
  }
  assert.equal(readFileSync(manifest, 'utf8'), before);
  assert.equal(statSync(join(sharedVersionDir('2.15.1'), 'lib', 'librdkafka.so.1')).mtimeMs, libMtime);
});

test('bad sources fail with their one sentence and leave the cache as it was', async (t) => {
  const cache = newCache('bad');
  // One kept source, so that "as it was" is not merely "empty".
  cpSync(cachedSourceTarball('2.12.0'), join(cache, 'sources', 'npm', 'node-rdkafka-3.6.1.tgz'));
  const garbage = join(work, 'not-a-tarball.tar.gz');
  writeFileSync(garbage, 'these bytes are no gzip stream');
  // A server that accepts the connection and never answers: the download must give up, not hang.
  const silent: Server = createServer(() => {});
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  t.after(() => silent.close());
  const silentPort = (silent.address() as { port: number }).port;
  const refused = createServer();
  await new Promise<void>((r) => refused.listen(0, '127.0.0.1', r));
  const refusedPort = (refused.address() as { port: number }).port;
  await new Promise((r) => refused.close(r));
  // A host whose packets are dropped, as on a machine without internet behind a firewall: a listener whose
  // accept queue is full (never accepted) drops every new SYN, so a connection is never made.
  const holeHelper = spawn(
    'python3',
    [
      '-c',
      [
        'import socket, sys',
        's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
        'fill = socket.create_connection(s.getsockname())  # the one place in the queue, taken',
        'print(s.getsockname()[1], flush=True)',
        'sys.stdin.read()',
      ].join('\n'),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  t.after(() => holeHelper.kill());
  const holePort = await new Promise<number>((res) =>
    holeHelper.stdout.once('data', (d: Buffer) => res(Number(d))),
  );
  const cases: [string[], RegExp][] = [
    [
      ['add', '2.15.1', '--url', `http://127.0.0.1:${holePort}/librdkafka-{version}.tar.gz`],
      /^error: cannot download librdkafka 2\.15\.1 from \S+ \(no connection to 127\.0\.0\.1:\d+ within 4 s\): without access to it, pass a source \.tar\.gz, a source folder or npm:PACKAGE@VERSION instead/,
    ],
    [
      ['add', 'npm:kafkajs@2.2.4'],
      /^error: the npm package kafkajs@2\.2\.4 does not bundle librdkafka's source \(no deps\/librdkafka with configure and src\/rdkafka\.h in its tarball\): pass a package that does/,
    ],
    [['add', examplesDir], /^error: \S+ is not a librdkafka source \(no configure and src\/rdkafka\.h in it/],
    [
      ['add', garbage],
      /^error: \S+not-a-tarball\.tar\.gz could not be unpacked \(.*\): pass librdkafka's source/,
    ],
    [
      ['add', '2.15.1', '--url', `http://127.0.0.1:${refusedPort}/librdkafka-{version}.tar.gz`],
      /^error: cannot download librdkafka 2\.15\.1 from http:\/\/127\.0\.0\.1:\d+\/librdkafka-2\.15\.1\.tar\.gz \(ECONNREFUSED.*\): without access to it, pass a source \.tar\.gz, a source folder or npm:PACKAGE@VERSION instead/,
    ],
    [
      ['add', `http://127.0.0.1:${silentPort}/v2.15.1.tar.gz`],
      /^error: cannot download http:\/\/127\.0\.0\.1:\d+\/v2\.15\.1\.tar\.gz \(no answer within 10 s\): without access to it, pass a source \.tar\.gz/,
    ],
    [
      ['add', join(work, 'nowhere')],
      /^error: \S+nowhere does not exist, and it is not a version or npm:PACKAGE@VERSION/,
    ],
  ];
  for (const [args, expected] of cases) {
    const before = tree(cache);
    const r = await lib(args, { RDKAFKA_WORKBENCH_CACHE: cache });
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.split('\n').at(-2)!, expected, args.join(' '));
    assert.equal(r.stdout, '');
    assert.deepEqual(tree(cache), before, `${args.join(' ')} changed the cache`);
  }
  // A cache that held nothing holds nothing after a failure either: not even the folders of kept sources.
  const fresh = newCache('bad-fresh');
  const r = await lib(['add', 'npm:kafkajs@2.2.4'], { RDKAFKA_WORKBENCH_CACHE: fresh });
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(readdirSync(fresh), [], 'a failed add into an empty cache left folders behind');
});

test('no C compiler or no make: the sentence names the Debian package, before anything is built', async () => {
  const cache = newCache('no-tools');
  const bin = join(work, 'bin-without-make');
  mkdirSync(bin);
  // bash and tar are needed to get that far; cc is there in the second round only.
  for (const tool of ['bash', 'tar', 'gzip', 'cc']) {
    const path = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
    if (path && tool !== 'cc') cpSync(path, join(bin, tool));
  }
  const noCc = await addVersion(sourceDir, { cache, env: { ...process.env, PATH: bin, CC: '' } }).catch(
    (e) => e,
  );
  assert.ok(noCc instanceof LibraryError, String(noCc));
  assert.match(
    noCc.message,
    /^no C compiler was found \(neither cc nor gcc is on PATH\): install one \(Debian: apt-get install gcc libc6-dev\)/,
  );
  const noMake = await addVersion(sourceDir, {
    cache,
    env: { ...process.env, PATH: bin, CC: '/usr/bin/cc' },
  }).catch((e) => e);
  assert.match(
    (noMake as Error).message,
    /^make was not found on PATH: install it \(Debian: apt-get install make\)/,
  );
  assert.deepEqual(tree(cache), []);
});

test('a failing build says so with its last lines and the log path; a cancelled one leaves nothing either', async () => {
  const cache = newCache('broken');
  const broken = join(work, 'src-broken');
  cpSync(sourceDir, broken, { recursive: true });
  appendFileSync(join(broken, 'src', 'rdkafka.c'), '\n#error this source was broken on purpose\n');
  const temp = join(work, 'tmp-broken');
  mkdirSync(temp);
  const env = { RDKAFKA_WORKBENCH_CACHE: cache, TMPDIR: temp };
  const r = await lib(['add', broken, '--', '--disable-optimization'], env);
  assert.equal(r.code, 1, r.stdout);
  const m =
    /^error: building librdkafka 2\.12\.0 failed \(make exit code 2\): .*rdkafka\.c.*error: #error this source was broken on purpose; nothing was installed\. The log's last lines:\n((?: {2}.*\n)+)Full log: (\S+)$/m.exec(
      r.stderr,
    );
  assert.ok(m, r.stderr);
  assert.ok(readFileSync(m[2]!, 'utf8').includes('broken on purpose'), 'the full log has the compiler error');
  assert.deepEqual(
    readdirSync(join(cache, 'librdkafka')).filter((n) => !n.endsWith('.lock')),
    [],
  );
  assert.deepEqual(readdirSync(temp), [], 'the build folder is removed');

  // Ctrl-C while it compiles: the build's processes end and nothing is installed.
  const child = spawn(process.execPath, [cliPath, 'lib', 'add', sourceDir, '--', '--disable-optimization'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const compiling = new Promise<void>((res) =>
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/compiling: file [1-9]/.test(stderr)) res();
    }),
  );
  const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
  await Promise.race([compiling, exited]);
  child.kill('SIGINT');
  assert.equal(await exited, 1, stderr);
  assert.match(stderr, /error: lib add was cancelled: nothing was installed/);
  assert.ok(!existsSync(join(cache, 'librdkafka', '2.12.0')));
  assert.deepEqual(readdirSync(temp), [], 'the build folder is removed');
});

test('two lib add of one version at once: one builds from the folder, the other waits and finds it; remove', async () => {
  const cache = newCache('concurrent');
  const env = { RDKAFKA_WORKBENCH_CACHE: cache };
  const userFiles = tree(sourceDir);
  // A quicker build than the default -O2 -g: this test is about the manager, not the library's speed.
  const args = ['add', sourceDir, '--', '--disable-optimization', '--disable-debug-symbols'];
  const [a, b] = await Promise.all([lib(args, env), lib(args, env)]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  const [builder, waiter] = /installed in/.test(a.stdout) ? [a, b] : [b, a];
  assert.match(
    builder.stdout,
    /^librdkafka 2\.12\.0 installed in \d+\.\d s \(configure [\d.]+ s, compile [\d.]+ s, bindings [\d.]+ s\)/,
  );
  assert.match(
    waiter.stdout,
    /^librdkafka 2\.12\.0 is already installed \(another lib add finished it while this one waited\)/,
  );
  assert.match(waiter.stderr, /waiting for another lib add of librdkafka 2\.12\.0 \(pid \d+/);
  for (const step of [
    /configuring librdkafka 2\.12\.0/,
    /compiling: file \d+ of \d+/,
    /linking librdkafka\.so\.1/,
    /generating the bindings/,
  ])
    assert.match(builder.stderr, step);
  assert.deepEqual(
    tree(sourceDir),
    userFiles,
    'the source folder is left as it was (the build ran in a copy)',
  );
  const manifest = JSON.parse(readFileSync(join(cache, 'librdkafka', '2.12.0', 'manifest.json'), 'utf8'));
  assert.equal(manifest.source.kind, 'folder');
  assert.deepEqual(manifest.configureArgs, ['--disable-optimization', '--disable-debug-symbols']);
  assert.ok(
    manifest.functions.exported > 400 && manifest.functions.mock > 20,
    JSON.stringify(manifest.functions),
  );
  assert.deepEqual(
    readdirSync(join(cache, 'librdkafka')).filter((n) => n.startsWith('.') && !n.endsWith('.lock')),
    [],
    'no staging folders are left',
  );

  const listed = await lib(['list'], env);
  assert.match(listed.stdout, /^2\.12\.0\s+\S+\s+current/m);
  const removed = await lib(['remove', '2.12.0'], env);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stdout, /^removed librdkafka 2\.12\.0/);
  assert.ok(!existsSync(join(cache, 'librdkafka', '2.12.0')));
  const again = await lib(['remove', '2.12.0'], env);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^error: librdkafka 2\.12\.0 is not installed/);
});

test('an installed librdkafka (a prefix) is copied in, and what an interrupted add left is cleared first', async () => {
  const cache = newCache('prefix');
  const env = { RDKAFKA_WORKBENCH_CACHE: cache };
  mkdirSync(join(cache, 'librdkafka', '2.15.1', 'lib'), { recursive: true });
  writeFileSync(join(cache, 'librdkafka', '2.15.1', 'lib', 'librdkafka.so.1'), 'half a library');
  const listed = await lib(['list'], env);
  assert.match(listed.stdout, /^2\.15\.1: incomplete \(an interrupted lib add\)/m);
  const r = await lib(['add', sharedVersionDir('2.15.1')], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^librdkafka 2\.15\.1 installed in/);
  const manifest = JSON.parse(readFileSync(join(cache, 'librdkafka', '2.15.1', 'manifest.json'), 'utf8'));
  assert.equal(manifest.source.kind, 'prefix');
  const bindings = readFileSync(join(cache, 'librdkafka', '2.15.1', 'bindings', 'bindings.js'), 'utf8');
  assert.ok(
    bindings.includes(join(cache, 'librdkafka', '2.15.1', 'lib', 'librdkafka.so.1')),
    'bindings load the copy',
  );
  assert.ok(!bindings.includes(sharedCache + '/librdkafka'), 'not the source it was copied from');
  assert.equal(
    statSync(join(cache, 'librdkafka', '2.15.1', 'lib', 'librdkafka.so.1')).size,
    statSync(join(sharedVersionDir('2.15.1'), 'lib', 'librdkafka.so.1')).size,
  );
});

test('another version of the workbench sharing the cache makes bindings of its own and leaves the installed ones alone', async () => {
  const cache = newCache('two-workbenches');
  const env = { RDKAFKA_WORKBENCH_CACHE: cache };
  assert.equal((await lib(['add', sharedVersionDir('2.15.1')], env)).code, 0);
  const dir = join(cache, 'librdkafka', '2.15.1');
  // What a checkout with another generator leaves behind: the manifest names that generator's stamp.
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  manifest.bindings.stamp = 'another-generator';
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  const theirs = readFileSync(join(dir, 'bindings', 'bindings.js'), 'utf8');
  const listed = await lib(['list'], env);
  assert.match(listed.stdout, /^2\.15\.1\s+\S+\s+made on first use \(installed by another workbench\)/m);
  // Used by this workbench: its own bindings appear beside, nothing of the other's changes.
  const shown = await lib(['add', '2.15.1'], env);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /already installed/);
  const list = JSON.parse((await lib(['list', '--json'], env)).stdout) as {
    versions: { version: string; bindings: { dir: string; current: boolean } }[];
  };
  const v = list.versions.find((x) => x.version === '2.15.1')!;
  assert.equal(v.bindings.current, true);
  assert.match(v.bindings.dir, /\/librdkafka\/2\.15\.1\/bindings-by-generator\/[^/]+$/);
  assert.ok(existsSync(join(v.bindings.dir, 'bindings.js')));
  assert.equal(
    readFileSync(join(dir, 'bindings', 'bindings.js'), 'utf8'),
    theirs,
    "the other workbench's bindings",
  );
  assert.equal(readFileSync(manifestPath, 'utf8'), JSON.stringify(manifest, null, 2) + '\n', 'the manifest');
});

test('sources are told apart by what they are, and versions come from RD_KAFKA_VERSION', () => {
  assert.equal(parseSource('2.15.1').kind, 'release');
  assert.equal(parseSource('v2.15.1', { urlTemplate: 'https://mirror/{version}/src.tgz' }).kind, 'release');
  assert.deepEqual(
    (parseSource('v2.15.1', { urlTemplate: 'https://mirror/{version}/src.tgz' }) as { url: string }).url,
    'https://mirror/2.15.1/src.tgz',
  );
  assert.throws(
    () => parseSource('2.15.1', { urlTemplate: 'https://mirror/latest.tgz' }),
    /has no \{version\} in it/,
  );
  assert.equal(parseSource('npm:node-rdkafka@3.6.1').kind, 'npm');
  assert.equal(parseSource('https://example.org/librdkafka.tar.gz').kind, 'url');
  assert.equal(parseSource(sourceDir).kind, 'folder');
  assert.equal(parseSource(sharedVersionDir('2.12.0')).kind, 'prefix');
  assert.equal(parseSource(cachedSourceTarball('2.12.0')).kind, 'tarball');
  assert.deepEqual(headerVersion('#define RD_KAFKA_VERSION  0x020f01ff\n'), {
    version: '2.15.1',
    versionInt: 0x020f01ff,
  });
  assert.equal(headerVersion('#define RD_KAFKA_VERSION 0x02100001')?.version, '2.16.0-pre1');
  assert.equal(headerVersion('int x;'), null);
  assert.deepEqual(['2.15.1', '2.0.2', '2.16.0-pre1', '2.12.0', '2.16.0'].sort(compareVersions), [
    '2.0.2',
    '2.12.0',
    '2.15.1',
    '2.16.0-pre1',
    '2.16.0',
  ]);
  assert.deepEqual(
    documentedFeatures('x | y\nbuiltin.features | * | | gzip, snappy, zstd | low | Indicates…\n'),
    ['gzip', 'snappy', 'zstd'],
  );
});
