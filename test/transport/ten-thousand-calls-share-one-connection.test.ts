import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SerializeType } from '../../src/protocol/codes.js';
import { bodyText, newClient, request, response, startServer } from '../support/transport-harness.js';

test('10 000 concurrent calls on one connection, answered out of order, each reach their own caller', async (t) => {
  let connects = 0;
  const { server, addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, async (req) => {
      // Random delays shuffle the answers relative to the requests.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 20)));
      return response(0, { ext: { id: req.getExt('id')! }, body: `answer ${req.getExt('id')}` });
    });
    s.on('channel', (event) => {
      if (event.type === 'CONNECT') connects++;
    });
  });
  const { client } = newClient(t);
  // Open the connection first, so every call below is registered the moment it is made.
  await client.invokeSync(addr, request(1, { ext: { id: 'warm-up' } }), 10_000);
  const n = 10_000;
  const calls = Array.from({ length: n }, (_, i) => {
    const req = request(1, { ext: { id: String(i) }, serializeType: i % 2 === 0 ? SerializeType.JSON : SerializeType.ROCKETMQ });
    return (i % 3 === 0 ? client.invokeAsyncPromise(addr, req, 60_000) : client.invokeSync(addr, req, 60_000)).then((answer) => {
      assert.equal(answer.getExt('id'), String(i), `call ${i} got answer ${answer.getExt('id')}`);
      assert.equal(bodyText(answer), `answer ${i}`);
      assert.equal(answer.opaque, req.opaque);
      assert.equal(answer.serializeType, req.serializeType);
      return i;
    });
  });
  assert.equal(client.pendingCount, n, 'all 10 000 in flight at once');
  const done = await Promise.all(calls);
  assert.equal(done.length, n);
  assert.equal(connects, 1);
  assert.equal(server.channels.size, 1);
  assert.deepEqual(client.connectedAddresses, [addr]);
  assert.equal(client.pendingCount, 0);
});
