import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { decodeCommand } from '../../src/protocol/frame.js';
import type { RemotingClient, ResponseFuture } from '../../src/transport/remoting-client.js';
import { Counter, assertRemotingError, refusedAddr, blockEventLoopUntil, bodyText, deferred, isDroppedResponse, newClient, request, response, startServer } from '../support/transport-harness.js';
import { GatedConnector, jsonFrame, rawServer } from '../support/transport-raw.js';

function answerFrame(opaque: number, body: string): Buffer {
  return jsonFrame(`{"code":0,"flag":1,"language":"JAVA","opaque":${opaque},"serializeTypeCurrentRPC":"JSON","version":0}`, Buffer.from(body));
}

/** invokeAsync whose callback is counted; resolves with the first future, records any later call. */
function countedInvoke(client: RemotingClient, addr: string, opaque: number | undefined, timeoutMs: number): { first: Promise<ResponseFuture>; calls: () => number } {
  let calls = 0;
  const first = deferred<ResponseFuture>();
  client.invokeAsync(addr, request(1, { opaque }), timeoutMs, (future) => {
    calls++;
    first.resolve(future);
  });
  return { first: first.promise, calls: () => calls };
}

test('the callback runs once, later than invokeAsync returns, with the response', async (t) => {
  const { addr } = await startServer(t, {}, (s) => s.registerProcessor(1, () => response(0, { body: 'pong' })));
  const { client } = newClient(t);
  let returned = false;
  const seen = deferred<[ResponseFuture, boolean]>();
  client.invokeAsync(addr, request(1), 5000, (future) => seen.resolve([future, returned]));
  returned = true;
  const [future, afterReturn] = await seen.promise;
  assert.equal(afterReturn, true, 'never re-entrantly from inside invokeAsync');
  assert.equal(bodyText(future.response!), 'pong');
  assert.equal(future.error, null);
  assert.equal(future.sendRequestOK, true);
  assert.equal(future.isTimeout, false);
  assert.equal(future.addr, addr);
  assert.equal(future.request.code, 1);
});

test('the callback runs once on each failure path: timeout, connect failure, no permit, throwing callback', async (t) => {
  const silent = await rawServer(t);
  const { client, logger } = newClient(t, { asyncPermits: 1 });
  const timedOut = countedInvoke(client, silent.addr, undefined, 100);
  const permitless = countedInvoke(client, silent.addr, undefined, 50);
  const timeout = await timedOut.first;
  assertRemotingError(timeout.error, 'TIMEOUT');
  assert.deepEqual([timeout.response, timeout.sendRequestOK, timeout.isTimeout], [null, true, true]);
  const noPermit = await permitless.first;
  assertRemotingError(noPermit.error, 'TOO_MANY_REQUESTS');
  assert.equal(noPermit.sendRequestOK, false);

  const refused = countedInvoke(client, await refusedAddr(), undefined, 5000);
  const connectFailed = await refused.first;
  assertRemotingError(connectFailed.error, 'CONNECT_FAILED');
  assert.deepEqual([connectFailed.sendRequestOK, connectFailed.isTimeout], [false, false]);

  const thrown = deferred<void>();
  client.invokeAsync(silent.addr, request(1), 50, () => {
    thrown.resolve();
    throw new Error('callback bug');
  });
  await thrown.promise;
  await logger.waitFor((entry) => entry.level === 'error' && entry.message.includes('callback'));
  // Every outcome is final: one more round trip of the event loop changes nothing.
  const probe = countedInvoke(client, await refusedAddr(), undefined, 5000);
  await probe.first;
  assert.deepEqual([timedOut.calls(), permitless.calls(), refused.calls(), probe.calls()], [1, 1, 1, 1]);
  assert.equal(client.pendingCount, 0);
});

/**
 * Races decided inside one event-loop turn. The response is already in the client process (held
 * by GatedConnector); the test blocks the loop past the call's deadline, so both the response and
 * the timer are due, then lets one of them go first.
 */
