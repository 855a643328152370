// Command-line options of the bench's own tools: `--name value` pairs taken out of the argument list, so
// that what is left are the positional arguments.

/** Removes `name VALUE` from `args` and returns VALUE, or `fallback` when the option is absent. */
export function takeOption(args: string[], name: string, fallback: string): string {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const value = args[i + 1];
  if (value === undefined) throw new Error(`${name} needs a value`);
  args.splice(i, 2);
  return value;
}
