import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AbortedError } from '../../src/transport/errors.js';
import { Counter, assertRemotingError, bodyText, deferred, isDroppedResponse, newClient, rejectionOf, request, response, startServer } from '../support/transport-harness.js';
import { GatedConnector, jsonFrame, rawServer } from '../support/transport-raw.js';

test('aborting a pending call rejects it with ABORTED at once; its late answer is dropped', async (t) => {
  const release = deferred<void>();
  t.after(() => release.resolve());
  const arrived = new Counter();
  const answered = new Counter();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, async () => {
      arrived.increment();
      await release.promise;
      return response(0);
    });
    s.registerRpcHook({ doAfterResponse: () => answered.increment() });
  });
  const { client, logger } = newClient(t);
  const sync = new AbortController();
  const async = new AbortController();
  const callback = new AbortController();
  const syncCall = rejectionOf(client.invokeSync(addr, request(1), 30_000, { signal: sync.signal }));
  const asyncCall = rejectionOf(client.invokeAsyncPromise(addr, request(1), 30_000, { signal: async.signal }));
  const viaCallback = deferred<Error | null>();
  client.invokeAsync(addr, request(1), 30_000, (future) => viaCallback.resolve(future.error), { signal: callback.signal });
  await arrived.reached(3);
  const reason = new Error('user navigated away');
  sync.abort(reason);
  async.abort();
  callback.abort();
  const error = assertRemotingError(await syncCall, 'ABORTED', AbortedError);
  assert.equal(error.cause, reason);
  assertRemotingError(await asyncCall, 'ABORTED');
  assertRemotingError(await viaCallback.promise, 'ABORTED');
  assert.equal(client.pendingCount, 0);
  release.resolve();
  await answered.reached(3);
  await logger.waitForCount(isDroppedResponse, 3);
});

test('an already-aborted signal fails the call before anything is sent', async (t) => {
  const arrived = new Counter();
  const { addr } = await startServer(t, {}, (s) =>
    s.registerProcessor(1, () => {
      arrived.increment();
      return response(0, { body: 'sent' });
    }),
  );
  const { client } = newClient(t);
  await client.invokeSync(addr, request(1), 5000);
  const aborted = AbortSignal.abort();
  assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 5000, { signal: aborted })), 'ABORTED');
  assertRemotingError(await rejectionOf(client.invokeAsyncPromise(addr, request(1), 5000, { signal: aborted })), 'ABORTED');
  assert.equal(bodyText(await client.invokeSync(addr, request(1), 5000)), 'sent');
  assert.equal(arrived.value, 2, 'the aborted calls never reached the server');
});

test('aborting while waiting for the connection or for a permit ends the call; the shared connect goes on', async (t) => {
  const server = await rawServer(t);
  const gate = new GatedConnector();
  let connecting = deferred<void>();
  const realConnector = gate.connector;
  // Delays the connect until the test says so.
  const connector = async (addr: string) => {
    await connecting.promise;
    return realConnector(addr);
  };
  const { client } = newClient(t, { connector, asyncPermits: 1 });
  const waiting = new AbortController();
  const abandoned = rejectionOf(client.invokeSync(server.addr, request(1), 30_000, { signal: waiting.signal }));
  const patient = client.invokeSync(server.addr, request(1, { ext: { who: 'patient' } }), 30_000);
  waiting.abort();
  assertRemotingError(await abandoned, 'ABORTED');
  connecting.resolve();
  const peer = await server.peer(0);
  const frame = await peer.nextCommand();
  assert.equal(frame.getExt('who'), 'patient', 'only the call that stayed was sent');
  await peer.write(jsonFrame(`{"code":0,"flag":1,"language":"JAVA","opaque":${frame.opaque},"serializeTypeCurrentRPC":"JSON","version":0}`));
  assert.equal((await patient).code, 0);

  // Permits: one async call holds the only permit; a second waits for it and is aborted.
  connecting = deferred<void>();
  connecting.resolve();
  const holding = client.invokeAsyncPromise(server.addr, request(1), 30_000);
  await peer.nextFrame();
  const permitWait = new AbortController();
  const queued = rejectionOf(client.invokeAsyncPromise(server.addr, request(1), 30_000, { signal: permitWait.signal }));
  permitWait.abort();
  assertRemotingError(await queued, 'ABORTED');
  client.closeChannel(server.addr);
  assertRemotingError(await rejectionOf(holding), 'CONNECTION_CLOSED');
});
