import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { GOING_AWAY_REQUEST_CODE } from '../../src/protocol/codes.js';
import { Counter, assertRemotingError, bodyText, deferred, newClient, rejectionOf, request, response, startHoldingServer, startServer } from '../support/transport-harness.js';

test('close(): stop accepting, finish in-flight requests, answer nothing new from a peer that ignores the going-away notice, then close the sockets', async (t) => {
  const { server, addr, logger, started, release } = await startHoldingServer(t, (s) => s.registerProcessor(2, () => response(0, { body: 'new' })));
  const { client } = newClient(t);
  // A peer that does not know the going-away notice (Java 5.x drops it): it keeps using the connection.
  client.registerProcessor(GOING_AWAY_REQUEST_CODE, () => null);
  const inFlight = [0, 1, 2].map((n) => client.invokeSync(addr, request(1, { ext: { n: String(n) } }), 30_000));
  await started.reached(3);
  const closing = server.close({ graceMs: 30_000 });
  let closed = false;
  void closing.then(() => (closed = true));

  // Stop accepting: a new client cannot connect.
  const { client: newcomer } = newClient(t);
  assertRemotingError(await rejectionOf(newcomer.invokeSync(addr, request(2), 5000)), 'CONNECT_FAILED');
  // Once the notice went unanswered, answer nothing new: a request arriving on an existing connection is not processed.
  await logger.waitFor((entry) => entry.message.startsWith('going away: 0 clients moved off, 1 did not answer'));
  const late = rejectionOf(client.invokeSync(addr, request(2), 30_000));
  await logger.waitFor((entry) => entry.message.startsWith('shutting down: request code 2'));
  assert.equal(closed, false, 'still draining');

  release();
  const answers = await Promise.all(inFlight);
  assert.deepEqual(answers.map(bodyText), ['done 0', 'done 1', 'done 2'], 'in-flight requests finished and their answers went out');
  await closing;
  assertRemotingError(await late, 'CONNECTION_CLOSED');
  assert.equal(server.channels.size, 0);
  assert.equal(client.pendingCount, 0);
  await server.close();
});

test('close() gives up on requests still running at the deadline and closes anyway', async (t) => {
  const never = deferred<void>();
  t.after(() => never.resolve());
  const started = new Counter();
  const { server, addr } = await startServer(t, {}, (s) =>
    s.registerProcessor(1, async (_req, ctx) => {
      started.increment();
      await never.promise;
      return ctx.signal.aborted ? null : response(0);
    }),
  );
  const { client } = newClient(t);
  const stuck = rejectionOf(client.invokeSync(addr, request(1), 30_000));
  await started.reached(1);
  const begin = performance.now();
  await server.close({ graceMs: 200 });
  const took = performance.now() - begin;
  assert.ok(took >= 190 && took < 10_000, `waited the grace period (${Math.round(took)} ms), not longer`);
  assertRemotingError(await stuck, 'CONNECTION_CLOSED');
  assert.equal(server.channels.size, 0);
});

test('close() with nothing in flight is quick, is idempotent, and a closed server refuses server-side calls', async (t) => {
  const { server, addr } = await startServer(t, {}, (s) => s.registerProcessor(1, () => response(0)));
  const { client } = newClient(t);
  await client.invokeSync(addr, request(1), 5000);
  const [channel] = [...server.channels];
  await Promise.all([server.close(), server.close()]);
  await server.close();
  assert.equal(server.channels.size, 0);
  assertRemotingError(await rejectionOf(server.invokeSync(channel!, request(1), 1000)), 'CLOSED');
  await assert.rejects(server.start(), /cannot start/);
});
