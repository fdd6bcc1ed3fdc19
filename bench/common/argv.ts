/** Command-line options of the benchmarks: `--name=value` after the benchmark's name. */

/** The text of `--name=…`, or undefined when absent. */
export function optionText(argv: readonly string[], name: string): string | undefined {
  return argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** A positive whole number given as `--name=N`, or undefined when absent; throws on anything else. */
export function wholeOption(argv: readonly string[], name: string): number | undefined {
  const text = optionText(argv, name);
  if (text === undefined) return undefined;
  const number = Number(text);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name}: expected a positive whole number, got ${text}`);
  return number;
}