async function raceSetup(t: TestContext) {
  const server = await rawServer(t);
  const gate = new GatedConnector();
  const { client, logger } = newClient(t, { connector: gate.connector });
  // Open the connection with a first call, then hold everything the server sends.
  const opening = client.invokeAsyncPromise(server.addr, request(1), 5000);
  const peer = await server.peer(0);
  await peer.write(answerFrame(decodeCommand(await peer.nextFrame()).opaque, 'opening'));
  await opening;
  gate.hold();
  return { addr: server.addr, peer, gate, client, logger };
}

test('race: the response and the timer are due in the same turn and the response is read first: callback once, with the response', async (t) => {
  const { addr, peer, gate, client, logger } = await raceSetup(t);
  const opaque = 900_001;
  await peer.write(answerFrame(opaque, 'just in time'));
  await gate.heldUntil(() => gate.heldBytes > 0);
  const start = performance.now();
  const call = countedInvoke(client, addr, opaque, 50);
  assert.equal(client.pendingCount, 1, 'the call is registered synchronously');
  blockEventLoopUntil(start + 80);
  gate.release();
  const future = await call.first;
  assert.equal(bodyText(future.response!), 'just in time');
  assert.equal(future.error, null);
  // Let the (cleared) timer's turn pass: a full round trip on the connection.
  const later = countedInvoke(client, addr, 900_002, 5000);
  assert.equal(decodeCommand(await peer.nextFrame()).opaque, opaque);
  assert.equal(decodeCommand(await peer.nextFrame()).opaque, 900_002);
  await peer.write(answerFrame(900_002, 'later'));
  assert.equal(bodyText((await later.first).response!), 'later');
  assert.equal(call.calls(), 1);
  assert.equal(logger.count(isDroppedResponse), 0);
  assert.equal(client.pendingCount, 0);
});

test('race: the response and the timer are due in the same turn and the timer goes first: callback once, with the timeout', async (t) => {
  const { addr, peer, gate, client, logger } = await raceSetup(t);
  const opaque = 900_011;
  await peer.write(answerFrame(opaque, 'too late'));
  await gate.heldUntil(() => gate.heldBytes > 0);
  const start = performance.now();
  const call = countedInvoke(client, addr, opaque, 50);
  blockEventLoopUntil(start + 80);
  // Due after the call's timer, so it runs after it in the same timers phase.
  setTimeout(() => gate.release(), 0);
  const future = await call.first;
  assertRemotingError(future.error, 'TIMEOUT');
  assert.equal(future.isTimeout, true);
  const dropped = await logger.waitFor(isDroppedResponse);
  assert.match(dropped.message, new RegExp(`opaque ${opaque}\\b`));
  assert.equal(call.calls(), 1);
  assert.equal(client.pendingCount, 0);
});

test('race: a response and the connection closing arrive together: the response wins, nothing runs twice', async (t) => {
  const { addr, peer, gate, client } = await raceSetup(t);
  const answered = countedInvoke(client, addr, 900_021, 30_000);
  const orphan = countedInvoke(client, addr, 900_022, 30_000);
  await peer.nextFrame();
  await peer.nextFrame();
  await peer.write(answerFrame(900_021, 'last words'));
  peer.socket.end();
  await gate.heldUntil(() => gate.heldEnd);
  gate.release();
  const [first, second] = await Promise.all([answered.first, orphan.first]);
  assert.equal(bodyText(first.response!), 'last words');
  assertRemotingError(second.error, 'CONNECTION_CLOSED');
  assert.equal(second.sendRequestOK, false);
  await peer.closed;
  assert.deepEqual([answered.calls(), orphan.calls()], [1, 1]);
  assert.equal(client.pendingCount, 0);
});

