import { once } from 'node:events';
import { ApiConsumer, ApiProvider, defineContract, J, method, type Implementation } from '../index.js';
import type { CliIo } from './run.js';
import { parseCommandArgs } from './command-args.js';
import { CliUsageError } from './usage-error.js';

const USAGE = `usage: rocket-rpc demo [--role both|provider|consumer] [--port PORT] [--host HOST] [--addr HOST:PORT]

The article's demo. ServiceHello and ServiceWorld (Java names com.uext.remote.rf.service.*):
the consumer prints "hello a b" and "1003", the provider prints "world aa bb".

  --role both       (default) provider and consumer in this process, on 127.0.0.1:PORT
  --role provider   serve on HOST:PORT (default 0.0.0.0:8888) until Ctrl-C; a Java TestClient can call it
  --role consumer   call the provider at --addr (default 127.0.0.1:8888), e.g. the Java TestServer
  --port PORT       provider port, default 8888 (0 picks a free one)`;

// The contracts of examples/service-hello/contract.ts (the CLI ships without the examples folder).
export const ServiceHello = defineContract('com.uext.remote.rf.service.ServiceHello', {
  sayHello: method([J.String, J.String], J.String),
  sayHelloInteger: method([J.Integer, J.Integer], J.Integer),
});

export const ServiceWorld = defineContract('com.uext.remote.rf.service.ServiceWorld', {
  sayWorld: method([J.String, J.String], J.void),
});

const serviceHello: Implementation<typeof ServiceHello> = {
  sayHello: (a, b) => 'hello ' + a + ' ' + b,
  sayHelloInteger(a, b) {
    if (a === null || b === null) throw new TypeError('sayHelloInteger needs two numbers');
    return 1000 + a + b;
  },
};

/** \`rocket-rpc demo\`. */
export async function demoCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs({
      args,
      options: {
        role: { type: 'string', default: 'both' },
        port: { type: 'string' },
        host: { type: 'string' },
        addr: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  const { values } = parsed;
  if (values.help) {
    io.stdout.write(USAGE + '\n');
    return 0;
  }
  const print = (line: string): void => void io.stdout.write(line + '\n');
  const port = values.port === undefined ? 8888 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError(`--port must be a port number, got ${JSON.stringify(values.port)}`);
  switch (values.role) {
    case 'provider':
      return runProvider(values.host ?? '0.0.0.0', port, print);
    case 'consumer':
      await runConsumer(values.addr ?? '127.0.0.1:8888', print);
      return 0;
    case 'both':
      return runBoth(values.host ?? '127.0.0.1', port, print);
    default:
      throw new CliUsageError(`--role must be both, provider or consumer, got ${JSON.stringify(values.role)}`);
  }
}

function startDemoProvider(host: string, port: number, onWorld: (line: string) => void): ApiProvider {
  const provider = new ApiProvider({ host, port });
  provider.register(ServiceHello, serviceHello);
  provider.register(ServiceWorld, { sayWorld: (a, b) => onWorld('world ' + a + ' ' + b) });
  return provider;
}

async function runConsumer(addr: string, print: (line: string) => void): Promise<void> {
  const consumer = new ApiConsumer({ target: addr, timeoutMs: 30_000 });
  try {
    const hello = consumer.proxy(ServiceHello);
    print(String(await hello.sayHello('a', 'b')));
    print(String(await hello.sayHelloInteger(1, 2)));
    await consumer.proxy(ServiceWorld).sayWorld('aa', 'bb');
  } finally {
    await consumer.close();
  }
}

async function runBoth(host: string, port: number, print: (line: string) => void): Promise<number> {
  let worldPrinted!: () => void;
  const printedWorld = new Promise<void>((resolve) => (worldPrinted = resolve));
  const provider = startDemoProvider(host, port, (line) => {
    print(line);
    worldPrinted();
  });
  try {
    const { addr } = await provider.start();
    print(`provider: serving ServiceHello and ServiceWorld on ${addr}`);
    await runConsumer(addr, print);
    // sayWorld is oneway: wait until the provider has run it before shutting down.
    await printedWorld;
    return 0;
  } finally {
    await provider.close();
  }
}

async function runProvider(host: string, port: number, print: (line: string) => void): Promise<number> {
  const provider = startDemoProvider(host, port, print);
  const { addr } = await provider.start();
  print(`start ok, serving ServiceHello and ServiceWorld on ${addr} (Ctrl-C to stop)`);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await once(stop.signal, 'abort');
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await provider.close();
  }
  return 0;
}
