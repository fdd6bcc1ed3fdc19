import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemotingTooMuchRequestError } from '../../src/transport/errors.js';
import { Semaphore } from '../../src/transport/semaphore.js';
import type { RemotingClient } from '../../src/transport/remoting-client.js';
import { Counter, assertRemotingError, refusedAddr, deferred, newClient, rejectionOf, request, response, startServer } from '../support/transport-harness.js';
import { rawServer } from '../support/transport-raw.js';

const HOLD = 1;
const QUICK = 2;

/**
 * How many async permits are free right now, measured from outside. A call with timeout 0 fails
 * with TOO_MANY_REQUESTS when no permit is free and with TIMEOUT otherwise (its permit going back
 * at once), so: probe, and while a permit is free, occupy one with a call that hangs (code 3 is
 * never answered); then abort the hanging calls.
 */
async function freeAsyncPermits(client: RemotingClient, addr: string, upTo: number): Promise<number> {
  const abort = new AbortController();
  const hanging: Array<Promise<unknown>> = [];
  let free = 0;
  while (free <= upTo) {
    const probe = await rejectionOf(client.invokeAsyncPromise(addr, request(QUICK), 0));
    if ((probe as { code?: string }).code === 'TOO_MANY_REQUESTS') break;
    assertRemotingError(probe, 'TIMEOUT');
    hanging.push(rejectionOf(client.invokeAsyncPromise(addr, request(3), 30_000, { signal: abort.signal })));
    free++;
  }
  abort.abort();
  for (const error of await Promise.all(hanging)) assertRemotingError(error, 'ABORTED');
  return free;
}

test('async calls beyond the permits wait for one, and fail with TOO_MANY_REQUESTS when none comes in time', async (t) => {
  const gate = deferred<void>();
  const held = new Counter();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(HOLD, async () => {
      held.increment();
      await gate.promise;
      return response(0);
    });
    s.registerProcessor(QUICK, () => response(0));
    s.registerProcessor(3, () => null);
  });
  const { client } = newClient(t, { asyncPermits: 2 });
  const inFlight = [client.invokeAsyncPromise(addr, request(HOLD), 30_000), client.invokeAsyncPromise(addr, request(HOLD), 30_000)];
  await held.reached(2);
  const error = assertRemotingError(await rejectionOf(client.invokeAsyncPromise(addr, request(QUICK), 100)), 'TOO_MANY_REQUESTS', RemotingTooMuchRequestError);
  assert.equal(error.addr, addr);
  assert.match(error.message, /^invokeAsyncImpl tryAcquire semaphore timeout, 100ms, waiting thread nums: \d+ semaphoreAsyncValue: 0$/);
  assertRemotingError(await rejectionOf(client.invokeAsyncPromise(addr, request(QUICK), 0)), 'TOO_MANY_REQUESTS');
  assert.match(((await rejectionOf(client.invokeAsyncPromise(addr, request(QUICK), 0))) as Error).message, /^invokeAsyncImpl invoke too fast$/);
  // A waiter that is still within its timeout gets the permit when one is released.
  const waiting = client.invokeAsyncPromise(addr, request(QUICK), 30_000);
  gate.resolve();
  await Promise.all(inFlight);
  assert.equal((await waiting).code, 0);
  // Sync calls take no permit (as in Java): with both permits held, sync calls still go through.
  const abort = new AbortController();
  const holding = [0, 1].map(() => rejectionOf(client.invokeAsyncPromise(addr, request(3), 30_000, { signal: abort.signal })));
  assertRemotingError(await rejectionOf(client.invokeAsyncPromise(addr, request(QUICK), 0)), 'TOO_MANY_REQUESTS');
  assert.equal((await client.invokeSync(addr, request(QUICK), 5000)).code, 0);
  abort.abort();
  await Promise.all(holding);
});

