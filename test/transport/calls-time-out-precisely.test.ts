import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { RemotingTimeoutError } from '../../src/transport/errors.js';
import { PendingRequests, type PendingCall } from '../../src/transport/pending-requests.js';
import type { Channel } from '../../src/transport/channel.js';
import { Counter, assertRemotingError, bodyText, deferred, isDroppedResponse, newClient, rejectionOf, request, response, startServer } from '../support/transport-harness.js';
import { rawServer } from '../support/transport-raw.js';

test('a server that never answers: the call fails with TIMEOUT (addr, elapsed time) and leaves nothing pending', async (t) => {
  const received = new Counter();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, () => {
      received.increment();
      return null;
    });
    s.registerProcessor(2, () => response(0, { body: 'alive' }));
  });
  const { client, logger } = newClient(t);
  await client.getChannel(addr);
  const begin = performance.now();
  const error = assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 300)), 'TIMEOUT', RemotingTimeoutError);
  const elapsed = performance.now() - begin;
  await received.reached(1);
  assert.equal(error.addr, addr);
  assert.equal(error.timeoutMs, 300);
  assert.ok(error.elapsedMs >= 299 && error.elapsedMs <= elapsed + 1, `elapsedMs ${error.elapsedMs} within the call's ${elapsed} ms`);
  assert.equal(typeof error.opaque, 'number');
  assert.match(error.message, new RegExp(addr));
  assert.equal(logger.count((entry) => entry.message.startsWith('sweep')), 0, 'the per-call timer fired, not the safety sweep');
  assert.equal(client.pendingCount, 0);
  assert.equal(bodyText(await client.invokeSync(addr, request(2), 5000)), 'alive', 'the connection is still usable');
});

test('a raw peer that reads but never answers: every call times out and the pending table empties', async (t) => {
  const silent = await rawServer(t);
  const { client } = newClient(t);
  await client.getChannel(silent.addr);
  const calls = Array.from({ length: 50 }, (_, i) => rejectionOf(i % 2 === 0 ? client.invokeSync(silent.addr, request(1), 200) : client.invokeAsyncPromise(silent.addr, request(1), 200)));
  const peer = await silent.peer(0);
  for (let i = 0; i < 50; i++) await peer.nextFrame();
  for (const error of await Promise.all(calls)) assertRemotingError(error, 'TIMEOUT', RemotingTimeoutError);
  assert.equal(client.pendingCount, 0);
  assert.equal(peer.isClosed, false, 'timeouts do not close the connection by default');
});

test('a response arriving after the timeout is dropped with a debug line', async (t) => {
  const late = deferred<void>();
  const answered = deferred<void>();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, async () => {
      await late.promise;
      return response(0);
    });
    s.registerRpcHook({ doAfterResponse: () => answered.resolve() });
  });
  const { client, logger } = newClient(t);
  // Connected first, so the call is written at once and its answer is sure to come, late.
  await client.getChannel(addr);
  assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 100)), 'TIMEOUT');
  late.resolve();
  await answered.promise;
  const dropped = await logger.waitFor(isDroppedResponse);
  assert.match(dropped.message, /opaque -?\d+, code 0/);
  assert.equal(client.pendingCount, 0);
});

test('a timeout of zero or less fails at once without sending', async (t) => {
  const received = new Counter();
  const { addr } = await startServer(t, {}, (s) =>
    s.registerProcessor(1, () => {
      received.increment();
      return response(0);
    }),
  );
  const { client } = newClient(t);
  await client.invokeSync(addr, request(1), 5000);
  assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 0)), 'TIMEOUT');
  assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), -5)), 'TIMEOUT');
  await client.invokeSync(addr, request(1), 5000);
  assert.equal(received.value, 2, 'the zero-timeout calls were never sent');
});

test('timeouts beyond the 32-bit timer range (and Infinity) wait for the response instead of firing at once', async (t) => {
  const release = deferred<void>();
  const started = new Counter();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, async () => {
      started.increment();
      await release.promise;
      return response(0, { body: 'worth the wait' });
    });
    s.registerProcessor(2, () => response(0));
  });
  const { client } = newClient(t);
  const calls = [
    client.invokeSync(addr, request(1), 2 ** 32),
    client.invokeSync(addr, request(1), Number.MAX_SAFE_INTEGER),
    client.invokeSync(addr, request(1), Infinity),
    client.invokeAsyncPromise(addr, request(1), Infinity),
  ];
  await started.reached(4);
  // Several event-loop turns and a full round trip later, nothing has timed out.
  await client.invokeSync(addr, request(2), 5000);
  assert.equal(client.pendingCount, 4);
  release.resolve();
  for (const answer of await Promise.all(calls)) assert.equal(bodyText(answer), 'worth the wait');
});

test('the sweep is only a safety net: it fails calls more than its grace past their deadline', () => {
  const table = new PendingRequests();
  const channel = {} as Channel;
  const failed: string[] = [];
  const call = (opaque: number, begin: number, timeoutMs: number): PendingCall => ({
    opaque,
    channel,
    addr: 'peer:1',
    begin,
    timeoutMs,
    timer: null,
    complete: () => failed.push(`completed ${opaque}`),
    fail: (error) => failed.push(`${opaque} ${(error as RemotingTimeoutError).code}`),
  });
  table.add(call(1, 0, 100));
  table.add(call(2, 0, 5000));
  table.add(call(3, 500, 100));
  const swept = table.sweep(1100, 1000, () => new RemotingTimeoutError('peer:1', 100, 1100));
  assert.equal(swept, 1);
  assert.deepEqual(failed, ['1 TIMEOUT']);
  assert.equal(table.size, 2);
  assert.equal(table.take(1), undefined, 'a swept call is gone: a late response finds nothing');
  assert.equal(table.sweep(1600, 1000, () => new RemotingTimeoutError('peer:1', 100, 1600)), 1);
  assert.deepEqual(table.take(2)?.opaque, 2);
  assert.equal(table.size, 0);
});
