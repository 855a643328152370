// The generator words its advice for the command line ("pass librdkafka's rdkafka.h with --header"). In
// VS Code the same advice means the Regenerate command's pickers and the extension's settings. Pure: a
// message in, the message a VS Code user can act on out (test/unit/wording.test.ts runs the generator's
// real failures through it).

const REGENERATE = '"librdkafka: Regenerate Bindings from rdkafka.h…"';

/** CLI flags → what stands for them in VS Code. */
const FLAGS: Record<string, string> = {
  '--header': `the header (pick it in ${REGENERATE}, or set rdkafka.headerPath)`,
  '--lib': 'the library (choose it in the command, or set rdkafka.libraryPath)',
  '--library': 'the library (choose it in the command, or set rdkafka.libraryPath)',
  '--compiler': 'the compiler (setting rdkafka.compiler)',
  '--out': 'the bindings folder',
};

export function forVSCode(message: string): string {
  return (
    message
      // "pass X with --header" / "pass --header with the path of X": pick X.
      .replace(/\bpass (.+?) with --header\b/g, `pick $1 in ${REGENERATE} (or set rdkafka.headerPath)`)
      .replace(
        /\bpass --header with the path of (.+?)(?=[.;,)](?:\s|$)|$)/g,
        `pick $1 in ${REGENERATE} (or set rdkafka.headerPath)`,
      )
      .replace(/\bpass --header PATH\b/g, `pick rdkafka.h in ${REGENERATE} (or set rdkafka.headerPath)`)
      .replace(
        /\bpass --lib with the path of (.+?)(?=[.;,)](?:\s|$)|$)/g,
        'choose $1 as the library (or set rdkafka.libraryPath)',
      )
      .replace(/\bpass --lib PATH\b/g, 'choose the librdkafka shared library (or set rdkafka.libraryPath)')
      .replace(/\bregenerate with --lib\b/g, 'regenerate choosing the library')
      // "generate them with `rdkafka-workbench gen --out DIR`": the command does that here.
      .replace(/`rdkafka-workbench gen[^`]*`/g, REGENERATE)
      .replace(/,? or --library\b/g, '')
      .replace(/--out (\S+)/g, 'the bindings folder $1')
      // Anything left: the flag's VS Code counterpart.
      .replace(/--(?:header|lib|library|compiler|out)\b/g, (flag) => FLAGS[flag] ?? flag)
  );
}
