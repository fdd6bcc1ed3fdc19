// The README's "Services" snippet, runnable: node .build/examples/readme-quickstart.js
import { pathToFileURL } from 'node:url';
import { ApiConsumer, ApiProvider, defineContract, J, method } from '../src/index.js';

// public interface ServiceHello { String sayHello(String a, String b); Integer sayHelloInteger(Integer a, Integer b); }
export const ServiceHello = defineContract('com.uext.remote.rf.service.ServiceHello', {
  sayHello: method([J.String, J.String], J.String),
  sayHelloInteger: method([J.Integer, J.Integer], J.Integer),
});

export async function main(log: (line: string) => void = console.log, port = 8888): Promise<void> {
  // provider
  const provider = new ApiProvider({ host: '127.0.0.1', port });
  provider.register(
    ServiceHello,
    {
      sayHello: (a, b) => 'hello ' + a + ' ' + b,
      sayHelloInteger: (a, b) => 1000 + (a ?? 0) + (b ?? 0),
    },
    { executor: { concurrency: 32, queueSize: 1000 } }, // this service's own bounded executor
  );
  const { addr } = await provider.start();

  // consumer
  const consumer = new ApiConsumer({ target: addr, timeoutMs: 3000 });
  try {
    const hello = consumer.proxy(ServiceHello);
    log(String(await hello.sayHello('a', 'b'))); // 'hello a b'
    log(String(await hello.sayHelloInteger(1, 2))); // 1003
    // @ts-expect-error -- a wrong argument type does not compile
    await hello.sayHello(1, 'b').catch((error: Error & { code?: string }) => log(`refused: ${error.code}`));
  } finally {
    await consumer.close();
    await provider.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
