import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, assertRemotingError, bodyText, deferred, newClient, rejectionOf, request, response, startServer } from '../support/transport-harness.js';

async function slowAndFastServer(t: Parameters<typeof startServer>[0]) {
  const release = deferred<void>();
  // Registered before the server's own after-hook, so close() does not wait for the slow request.
  t.after(() => release.resolve());
  const slowArrived = new Counter();
  let connects = 0;
  const started = await startServer(t, {}, (s) => {
    s.registerProcessor(1, async () => {
      slowArrived.increment();
      await release.promise;
      return response(0, { body: 'slow' });
    });
    s.registerProcessor(2, () => response(0, { body: 'fast' }));
    s.on('channel', (event) => {
      if (event.type === 'CONNECT') connects++;
    });
  });
  return { ...started, release, slowArrived, connects: () => connects };
}

test('by default a sync timeout leaves the multiplexed connection and its other calls alone', async (t) => {
  const { addr, release, slowArrived, connects } = await slowAndFastServer(t);
  const { client } = newClient(t);
  const patient = client.invokeSync(addr, request(1), 30_000);
  await slowArrived.reached(1);
  assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 100)), 'TIMEOUT');
  assert.equal(bodyText(await client.invokeSync(addr, request(2), 5000)), 'fast');
  release.resolve();
  assert.equal(bodyText(await patient), 'slow', 'the other call on the connection still got its answer');
  assert.equal(connects(), 1);
});

test('closeSocketIfTimeout: true closes the connection on a sync timeout (Java default), failing its other calls', async (t) => {
  const { addr, slowArrived, connects } = await slowAndFastServer(t);
  const { client } = newClient(t, { closeSocketIfTimeout: true });
  const bystander = client.invokeSync(addr, request(1), 30_000);
  await slowArrived.reached(1);
  assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 100)), 'TIMEOUT');
  assertRemotingError(await rejectionOf(bystander), 'CONNECTION_CLOSED');
  assert.equal(client.pendingCount, 0);
  assert.equal(bodyText(await client.invokeSync(addr, request(2), 5000)), 'fast', 'the next call opens a new connection');
  assert.equal(connects(), 2);
});