test('race: abort and response in the same turn: whichever runs first settles the call, once', async (t) => {
  const { addr, peer, gate, client, logger } = await raceSetup(t);
  await peer.write(Buffer.concat([answerFrame(900_031, 'first'), answerFrame(900_032, 'second')]));
  await gate.heldUntil(() => gate.heldBytes > 0 && gate.heldBytes >= answerFrame(900_031, 'first').length * 2);
  const abortFirst = new AbortController();
  const responseFirst = new AbortController();
  const outcomes: string[] = [];
  const a = new Promise<void>((resolve) =>
    client.invokeAsync(addr, request(1, { opaque: 900_031 }), 30_000, (f) => {
      outcomes.push(`a:${f.error?.name ?? bodyText(f.response!)}`);
      resolve();
    }, { signal: abortFirst.signal }),
  );
  const b = new Promise<void>((resolve) =>
    client.invokeAsync(addr, request(1, { opaque: 900_032 }), 30_000, (f) => {
      outcomes.push(`b:${f.error?.name ?? bodyText(f.response!)}`);
      resolve();
    }, { signal: responseFirst.signal }),
  );
  abortFirst.abort();
  gate.release();
  responseFirst.abort();
  await Promise.all([a, b]);
  await logger.waitFor(isDroppedResponse);
  assert.deepEqual(outcomes.sort(), ['a:AbortedError', 'b:second']);
  assert.equal(client.pendingCount, 0);
});

test('under many random races every callback runs exactly once and every late response is dropped', async (t) => {
  const n = 1000;
  const received = new Counter();
  const written = new Counter();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, async (req) => {
      received.increment();
      await new Promise((resolve) => setTimeout(resolve, Number(req.getExt('delay'))));
      return response(0, { body: req.getExt('i') });
    });
    s.registerRpcHook({ doAfterResponse: () => written.increment() });
  });
  const { client, logger } = newClient(t);
  await client.invokeSync(addr, request(1, { ext: { delay: '0', i: 'warm-up' } }), 5000);
  const calls = new Map<number, number>();
  const outcomes = { response: 0, timeout: 0 };
  const surprises: string[] = [];
  const allDone = new Counter();
  for (let i = 0; i < n; i++) {
    calls.set(i, 0);
    // Answer delays spread around the 40 ms timeout, so both orders happen many times.
    const delay = String(Math.floor(Math.random() * 80));
    client.invokeAsync(addr, request(1, { ext: { delay, i: String(i) } }), 40, (future) => {
      calls.set(i, calls.get(i)! + 1);
      allDone.increment();
      if (future.response !== null && bodyText(future.response) === String(i)) outcomes.response++;
      else if (future.response === null && (future.error as { code?: string } | null)?.code === 'TIMEOUT') outcomes.timeout++;
      else surprises.push(`call ${i}: ${future.response === null ? String(future.error) : `answer ${bodyText(future.response)}`}`);
    });
  }
  await allDone.reached(n);
  assert.deepEqual(surprises, [], 'each caller gets its own answer or a TIMEOUT');
  assert.ok([...calls.values()].every((count) => count === 1), 'no callback ran twice or never');
  assert.equal(outcomes.response + outcomes.timeout, n);
  // On a loaded machine a call can run out of time before it is even written (then it is never
  // sent). A probe sent now is dispatched after every request that was: then all of those have
  // reached the server, and once their answers are written the client must have matched or
  // dropped each one.
  await client.invokeSync(addr, request(1, { ext: { delay: '0', i: 'probe' } }), 30_000);
  const sent = received.value - 2;
  assert.ok(sent >= outcomes.response && sent <= n);
  await written.reached(sent + 2);
  await logger.waitForCount(isDroppedResponse, sent - outcomes.response);
  assert.equal(logger.count(isDroppedResponse), sent - outcomes.response, 'every answer that came after its timeout was dropped, and only those');
  assert.ok([...calls.values()].every((count) => count === 1), 'late answers ran no callback a second time');
  assert.equal(client.pendingCount, 0);
});
