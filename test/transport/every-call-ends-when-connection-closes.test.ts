import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { once } from 'node:events';
import { ProtocolError } from '../../src/errors.js';
import type { Channel } from '../../src/transport/channel.js';
import type { RemotingClient, ResponseFuture } from '../../src/transport/remoting-client.js';
import { ConnectionClosedError } from '../../src/transport/errors.js';
import { Counter, assertRemotingError, bodyText, deferred, newClient, rejectionOf, request, response, startServer } from '../support/transport-harness.js';
import { rawServer, type RawPeer } from '../support/transport-raw.js';

const LONG = 30_000;
/** Generous, but far below LONG: proves calls failed because the connection closed, not by timing out. */
const FAST = 10_000;

interface Outcomes {
  all: Promise<unknown[]>;
  callbacks: Counter;
}

/** 3×n calls pending on `addr`: sync, promise-async and callback-async; each settles to its error. */
function pendingCalls(client: RemotingClient, addr: string, n: number, code = 1): Outcomes {
  const callbacks = new Counter();
  const all: Array<Promise<unknown>> = [];
  for (let i = 0; i < n; i++) {
    all.push(rejectionOf(client.invokeSync(addr, request(code), LONG)));
    all.push(rejectionOf(client.invokeAsyncPromise(addr, request(code), LONG)));
    const viaCallback = deferred<unknown>();
    client.invokeAsync(addr, request(code), LONG, (future: ResponseFuture) => {
      callbacks.increment();
      assert.equal(future.response, null);
      assert.equal(future.sendRequestOK, false);
      assert.equal(future.isTimeout, false);
      viaCallback.resolve(future.error);
    });
    all.push(viaCallback.promise);
  }
  return { all: Promise.all(all), callbacks };
}

async function receiveFrames(peer: RawPeer, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await peer.nextFrame();
}

test('the peer closing the connection fails every call pending on it at once, with nothing left behind', async (t) => {
  const server = await rawServer(t);
  const { client } = newClient(t);
  const calls = pendingCalls(client, server.addr, 40);
  const peer = await server.peer(0);
  await receiveFrames(peer, 120);
  assert.equal(client.pendingCount, 120);
  const closedAt = performance.now();
  peer.socket.end();
  const errors = await calls.all;
  assert.ok(performance.now() - closedAt < FAST, 'failed fast, not by their 30 s timeout');
  for (const error of errors) {
    const closed = assertRemotingError(error, 'CONNECTION_CLOSED', ConnectionClosedError);
    assert.equal(closed.addr, server.addr);
  }
  assert.equal(calls.callbacks.value, 40);
  assert.equal(client.pendingCount, 0);
  assert.deepEqual(client.connectedAddresses, []);
});

test('a reset connection (RST) fails every pending call the same way', async (t) => {
  const server = await rawServer(t);
  const { client } = newClient(t);
  const calls = pendingCalls(client, server.addr, 10);
  const peer = await server.peer(0);
  await receiveFrames(peer, 30);
  peer.socket.resetAndDestroy();
  for (const error of await calls.all) assertRemotingError(error, 'CONNECTION_CLOSED');
  assert.equal(client.pendingCount, 0);
});

test('our server closing a connection fails the client calls pending on it, and only those', async (t) => {
  const arrived = new Counter();
  const channelsByPeer = new Map<string, Channel>();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, (_req, ctx) => {
      channelsByPeer.set(ctx.remoteAddress, ctx.channel);
      arrived.increment();
      return null;
    });
    s.registerProcessor(2, () => response(0, { body: 'fine' }));
  });
  const { client: doomed } = newClient(t);
  const { client: bystander } = newClient(t);
  await Promise.all([doomed.getChannel(addr), bystander.getChannel(addr)]);
  const calls = pendingCalls(doomed, addr, 10);
  const stillWaiting = new AbortController();
  const unaffected = rejectionOf(bystander.invokeSync(addr, request(1), LONG, { signal: stillWaiting.signal }));
  await arrived.reached(31);
  const doomedLocal = (await doomed.getChannel(addr)).localAddress;
  channelsByPeer.get(doomedLocal)!.close();
  for (const error of await calls.all) assertRemotingError(error, 'CONNECTION_CLOSED');
  assert.equal(doomed.pendingCount, 0);
  assert.equal(bystander.pendingCount, 1, 'the call on the other connection still waits');
  stillWaiting.abort();
  assertRemotingError(await unaffected, 'ABORTED');
  assert.equal(bodyText(await doomed.invokeSync(addr, request(2), 5000)), 'fine', 'the next call opens a new connection');
});

