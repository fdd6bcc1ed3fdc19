import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../src/errors.js';
import { SerializeType } from '../../src/protocol/codes.js';
import { RemotingSendRequestError } from '../../src/transport/errors.js';
import { Counter, assertRemotingError, bodyText, deferred, newClient, rejectionOf, request, response, startServer } from '../support/transport-harness.js';

test('a request that cannot be written (its connection closed under it) fails with SEND_FAILED, in every call style', async (t) => {
  const processed = new Counter();
  const { addr } = await startServer(t, {}, (s) =>
    s.registerProcessor(1, () => {
      processed.increment();
      return response(0, { body: 'ok' });
    }),
  );
  const { client } = newClient(t);
  await client.invokeSync(addr, request(1), 5000);
  // A before-hook runs after the connection is picked and before the write: closing it there
  // leaves the call a dead connection to write to.
  let sabotage = true;
  client.registerRpcHook({
    doBeforeRequest: (target) => {
      if (sabotage) client.closeChannel(target);
    },
  });
  const sync = assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 5000)), 'SEND_FAILED', RemotingSendRequestError);
  assert.equal(sync.addr, addr);
  assert.match(sync.message, new RegExp(`^send request to ${addr} failed`));
  await client.getChannel(addr);
  assertRemotingError(await rejectionOf(client.invokeAsyncPromise(addr, request(1), 5000)), 'SEND_FAILED');
  await client.getChannel(addr);
  const future = deferred<{ error: Error | null; sendRequestOK: boolean }>();
  client.invokeAsync(addr, request(1), 5000, (f) => future.resolve(f));
  const viaCallback = await future.promise;
  assertRemotingError(viaCallback.error, 'SEND_FAILED');
  assert.equal(viaCallback.sendRequestOK, false);
  await client.getChannel(addr);
  assertRemotingError(await rejectionOf(client.invokeOneway(addr, request(1), 5000)), 'SEND_FAILED');
  assert.equal(client.pendingCount, 0);
  sabotage = false;
  assert.equal(bodyText(await client.invokeSync(addr, request(1), 5000)), 'ok');
  assert.equal(processed.value, 2, 'none of the failed requests reached the server');
});

test('a request that cannot be encoded fails with a ProtocolError, sends nothing and spares the connection', async (t) => {
  const processed = new Counter();
  const { addr } = await startServer(t, {}, (s) =>
    s.registerDefaultProcessor((req) => {
      processed.increment();
      return response(0, { body: String(req.code) });
    }),
  );
  const { client } = newClient(t);
  // The ROCKETMQ header has 16 bits for the code (docs/protocol.md §3).
  const tooBig = request(40_000, { serializeType: SerializeType.ROCKETMQ });
  const error = await rejectionOf(client.invokeSync(addr, tooBig, 5000));
  assert.ok(error instanceof ProtocolError, `got ${String(error)}`);
  assert.equal(error.code, 'PROTOCOL');
  assertRemotingError(await rejectionOf(client.invokeOneway(addr, request(40_000, { serializeType: SerializeType.ROCKETMQ }), 5000)), 'PROTOCOL');
  assert.equal(client.pendingCount, 0);
  // The same code is fine in a JSON header.
  assert.equal(bodyText(await client.invokeSync(addr, request(40_000), 5000)), '40000');
  assert.equal(processed.value, 1);
});
