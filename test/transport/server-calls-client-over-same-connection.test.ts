import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseCode } from '../../src/protocol/codes.js';
import { SerializeType } from '../../src/protocol/codes.js';
import type { Channel } from '../../src/transport/channel.js';
import { Counter, assertRemotingError, bodyText, deferred, newClient, rejectionOf, request, response, startServer } from '../support/transport-harness.js';

async function connectedPair(t: Parameters<typeof startServer>[0], serverOptions: Parameters<typeof startServer>[1] = {}) {
  const connected = deferred<Channel>();
  let connects = 0;
  const started = await startServer(t, serverOptions, (s) => {
    s.registerProcessor(1, () => response(0, { body: 'to server' }));
    s.on('channel', (event) => {
      if (event.type === 'CONNECT') {
        connects++;
        connected.resolve(event.channel);
      }
    });
  });
  const { client, logger } = newClient(t);
  await client.invokeSync(started.addr, request(1), 5000);
  return { ...started, client, clientLogger: logger, channel: await connected.promise, connects: () => connects };
}

test('the server calls the client over the connection the client opened: sync, async and oneway', async (t) => {
  const { server, client, channel, connects, addr } = await connectedPair(t);
  const onewayArrived = deferred<string | null>();
  client.registerProcessor(100, (req, ctx) => response(0, { body: `client answers ${bodyText(req)} from ${ctx.remoteAddress}` }));
  client.registerProcessor(101, (req) => {
    onewayArrived.resolve(bodyText(req));
    return null;
  });
  const sync = await server.invokeSync(channel, request(100, { body: 'sync' }), 5000);
  assert.equal(bodyText(sync), `client answers sync from ${addr}`);
  const async = await server.invokeAsyncPromise(channel, request(100, { body: 'async' }), 5000);
  assert.equal(bodyText(async), `client answers async from ${addr}`);
  await server.invokeOneway(channel, request(101, { body: 'oneway' }), 5000);
  assert.equal(await onewayArrived.promise, 'oneway');
  assert.equal(connects(), 1, 'no new connection: requests flow both ways on one');
  assert.equal(bodyText(await client.invokeSync(addr, request(1), 5000)), 'to server', 'and the client keeps calling the server');
});

test('calls in both directions interleave on one connection, each matched to its caller', async (t) => {
  const { server, client, channel, addr } = await connectedPair(t);
  server.registerProcessor(2, async (req) => {
    // While answering the client, the server asks the client something over the same connection.
    const nested = await server.invokeSync(channel, request(200, { ext: { n: req.getExt('n')! } }), 5000);
    return response(0, { body: `server(${bodyText(nested)})` });
  });
  client.registerProcessor(200, (req) => response(0, { body: `client ${req.getExt('n')}` }));
  const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => client.invokeSync(addr, request(2, { ext: { n: String(i) } }), 10_000)));
  answers.forEach((answer, i) => assert.equal(bodyText(answer), `server(client ${i})`));
  assert.equal(client.pendingCount, 0);
});

test('server-initiated calls get the client\'s system answers and typed failures', async (t) => {
  const { server, client, channel } = await connectedPair(t, { serializeType: SerializeType.ROCKETMQ });
  const unknown = await server.invokeSync(channel, request(999), 5000);
  assert.equal(unknown.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  assert.equal(unknown.remark, ' request type 999 not supported');
  assert.equal(unknown.serializeType, SerializeType.ROCKETMQ, 'the server option sets the header type of its requests, answered in kind');
  client.registerProcessor(300, () => {
    throw new TypeError('client-side failure');
  });
  const failed = await server.invokeSync(channel, request(300), 5000);
  assert.equal(failed.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(failed.remark, 'TypeError: client-side failure');
  const silent = new Counter();
  client.registerProcessor(301, () => {
    silent.increment();
    return null;
  });
  const timeout = assertRemotingError(await rejectionOf(server.invokeSync(channel, request(301), 100)), 'TIMEOUT');
  assert.equal((timeout as { addr?: string }).addr, channel.remoteAddress);
  await silent.reached(1);
});

test('the server bounds its own async and oneway calls with permits (Java: 64 and 256)', async (t) => {
  const { server, client, channel } = await connectedPair(t, { asyncPermits: 1 });
  const release = deferred<void>();
  t.after(() => release.resolve());
  const arrived = new Counter();
  client.registerProcessor(400, async () => {
    arrived.increment();
    await release.promise;
    return response(0);
  });
  const holding = server.invokeAsyncPromise(channel, request(400), 30_000);
  await arrived.reached(1);
  assertRemotingError(await rejectionOf(server.invokeAsyncPromise(channel, request(400), 50)), 'TOO_MANY_REQUESTS');
  release.resolve();
  assert.equal((await holding).code, 0);
  const internals = server as unknown as { onewaySemaphore: { permits: number } };
  assert.equal(internals.onewaySemaphore.permits, 256);
  const { server: defaults } = await startServer(t);
  assert.equal((defaults as unknown as { asyncSemaphore: { permits: number } }).asyncSemaphore.permits, 64);
});
