/**
 * Testing a service without sockets: the provider and the consumer meet in an InMemoryNetwork.
 * Frames still go through the whole codec, so this is what a real call does, minus TCP.
 * Run: node .build/examples/service-hello/in-memory.js
 */
import { pathToFileURL } from 'node:url';
import { ApiConsumer, ApiProvider, InMemoryNetwork } from '../../src/index.js';
import { ServiceHello } from './contract.js';
import { serviceHelloImpl } from './provider.js';

export async function main(print: (line: string) => void = console.log): Promise<void> {
  const network = new InMemoryNetwork();
  const provider = new ApiProvider();
  provider.register(ServiceHello, serviceHelloImpl);
  network.listen('hello-service', provider.server); // no start(): nothing listens on a port

  const consumer = new ApiConsumer({ target: 'hello-service', clientOptions: { connector: network.connector } });
  try {
    const hello = consumer.proxy(ServiceHello);
    print(`${await hello.sayHello('in', 'memory')}`);
    print(`${await hello.sayHelloInteger(20, 3)}`);
  } finally {
    await consumer.close();
    await provider.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