test('a permit is released exactly once whatever ends the call: response, timeout, abort, connection closed, connect failure', async (t) => {
  const gate = deferred<void>();
  const held = new Counter();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(HOLD, async () => {
      held.increment();
      await gate.promise;
      return response(0);
    });
    s.registerProcessor(QUICK, () => response(0));
    s.registerProcessor(3, () => null);
  });
  const silent = await rawServer(t);
  const permits = 3;
  const { client } = newClient(t, { asyncPermits: permits });
  assert.equal(await freeAsyncPermits(client, addr, permits), permits);

  // Each way out, many times over; a lost permit would shrink the pool, a double release grow it.
  for (let round = 0; round < 5; round++) {
    assert.equal((await client.invokeAsyncPromise(addr, request(QUICK), 5000)).code, 0);
    assertRemotingError(await rejectionOf(client.invokeAsyncPromise(addr, request(3), 20)), 'TIMEOUT');
    const abort = new AbortController();
    const aborted = rejectionOf(client.invokeAsyncPromise(addr, request(3), 30_000, { signal: abort.signal }));
    abort.abort();
    assertRemotingError(await aborted, 'ABORTED');
    const closing = rejectionOf(client.invokeAsyncPromise(silent.addr, request(1), 30_000));
    const peer = await silent.peer(round);
    await peer.nextFrame();
    peer.destroy();
    assertRemotingError(await closing, 'CONNECTION_CLOSED');
    assertRemotingError(await rejectionOf(client.invokeAsyncPromise(await refusedAddr(), request(1), 5000)), 'CONNECT_FAILED');
    const callback = deferred<void>();
    client.invokeAsync(addr, request(3), 20, () => callback.resolve());
    await callback.promise;
  }
  assert.equal(await freeAsyncPermits(client, addr, permits + 2), permits, 'the pool is exactly as large as configured');

  // While all permits are held by real calls, none is free; once they end, all are back.
  const holding = Array.from({ length: permits }, () => client.invokeAsyncPromise(addr, request(HOLD), 30_000));
  await held.reached(permits);
  assert.equal(await freeAsyncPermits(client, addr, permits), 0);
  gate.resolve();
  await Promise.all(holding);
  assert.equal(await freeAsyncPermits(client, addr, permits + 2), permits);
  assert.equal(client.pendingCount, 0);
});

test('oneway calls hold a permit until written: a peer that reads nothing exhausts them, then TOO_MANY_REQUESTS', async (t) => {
  const stalled = await rawServer(t, (peer) => peer.socket.pause());
  const { addr: healthyAddr } = await startServer(t, {}, (s) => s.registerProcessor(QUICK, () => response(0)));
  const { client } = newClient(t, { onewayPermits: 1 });
  // Far more than the socket buffers hold: the write cannot complete while the peer reads nothing.
  const big = request(1, { body: Buffer.alloc(12 * 1024 * 1024, 7) });
  let bigDone = false;
  const stuck = client.invokeOneway(stalled.addr, big, 30_000).finally(() => (bigDone = true));
  const stuckOutcome = rejectionOf(stuck);
  await stalled.peer(0);
  const error = assertRemotingError(await rejectionOf(client.invokeOneway(healthyAddr, request(QUICK), 100)), 'TOO_MANY_REQUESTS', RemotingTooMuchRequestError);
  assert.match(error.message, /^invokeOnewayImpl tryAcquire semaphore timeout, 100ms, waiting thread nums: \d+ semaphoreOnewayValue: 0$/);
  assert.equal(bigDone, false);
  // The stalled peer goes away: the unfinished write fails, and its permit comes back.
  (await stalled.peer(0)).destroy();
  assertRemotingError(await stuckOutcome, 'SEND_FAILED');
  await client.invokeOneway(healthyAddr, request(QUICK), 5000);
  await client.invokeOneway(healthyAddr, request(QUICK), 5000);
});

test('the defaults are Java\'s: 65535 async and 65535 oneway permits per client', async (t) => {
  const { addr } = await startServer(t, {}, (s) => s.registerProcessor(QUICK, () => response(0)));
  const { client } = newClient(t);
  const internals = client as unknown as { asyncSemaphore: Semaphore; onewaySemaphore: Semaphore };
  assert.equal(internals.asyncSemaphore.permits, 65535);
  assert.equal(internals.onewaySemaphore.permits, 65535);
  await client.invokeAsyncPromise(addr, request(QUICK), 5000);
  assert.equal(internals.asyncSemaphore.availablePermits, 65535);
});

test('Semaphore: FIFO waiters, timeouts and aborts, and a permit released twice counts once', async () => {
  const semaphore = new Semaphore(1);
  const first = semaphore.tryAcquire()!;
  assert.ok(first);
  assert.equal(semaphore.tryAcquire(), null);
  const order: string[] = [];
  const abort = new AbortController();
  const a = semaphore.acquire(30_000).then((p) => (order.push('a'), p));
  const aborted = semaphore.acquire(30_000, abort.signal);
  const timedOut = semaphore.acquire(10);
  const b = semaphore.acquire(30_000).then((p) => (order.push('b'), p));
  abort.abort();
  assert.equal(await aborted, null);
  assert.equal(await timedOut, null);
  first.release();
  first.release();
  const permitA = await a;
  assert.deepEqual(order, ['a']);
  assert.equal(semaphore.availablePermits, 0, 'the second release of the same permit was ignored');
  permitA!.release();
  const permitB = await b;
  assert.deepEqual(order, ['a', 'b']);
  permitB!.release();
  assert.equal(semaphore.availablePermits, 1);
  assert.equal(semaphore.queueLength, 0);
});
