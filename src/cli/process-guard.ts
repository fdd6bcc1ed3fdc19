import { ExitCode, failureText } from './failure.js';

/**
 * Makes the `rocket-rpc` process end the documented way whatever happens outside a command's own
 * error handling (run.ts handles what a command throws):
 * - stdout closed by its reader (`rocket-rpc … | head`): exit quietly with 141, like a Unix tool
 *   that SIGPIPE ends. Node ignores SIGPIPE and reports EPIPE as an 'error' event on stdout, which
 *   without a listener is an uncaught exception with a stack trace.
 * - any other stdout error (a full disk): one line, exit 1.
 * - an error on stderr: nothing can be reported any more; the exit code still says what happened.
 * - an uncaught exception or unhandled rejection (a socket error event without a listener, a
 *   --contract module that rejects): `rocket-rpc: <message>`, exit 1, no stack unless NODE_DEBUG.
 * Only for the real process: runCli itself never touches `process`, so tests can run it in-process.
 */
export function guardCliProcess(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(ExitCode.OUTPUT_CLOSED);
    fail('rocket-rpc: cannot write the output', error);
  });
  process.stderr.on('error', () => undefined);
  process.on('uncaughtException', (error) => fail('rocket-rpc', error));
  process.on('unhandledRejection', (reason) => fail('rocket-rpc', reason));
}

function fail(prefix: string, error: unknown): never {
  process.stderr.write(failureText(prefix, error));
  // stderr writes to a pipe, file or terminal are synchronous on POSIX, so nothing is lost by exiting now.
  process.exit(ExitCode.FAILURE);
}
