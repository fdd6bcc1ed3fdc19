import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { decodeCommand } from '../../src/protocol/frame.js';
import { Counter, assertRemotingError, bodyText, newClient, rejectionOf, request, response, startServer } from '../support/transport-harness.js';
import { frameOf, rawServer } from '../support/transport-raw.js';

const BIG = 4 * 1024 * 1024;

test('a peer that reads nothing does not hold up the client\'s calls to other servers', async (t) => {
  const stalled = await rawServer(t, (peer) => peer.socket.pause());
  const { addr: healthy } = await startServer(t, {}, (s) => s.registerProcessor(1, (req) => response(0, { body: req.getExt('i') })));
  const { client } = newClient(t);
  // Far more than the socket buffers take: these writes sit in the client, unfinished.
  const stuck = Array.from({ length: 8 }, () => rejectionOf(client.invokeAsyncPromise(stalled.addr, request(1, { body: Buffer.alloc(BIG, 1) }), 30_000)));
  const oneway = rejectionOf(client.invokeOneway(stalled.addr, request(1, { body: Buffer.alloc(BIG, 2) }), 30_000));
  await stalled.peer(0);
  for (let i = 0; i < 100; i++) assert.equal(bodyText(await client.invokeSync(healthy, request(1, { ext: { i: String(i) } }), 5000)), String(i));
  const burst = await Promise.all(Array.from({ length: 500 }, (_, i) => client.invokeAsyncPromise(healthy, request(1, { ext: { i: String(i) } }), 5000)));
  assert.equal(burst.length, 500);
  assert.equal(client.pendingCount, 8, 'only the calls to the stalled peer still wait');
  (await stalled.peer(0)).destroy();
  for (const error of await Promise.all(stuck)) assertRemotingError(error, 'CONNECTION_CLOSED');
  assertRemotingError(await oneway, 'SEND_FAILED');
  assert.equal(client.pendingCount, 0);
});

test('a client that reads nothing does not hold up the server\'s other connections', async (t) => {
  const answered = new Counter();
  const { server, port, addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, () => {
      answered.increment();
      return response(0, { body: Buffer.alloc(BIG, 3) });
    });
    s.registerProcessor(2, (req) => response(0, { body: req.getExt('i') }));
  });
  // A raw client that sends many requests for big answers and never reads them.
  const greedy = net.connect({ host: '127.0.0.1', port });
  t.after(() => {
    greedy.destroy();
  });
  await once(greedy, 'connect');
  greedy.pause();
  for (let i = 0; i < 16; i++) greedy.write(frameOf(request(1)));
  // The first 4 MiB answer passes the 1 MiB write high-water mark: the server stops reading the
  // rest of the requests until this client reads (docs/guarantees.md).
  await answered.reached(1);
  const { client } = newClient(t);
  for (let i = 0; i < 100; i++) assert.equal(bodyText(await client.invokeSync(addr, request(2, { ext: { i: String(i) } }), 5000)), String(i));
  assert.ok(answered.value < 16, `the server kept reading from a client that reads nothing (${answered.value} answered)`);
  assert.equal(server.stats().pausedConnections, 1);
  // Once the slow client reads again, the rest are read and answered: all there, intact.
  greedy.resume();
  let received = Buffer.alloc(0);
  let frames = 0;
  greedy.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    while (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
      const length = 4 + received.readInt32BE(0);
      assert.equal(decodeCommand(received.subarray(0, length)).body?.length, BIG);
      received = received.subarray(length);
      frames++;
    }
  });
  while (frames < 16) await once(greedy, 'data');
  assert.equal(frames, 16);
  // Gone before the server closes: its going-away notice would be one more (small) frame.
  greedy.destroy();
});
