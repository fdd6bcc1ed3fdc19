import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { RemotingTimeoutError, RemotingTooMuchRequestError } from '../../src/index.js';
import type { Channel } from '../../src/transport/channel.js';
import { assertRemotingError, deferred, newClient, rejectionOf, request, since, startServer } from '../support/transport-harness.js';

/** A TCP peer that accepts one connection and never reads from it, so its buffers fill up. */
async function deafPeer(t: import('node:test').TestContext): Promise<{ addr: string; release: () => void }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    socket.pause();
    sockets.push(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const release = (): void => {
    for (const socket of sockets) socket.destroy();
    server.close();
  };
  t.after(release);
  return { addr: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, release };
}

test('a oneway call to a peer that stopped reading fails with a timeout instead of hanging, and its permit bounds the pile-up', { timeout: 20_000 }, async (t) => {
  const peer = await deafPeer(t);
  const { client } = newClient(t, { onewayPermits: 2 });
  // Bigger than the socket buffers can ever take in: neither write can complete.
  const body = Buffer.alloc(12 * 1024 * 1024, 7);
  const outcomes: unknown[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 2 }, () =>
      client.invokeOneway(peer.addr, request(9, { body }), 300).then(
        () => outcomes.push('written'),
        (error: unknown) => outcomes.push(error),
      ),
    ),
  );
  const elapsed = since(start);
  assert.equal(outcomes.length, 2);
  for (const outcome of outcomes) {
    assertRemotingError(outcome, 'TIMEOUT', RemotingTimeoutError);
    assert.match((outcome as Error).message, /not written within the timeout/);
  }
  assert.ok(elapsed >= 290 && elapsed < 3000, `ended after ${elapsed} ms`);
  // The timed-out writes still hold their permits: a further oneway call cannot get one in time.
  const blocked = await rejectionOf(client.invokeOneway(peer.addr, request(9), 100));
  assertRemotingError(blocked, 'TOO_MANY_REQUESTS', RemotingTooMuchRequestError);
  // When the connection goes, the stuck writes end and give their permits back: a small oneway
  // call elsewhere gets one and is written.
  const other = await deafPeer(t);
  peer.release();
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      await client.invokeOneway(other.addr, request(9), 100);
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
});

test('the server’s oneway call to a client that stopped reading fails with a timeout too', { timeout: 20_000 }, async (t) => {
  const connected = deferred<Channel>();
  const { server, port } = await startServer(t, {}, (s) => {
    s.on('channel', (event) => {
      if (event.type === 'CONNECT') connected.resolve(event.channel);
    });
  });
  // A client that connects and never reads.
  const socket = net.connect(port, '127.0.0.1');
  socket.pause();
  t.after(() => socket.destroy());
  const channel = await connected.promise;
  const start = performance.now();
  const outcome = await rejectionOf(server.invokeOneway(channel, request(9, { body: Buffer.alloc(12 * 1024 * 1024, 1) }), 300));
  assertRemotingError(outcome, 'TIMEOUT', RemotingTimeoutError);
  const elapsed = since(start);
  assert.ok(elapsed >= 290 && elapsed < 3000, `ended after ${elapsed} ms`);
});
