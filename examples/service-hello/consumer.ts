/**
 * The article's `TestClient`: calls ServiceHello and ServiceWorld through typed proxies and prints
 * `hello a b` and `1003`; the provider prints `world aa bb`.
 * Run: node .build/examples/service-hello/consumer.js [host:port]
 */
import { pathToFileURL } from 'node:url';
import { ApiConsumer } from '../../src/index.js';
import { ServiceHello, ServiceWorld } from './contract.js';

export async function runConsumer(options: { addr?: string; print?: (line: string) => void } = {}): Promise<void> {
  const print = options.print ?? console.log;
  const consumer = new ApiConsumer({ target: options.addr ?? '127.0.0.1:8888', timeoutMs: 30_000 });
  try {
    const serviceHello = consumer.proxy(ServiceHello);
    const serviceWorld = consumer.proxy(ServiceWorld);
    print(String(await serviceHello.sayHello('a', 'b')));
    print(String(await serviceHello.sayHelloInteger(1, 2)));
    // void: sent oneway, resolves once written.
    await serviceWorld.sayWorld('aa', 'bb');
  } finally {
    await consumer.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runConsumer({ addr: process.argv[2] });
}
