// Finding the inputs: rdkafka.h (pkg-config, then the usual include folders), rdkafka_mock.h beside
// it, and the shared library that matches the header.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
  } catch {
    return '';
  }
}

/** Candidate folders holding librdkafka/rdkafka.h or rdkafka.h, in order of preference. */
export function headerCandidates(): string[] {
  const out: string[] = [];
  for (const flag of run('pkg-config', ['--cflags-only-I', 'rdkafka']).split(/\s+/)) {
    if (flag.startsWith('-I'))
      out.push(join(flag.slice(2), 'rdkafka.h'), join(flag.slice(2), 'librdkafka', 'rdkafka.h'));
  }
  const inc = run('pkg-config', ['--variable=includedir', 'rdkafka']).trim();
  if (inc) out.push(join(inc, 'librdkafka', 'rdkafka.h'));
  out.push('/usr/include/librdkafka/rdkafka.h', '/usr/local/include/librdkafka/rdkafka.h');
  return [...new Set(out)];
}

/** The discovered rdkafka.h, or undefined when none is installed. */
export function discoverHeader(): string | undefined {
  return headerCandidates().find((p) => existsSync(p));
}

/** rdkafka.h plus rdkafka_mock.h when it sits beside it. */
export function headerSet(header: string): string[] {
  const mock = join(dirname(header), 'rdkafka_mock.h');
  return existsSync(mock) && resolve(mock) !== resolve(header) ? [header, mock] : [header];
}

/**
 * The librdkafka shared library that matches a header: one in the header's own prefix first
 * (PREFIX/include/librdkafka/rdkafka.h → PREFIX/lib/librdkafka.so.1, a built source tree's
 * src/librdkafka.so.1), then pkg-config's libdir, the dynamic linker's cache, Debian's path.
 */
export function discoverLibrary(header: string): string | undefined {
  const dir = dirname(resolve(header));
  const prefix = resolve(dir, '..', '..');
  const names = ['librdkafka.so.1', 'librdkafka.so'];
  const near = [
    dir,
    join(prefix, 'lib'),
    join(prefix, 'lib64'),
    join(prefix, 'lib', 'x86_64-linux-gnu'),
    join(prefix, 'lib', 'aarch64-linux-gnu'),
  ];
  for (const d of near) for (const n of names) if (existsSync(join(d, n))) return join(d, n);
  const fromPkg = run('pkg-config', ['--libs-only-L', 'rdkafka'])
    .split(/\s+/)
    .filter((f) => f.startsWith('-L'))
    .map((f) => f.slice(2));
  const libdir = run('pkg-config', ['--variable=libdir', 'rdkafka']).trim();
  for (const d of [...fromPkg, ...(libdir ? [libdir] : [])])
    for (const n of names) if (existsSync(join(d, n))) return join(d, n);
  const ldconfig = /librdkafka\.so\.1 \([^)]*x86-64[^)]*\) => (\S+)/.exec(run('/sbin/ldconfig', ['-p']))?.[1];
  if (ldconfig && existsSync(ldconfig)) return ldconfig;
  for (const p of [
    '/usr/lib/x86_64-linux-gnu/librdkafka.so.1',
    '/usr/lib/aarch64-linux-gnu/librdkafka.so.1',
    '/usr/local/lib/librdkafka.so.1',
  ]) {
    if (existsSync(p)) return p;
  }
  return undefined;
}
