import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import type { TestContext } from 'node:test';
import { ConnectionLimitError } from '../../src/transport/errors.js';
import { assertRemotingError, newClient, rejectionOf, request } from '../support/transport-harness.js';

/** A hostile server: answers every connection's first bytes with the start of a frame it never finishes. */
async function tricklingServer(t: TestContext): Promise<{ addr: string; trickles: Set<NodeJS.Timeout> }> {
  const trickles = new Set<NodeJS.Timeout>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      const head = Buffer.alloc(4);
      head.writeInt32BE(4 * 1024 * 1024, 0);
      socket.write(head);
      const trickle = setInterval(() => socket.write(Buffer.alloc(256, 1)), 20);
      trickles.add(trickle);
      socket.once('close', () => {
        clearInterval(trickle);
        trickles.delete(trickle);
      });
    });
  });
  t.after(async () => {
    for (const trickle of trickles) clearInterval(trickle);
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { addr: `127.0.0.1:${(server.address() as net.AddressInfo).port}`, trickles };
}

/**
 * The client's connections have the same frame timeout: a server trickling a response it never
 * finishes cannot hold the client's memory or its calls past `frameTimeoutMs`.
 */
test('a client closes a connection whose server trickles a frame that never completes, within the frame timeout', async (t) => {
  const { addr } = await tricklingServer(t);
  const { client, logger } = newClient(t, { frameTimeoutMs: 300 });
  const start = performance.now();
  const error = assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 10_000)), 'CONNECTION_CLOSED');
  const elapsed = performance.now() - start;
  assert.ok(elapsed >= 250 && elapsed < 1500, `failed after ${Math.round(elapsed)} ms (frame timeout 300 ms)`);
  const cause = error.cause;
  assert.ok(cause instanceof ConnectionLimitError, `cause: ${String(cause)}`);
  assert.equal(cause.code, 'LIMIT_EXCEEDED');
  assert.equal(cause.reason, 'FRAME_TIMEOUT');
  assert.equal(client.stats().closedByFrameTimeout, 1);
  assert.equal(client.stats().inboundBytesHeld, 0);
  assert.ok(logger.count((entry) => entry.level === 'warn' && entry.message.includes('still incomplete')) === 1);
});
