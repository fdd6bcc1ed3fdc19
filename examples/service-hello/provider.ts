/**
 * The article's `TestServer`: a provider on port 8888 serving ServiceHello and ServiceWorld.
 * Run: node .build/examples/service-hello/provider.js [port]
 */
import { pathToFileURL } from 'node:url';
import { ApiProvider, type Implementation, type ServerAddress } from '../../src/index.js';
import { ServiceHello, ServiceWorld } from './contract.js';

/** `ServiceHelloImpl`. */
export const serviceHelloImpl: Implementation<typeof ServiceHello> = {
  sayHello(a, b) {
    return 'hello ' + a + ' ' + b;
  },
  sayHelloInteger(a, b) {
    // Java would throw a NullPointerException while unboxing a null; say so more clearly.
    if (a === null || b === null) throw new TypeError('sayHelloInteger needs two numbers');
    return 1000 + a + b;
  },
};

/** `ServiceWorldImpl`, printing through `print`. */
export function serviceWorldImpl(print: (line: string) => void): Implementation<typeof ServiceWorld> {
  return {
    sayWorld(a, b) {
      print('world ' + a + ' ' + b);
    },
  };
}

export interface RunningProvider {
  provider: ApiProvider;
  address: ServerAddress;
}

/** Starts the provider; `port` 0 picks a free port. */
export async function startProvider(options: { host?: string; port?: number; print?: (line: string) => void } = {}): Promise<RunningProvider> {
  const provider = new ApiProvider({ host: options.host ?? '0.0.0.0', port: options.port ?? 8888 });
  provider.register(ServiceHello, serviceHelloImpl);
  provider.register(ServiceWorld, serviceWorldImpl(options.print ?? console.log));
  const address = await provider.start();
  return { provider, address };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { address } = await startProvider({ port: Number(process.argv[2] ?? 8888) });
  console.log(`start ok, serving ServiceHello and ServiceWorld on port ${address.port} (Ctrl-C to stop)`);
}
