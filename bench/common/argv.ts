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

/** The timing options of the call benchmarks: `--duration=MS --warmup=MS --rounds=N --quick --no-pin`. */
export interface TimingOptions {
  quick: boolean;
  durationMs: number;
  warmupMs: number;
  rounds: number;
  pin: boolean;
}

/** Each default as `[with --quick, without]`. */
export interface TimingDefaults {
  durationMs: readonly [number, number];
  warmupMs: readonly [number, number];
  rounds: readonly [number, number];
}

export function timingOptions(argv: readonly string[], defaults: TimingDefaults): TimingOptions {
  const quick = argv.includes('--quick');
  const pick = (pair: readonly [number, number]): number => (quick ? pair[0] : pair[1]);
  return {
    quick,
    durationMs: wholeOption(argv, 'duration') ?? pick(defaults.durationMs),
    warmupMs: wholeOption(argv, 'warmup') ?? pick(defaults.warmupMs),
    rounds: wholeOption(argv, 'rounds') ?? pick(defaults.rounds),
    pin: !argv.includes('--no-pin'),
  };
}

/** Throws for an `--option` that is neither one of `flags` (`--quick`, `--no-pin` and these) nor `--name=…` of a timing option or one of `valued`. */
export function refuseUnknownOptions(argv: readonly string[], flags: readonly string[] = [], valued: readonly string[] = []): void {
  const known = new Set(['--quick', '--no-pin', ...flags]);
  const names = new Set(['duration', 'warmup', 'rounds', ...valued]);
  for (const arg of argv) {
    if (!arg.startsWith('--') || known.has(arg)) continue;
    const equals = arg.indexOf('=');
    if (equals < 0 || !names.has(arg.slice(2, equals))) throw new Error(`unknown option ${arg}`);
  }
}
