import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startProvider } from '../../examples/service-hello/provider.js';
import { runConsumer } from '../../examples/service-hello/consumer.js';
import { main as inMemory } from '../../examples/service-hello/in-memory.js';

test("the service-hello example reproduces the article: consumer prints 'hello a b' and '1003', provider 'world aa bb'", async () => {
  const providerLines: string[] = [];
  let worldPrinted!: () => void;
  const printed = new Promise<void>((resolve) => (worldPrinted = resolve));
  const { provider, address } = await startProvider({
    host: '127.0.0.1',
    port: 0,
    print: (line) => {
      providerLines.push(line);
      worldPrinted();
    },
  });
  try {
    const consumerLines: string[] = [];
    await runConsumer({ addr: address.addr, print: (line) => consumerLines.push(line) });
    assert.deepEqual(consumerLines, ['hello a b', '1003']);
    await printed;
    assert.deepEqual(providerLines, ['world aa bb']);
  } finally {
    await provider.close();
  }
});

test('the in-memory example calls the service without a socket', async () => {
  const lines: string[] = [];
  await inMemory((line) => lines.push(line));
  assert.deepEqual(lines, ['hello in memory', '1023']);
});
