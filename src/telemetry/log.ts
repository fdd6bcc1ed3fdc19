import { debuglog, inspect } from 'node:util';

/** Structured fields of a log line (pino's "merging object"). */
export type LogFields = Record<string, unknown>;

/** pino's calling convention: fields first and then the message, or the message alone. */
export interface LogFn {
  (fields: LogFields, message?: string): void;
  (message: string): void;
}

/**
 * What the `logger` options take: a pino-compatible logger (pino, or anything with the same five
 * level methods; `child` is used when present). The engine never logs request or response bodies,
 * ext fields or credentials.
 */
export interface Logger {
  trace: LogFn;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child?(bindings: LogFields): Logger;
}

const debug = debuglog('rocket-rpc');

/** One line: the message, then the fields; errors as `Name: message` unless `stacks` (error level). */
function line(first: LogFields | string, message: string | undefined, stacks = false): string {
  if (typeof first === 'string') return first;
  const text = message ?? '';
  if (Object.keys(first).length === 0) return text;
  const fields: LogFields = {};
  for (const [key, value] of Object.entries(first)) fields[key] = value instanceof Error && !stacks ? `${value.name}: ${value.message}` : value;
  return `${text} ${inspect(fields, { breakLength: Infinity, depth: 4 })}`;
}

/**
 * The logger used when none is given: trace, debug and info lines only with
 * `NODE_DEBUG=rocket-rpc` (Node's `util.debuglog`), warnings and errors always, on stderr through
 * `console.warn` / `console.error` with a `[rocket-rpc]` prefix.
 */
export const defaultLogger: Logger = {
  trace: (first: LogFields | string, message?: string) => {
    if (debug.enabled) debug(line(first, message));
  },
  debug: (first: LogFields | string, message?: string) => {
    if (debug.enabled) debug(line(first, message));
  },
  info: (first: LogFields | string, message?: string) => {
    if (debug.enabled) debug(line(first, message));
  },
  warn: (first: LogFields | string, message?: string) => console.warn(`[rocket-rpc] ${line(first, message)}`),
  error: (first: LogFields | string, message?: string) => console.error(`[rocket-rpc] ${line(first, message, true)}`),
};

/** A logger that drops everything (tests, or a process that wants no output at all). */
export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * `logger.child(bindings)`, or for a logger without `child` one that adds the bindings to every
 * line's fields itself.
 */
export function childLogger(logger: Logger, bindings: LogFields): Logger {
  if (typeof logger.child === 'function') return logger.child(bindings);
  const wrap = (fn: LogFn): LogFn => {
    const write = fn as (fields: LogFields, message?: string) => void;
    return ((first: LogFields | string, message?: string) => {
      if (typeof first === 'string') write.call(logger, { ...bindings }, first);
      else write.call(logger, { ...bindings, ...first }, message);
    }) as LogFn;
  };
  return {
    trace: wrap(logger.trace),
    debug: wrap(logger.debug),
    info: wrap(logger.info),
    warn: wrap(logger.warn),
    error: wrap(logger.error),
    child: (more) => childLogger(logger, { ...bindings, ...more }),
  };
}
