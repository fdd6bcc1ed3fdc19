import { ExitCode, failureText } from './failure.js';
import { CliUsageError } from './usage-error.js';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

type Subcommand = (args: string[], io: CliIo) => Promise<number>;

/** Subcommands, each in its own file, loaded only when used so `frame` never loads the engine. */
const subcommands: Record<string, () => Promise<Subcommand>> = {
  call: async () => (await import('./call.js')).callCommand,
  ls: async () => (await import('./ls.js')).lsCommand,
  demo: async () => (await import('./demo.js')).demoCommand,
  frame: async () => (await import('./frame.js')).frameCommand,
  discover: async () => (await import('./discover.js')).discoverCommand,
  serve: async () => (await import('./serve.js')).serveCommand,
  ping: async () => (await import('./ping.js')).pingCommand,
  bench: async () => (await import('./bench.js')).benchCommand,
};

const USAGE = `usage: rocket-rpc <command> [options]

commands:
  call                 call a service method (ADDR SERVICE METHOD [ARGS_JSON]), print the result as JSON
  ls                   list a provider's services and their Java method signatures (ADDR)
  demo                 run the provider/consumer demo on loopback
  discover SOURCE      list a service's instances (platform list, DNS, etcd, ZooKeeper) with health
  frame decode|encode  read or write RocketMQ remoting frames (hex / JSON)
  serve MODULE         run the providers a module defines (TLS, registration, workers, graceful stop)
  ping ADDR            health-probe round trips (code 9000), like ping
  bench ADDR           load run against any remoting server: calls/s, p50/p99/max, errors by code

run 'rocket-rpc <command> --help' for a command's options
exit codes: 0 ok, 1 failed, 2 bad input or usage, 141 stdout closed by its reader`;

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 bad input or usage; see failure.ts). */
export async function runCli(argv: string[], io: CliIo = process): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE + '\n');
    return name === undefined ? 2 : 0;
  }
  const load = subcommands[name];
  if (load === undefined) {
    io.stderr.write(`rocket-rpc: unknown command '${name}' (rocket-rpc --help lists the commands)\n`);
    return ExitCode.USAGE;
  }
  try {
    return await (await load())(rest, io);
  } catch (error) {
    // Every failure is one line (the stack only with NODE_DEBUG=rocket-rpc).
    io.stderr.write(failureText(`rocket-rpc ${name}`, error));
    return error instanceof CliUsageError ? ExitCode.USAGE : ExitCode.FAILURE;
  }
}
