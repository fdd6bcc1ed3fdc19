import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiProvider, defineContract, J, method } from '../../src/rpc/index.js';
import { RemotingCommand } from '../../src/protocol/command.js';
import { RemotingClient } from '../../src/transport/index.js';

const Echo = defineContract('com.example.Echo', { echo: method([J.String], J.String) });

test('ApiProvider.close(): consumers get the going-away notice before the registry entries are withdrawn', async (t) => {
  const order: string[] = [];
  let heard = false;
  let noticeHeard!: () => void;
  const noticed = new Promise<void>((resolve) => (noticeHeard = resolve));
  const provider = new ApiProvider({
    host: '127.0.0.1',
    port: 0,
    registrations: [
      {
        register: async () => {
          order.push('register');
        },
        // Waits (bounded) for the consumer to hear the notice: it can only have heard it by now if
        // the notice was sent before the deregistration began.
        deregister: async () => {
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([noticed, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
          clearTimeout(timer);
          order.push(`deregister (notice heard: ${heard})`);
        },
      },
    ],
  });
  provider.register(Echo, { echo: (text) => text });
  const client = new RemotingClient();
  t.after(() => client.close());
  client.on('goingAway', () => {
    heard = true;
    noticeHeard();
  });
  const { port } = await provider.start();
  // Any request opens the connection the notice will travel on.
  await client.invokeSync(`127.0.0.1:${port}`, RemotingCommand.createRequest(9000), 3000);
  await provider.close({ graceMs: 3000 });
  assert.deepEqual(order, ['register', 'deregister (notice heard: true)']);
});