test('closeChannel(addr) and close() fail pending calls at once; a closed client takes no new calls', async (t) => {
  const arrived = new Counter();
  const { addr } = await startServer(t, {}, (s) =>
    s.registerProcessor(1, () => {
      arrived.increment();
      return null;
    }),
  );
  const { client } = newClient(t);
  const first = pendingCalls(client, addr, 5);
  await arrived.reached(15);
  client.closeChannel(addr);
  for (const error of await first.all) assertRemotingError(error, 'CONNECTION_CLOSED');
  assert.equal(client.pendingCount, 0);

  const second = pendingCalls(client, addr, 5);
  await arrived.reached(30);
  await client.close();
  for (const error of await second.all) assert.ok(['CONNECTION_CLOSED', 'CLOSED'].includes((error as { code: string }).code), String(error));
  assert.equal(client.pendingCount, 0);
  assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 1000)), 'CLOSED');
  assertRemotingError(await rejectionOf(client.invokeAsyncPromise(addr, request(1), 1000)), 'CLOSED');
  assertRemotingError(await rejectionOf(client.invokeOneway(addr, request(1), 1000)), 'CLOSED');
});

test('a bad frame from the server fails the pending calls with a typed error carrying the protocol error', async (t) => {
  const server = await rawServer(t);
  const { client } = newClient(t);
  const exception = deferred<Error | undefined>();
  client.on('channel', (event) => {
    if (event.type === 'EXCEPTION') exception.resolve(event.error);
  });
  const calls = pendingCalls(client, server.addr, 5);
  const peer = await server.peer(0);
  await receiveFrames(peer, 15);
  // A frame whose header claims more bytes than the frame has: "decode error, bad header length".
  const bad = Buffer.alloc(12);
  bad.writeInt32BE(8, 0);
  bad.writeUInt32BE(0x00000100, 4);
  await peer.write(bad);
  for (const error of await calls.all) {
    const closed = assertRemotingError(error, 'CONNECTION_CLOSED', ConnectionClosedError);
    assert.ok(closed.cause instanceof ProtocolError, `cause is the protocol error, got ${String(closed.cause)}`);
    assert.equal(closed.cause.reason, 'BAD_HEADER_LENGTH');
  }
  assert.ok((await exception.promise) instanceof ProtocolError);
  assert.equal(client.pendingCount, 0);
  await peer.closed;
});

test('calls a server sends to a client fail at once when that client disconnects', async (t) => {
  const connected = deferred<Channel>();
  const { server, addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, () => response(0));
    s.on('channel', (event) => {
      if (event.type === 'CONNECT') connected.resolve(event.channel);
    });
  });
  const { client } = newClient(t);
  const asked = new Counter();
  client.registerProcessor(40, () => {
    asked.increment();
    return null;
  });
  await client.invokeSync(addr, request(1), 5000);
  const channel = await connected.promise;
  const calls = Array.from({ length: 10 }, (_, i) => rejectionOf(i % 2 ? server.invokeSync(channel, request(40), LONG) : server.invokeAsyncPromise(channel, request(40), LONG)));
  await asked.reached(10);
  const closed = once(channel, 'close');
  await client.close();
  await closed;
  for (const error of await Promise.all(calls)) assertRemotingError(error, 'CONNECTION_CLOSED');
  assertRemotingError(await rejectionOf(server.invokeSync(channel, request(40), 1000)), 'SEND_FAILED');
});
