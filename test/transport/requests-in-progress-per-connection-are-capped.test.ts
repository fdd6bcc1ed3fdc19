import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Counter, bodyText, deferred, newClient, request, response, startServer } from '../support/transport-harness.js';

/**
 * Like HTTP/2's MAX_CONCURRENT_STREAMS: a connection has at most `maxRequestsInProgress` requests
 * dispatched and not yet answered. At the cap the server stops reading from it (the rest wait in
 * the socket, then the sender's buffers) instead of queueing without end; none is lost.
 */
test('a connection gets at most maxRequestsInProgress requests dispatched; the rest wait unread and none is lost', async (t) => {
  const gate = deferred();
  const started = new Counter();
  let running = 0;
  let mostRunning = 0;
  const { server, addr } = await startServer(t, { maxRequestsInProgress: 8 }, (s) => {
    s.registerProcessor(1, async (req) => {
      started.increment();
      mostRunning = Math.max(mostRunning, ++running);
      await gate.promise;
      running--;
      return response(0, { body: req.getExt('i') });
    });
    s.registerProcessor(2, () => response(0, { body: 'pong' }));
  });
  const { client } = newClient(t);
  const calls = Array.from({ length: 50 }, (_, i) => client.invokeSync(addr, request(1, { ext: { i: String(i) } }), 10_000));
  await started.reached(8);
  // Round trips on another connection: the server has handled whatever the first one sent meanwhile.
  const { client: other } = newClient(t);
  for (let i = 0; i < 5; i++) assert.equal(bodyText(await other.invokeSync(addr, request(2), 2000)), 'pong');
  assert.equal(started.value, 8, 'no request past the cap was dispatched');
  assert.equal(server.stats().pausedConnections, 1);
  assert.equal(server.stats().requestsInProgress, 8);
  gate.resolve();
  const answers = await Promise.all(calls);
  assert.deepEqual(answers.map(bodyText), Array.from({ length: 50 }, (_, i) => String(i)));
  assert.ok(mostRunning <= 8, `${mostRunning} requests ran at once`);
  assert.equal(server.stats().pausedConnections, 0);
  assert.ok(server.stats().readPauses >= 1);
});

test('oneway requests count against the cap while their processor runs', async (t) => {
  const gate = deferred();
  const started = new Counter();
  const { server, addr } = await startServer(t, { maxRequestsInProgress: 4 }, (s) => {
    s.registerProcessor(3, async () => {
      started.increment();
      await gate.promise;
    });
    s.registerProcessor(2, () => response(0, { body: 'pong' }));
  });
  const { client } = newClient(t);
  for (let i = 0; i < 20; i++) await client.invokeOneway(addr, request(3), 2000);
  await started.reached(4);
  const { client: other } = newClient(t);
  for (let i = 0; i < 5; i++) assert.equal(bodyText(await other.invokeSync(addr, request(2), 2000)), 'pong');
  assert.equal(started.value, 4);
  assert.equal(server.stats().pausedConnections, 1);
  gate.resolve();
  await started.reached(20);
  assert.equal(started.value, 20);
});
