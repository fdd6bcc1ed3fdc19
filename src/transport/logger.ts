import { debuglog } from 'node:util';
import type { Logger } from './processor.js';

const debug = debuglog('rocket-rpc');

/** Default logger: debug lines with NODE_DEBUG=rocket-rpc; warnings and errors to stderr. */
export const defaultLogger: Logger = {
  debug: (message, ...details) => debug(message, ...details),
  warn: (message, ...details) => console.warn(`[rocket-rpc] ${message}`, ...details),
  error: (message, ...details) => console.error(`[rocket-rpc] ${message}`, ...details),
};
