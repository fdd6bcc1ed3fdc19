import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseAddress } from '../transport/address.js';
import { CliUsageError } from './usage-error.js';

/** `util.parseArgs`, with its errors (unknown option, missing value…) turned into usage errors (exit 2). */
export function parseCommandArgs<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}

/** The one `HOST:PORT` positional a command such as `ping` or `bench` takes; a usage error otherwise. */
export function singleAddress(positionals: readonly string[], usage: string): string {
  if (positionals.length !== 1) throw new CliUsageError(`expected one ADDR\n${usage}`);
  const addr = positionals[0]!;
  try {
    parseAddress(addr);
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
  return addr;
}
