import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliUsageError } from './usage-error.js';

/** `util.parseArgs`, with its errors (unknown option, missing value…) turned into usage errors (exit 2). */
export function parseCommandArgs<const T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}
