import { debuglog } from 'node:util';

/** The CLI's exit codes (documented in docs/rpc.md, "Exit codes"). */
export const ExitCode = {
  OK: 0,
  /** The command ran and failed: a remote error, no connection, a timeout, an unexpected error. */
  FAILURE: 1,
  /** Bad input: an unknown option, a missing argument, bad JSON or hex, an unusable --contract. */
  USAGE: 2,
  /** The reader of stdout went away (`| head`): 128 + SIGPIPE, as a Unix tool killed by SIGPIPE reports. */
  OUTPUT_CLOSED: 141,
} as const;

/** `NODE_DEBUG=rocket-rpc` (Node's own switch for debug output) adds the stack to error lines. */
export function debugging(): boolean {
  return debuglog('rocket-rpc').enabled;
}

/** An error as one line: `[CODE] message`, line breaks inside the message folded into spaces. */
export function errorLine(error: unknown): string {
  if (!(error instanceof Error)) return oneLine(String(error));
  const code = (error as Error & { code?: unknown }).code;
  return oneLine(`${typeof code === 'string' && code !== '' ? `[${code}] ` : ''}${error.message || error.name}`);
}

/** What the CLI writes for an error: `<prefix>: <one line>\n`, followed by the stack when debugging. */
export function failureText(prefix: string, error: unknown): string {
  const stack = debugging() && error instanceof Error && error.stack !== undefined ? `${error.stack}\n` : '';
  return `${prefix}: ${errorLine(error)}\n${stack}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
