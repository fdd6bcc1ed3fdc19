import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel } from '../../src/transport/channel.js';
import { InMemoryNetwork } from '../../src/transport/in-memory.js';
import { RemotingServer } from '../../src/transport/remoting-server.js';
import { RecordingLogger, assertRemotingError, bodyText, deferred, newClient, rejectionOf, request, response } from '../support/transport-harness.js';

test('InMemoryNetwork: the whole engine (codec, framing, pending table, server calls) without a socket', async (t) => {
  const network = new InMemoryNetwork();
  const server = new RemotingServer({ logger: new RecordingLogger() });
  t.after(() => server.close());
  const connected = deferred<Channel>();
  server.on('channel', (event) => {
    if (event.type === 'CONNECT') connected.resolve(event.channel);
  });
  server.registerProcessor(1, (req, ctx) => response(0, { body: `${bodyText(req)} via ${ctx.remoteAddress}` }));
  server.registerProcessor(2, () => null);
  network.listen('orders:1', server);
  const { client } = newClient(t, { connector: network.connector });
  client.registerProcessor(50, () => response(0, { body: 'client here' }));

  assert.equal(bodyText(await client.invokeSync('orders:1', request(1, { body: 'sync' }), 5000)), 'sync via memory:1');
  assert.equal(bodyText(await client.invokeAsyncPromise('orders:1', request(1, { body: 'async', serializeType: 1 }), 5000)), 'async via memory:1');
  await client.invokeOneway('orders:1', request(1), 5000);
  const channel = await connected.promise;
  assert.equal(bodyText(await server.invokeSync(channel, request(50), 5000)), 'client here');
  assert.equal((await client.invokeSync('orders:1', request(999), 5000)).remark, ' request type 999 not supported');
  assertRemotingError(await rejectionOf(client.invokeSync('orders:1', request(2), 100)), 'TIMEOUT');

  // Closing the server end fails pending calls at once, as over TCP.
  const pending = rejectionOf(client.invokeSync('orders:1', request(2), 30_000));
  assert.equal(client.pendingCount, 1);
  channel.close();
  assertRemotingError(await pending, 'CONNECTION_CLOSED');
  assert.equal(client.pendingCount, 0);

  // An address nobody listens on is a connect failure.
  assertRemotingError(await rejectionOf(client.invokeSync('nobody:1', request(1), 5000)), 'CONNECT_FAILED');
  network.unlisten('orders:1');
  assertRemotingError(await rejectionOf(client.invokeSync('orders:1', request(1), 5000)), 'CONNECT_FAILED');
});

test('InMemoryNetwork: a closed server refuses connections with CONNECT_FAILED, as over TCP', async (t) => {
  const network = new InMemoryNetwork();
  const server = new RemotingServer({ logger: new RecordingLogger() });
  server.registerProcessor(1, () => response(0));
  network.listen('svc:1', server);
  const { client } = newClient(t, { connector: network.connector });
  assert.equal((await client.invokeSync('svc:1', request(1), 5000)).code, 0);
  await server.close();
  const error = assertRemotingError(await rejectionOf(client.invokeSync('svc:1', request(1), 5000)), 'CONNECT_FAILED');
  assert.match(error.message, /^connect to svc:1 failed: RemotingServer is closed/);
});
