import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { RemotingCommand } from '../../src/protocol/command.js';
import { GOING_AWAY_REQUEST_CODE, ResponseCode } from '../../src/protocol/codes.js';
import type { RemotingServer } from '../../src/transport/remoting-server.js';
import { assertRemotingError, bodyText, newClient, rejectionOf, request, response, startHoldingServer, startServer } from '../support/transport-harness.js';
import { frameOf, rawConnect, type RawPeer } from '../support/transport-raw.js';

/** Waits until the server has accepted `count` connections (a raw client's connect resolves first). */
async function accepted(server: RemotingServer, count: number): Promise<void> {
  while (server.channels.size < count) await once(server, 'channel');
}

/** The answer a peer writes back to the notice, in its opaque. */
function answerTo(notice: RemotingCommand, code: number, remark: string | null = null): Buffer {
  const answer = RemotingCommand.createResponse(code, remark);
  answer.opaque = notice.opaque;
  answer.markResponse();
  return frameOf(answer);
}

test('close() tells connected clients it is going away: they stop using that connection at once, in-flight calls finish on it, new calls open a fresh connection', async (t) => {
  const { server, addr, logger, started, release } = await startHoldingServer(t);
  const { client } = newClient(t);
  const inFlight = [0, 1, 2].map((n) => client.invokeSync(addr, request(1, { ext: { n: String(n) } }), 30_000));
  await started.reached(3);
  const heard = once(client, 'goingAway');
  const closing = server.close({ graceMs: 30_000 });

  assert.deepEqual(await heard, [addr], "the client emits 'goingAway' with the address it dialled");
  assert.deepEqual(client.connectedAddresses, [], 'the connection takes no new calls');
  // A new call opens a fresh connection; nothing listens any more, so it is refused (never sent).
  assertRemotingError(await rejectionOf(client.invokeSync(addr, request(1), 5000)), 'CONNECT_FAILED');

  release();
  const answers = await Promise.all(inFlight);
  assert.deepEqual(answers.map(bodyText), ['done 0', 'done 1', 'done 2'], 'calls in flight on the old connection completed');
  await closing;
  await logger.waitFor((entry) => entry.message === 'going away: 1 clients moved off, 0 did not answer the notice or do not know it');
  assert.equal(client.pendingCount, 0);
  assert.equal(server.channels.size, 0);
});

test('a request written before the client read the notice is still served: the server waits for the answer to the notice, which travels behind it', async (t) => {
  const { server, port, logger } = await startServer(t, {}, (s) => s.registerProcessor(1, () => response(0, { body: 'served' })));
  const raw = await rawConnect(t, port);
  await accepted(server, 1);
  const closing = server.close({ graceMs: 5000 });

  const notice = await raw.nextCommand();
  assert.equal(notice.code, GOING_AWAY_REQUEST_CODE);
  assert.equal(notice.isOneway(), true, 'sent oneway: a peer that does not know it need not answer');
  assert.equal(notice.body, null);
  // The race: a call already on its way when the notice arrived, then the client's answer.
  await raw.write(Buffer.concat([frameOf(request(1, { opaque: 77 })), answerTo(notice, ResponseCode.SUCCESS)]));

  const reply = await raw.nextCommand();
  assert.equal(reply.opaque, 77);
  assert.equal(reply.code, 0);
  assert.equal(bodyText(reply), 'served');
  await closing;
  await raw.closed;
  assert.ok(logger.entries.some((entry) => entry.message.startsWith('going away: 1 clients moved off')), 'the answer was matched to the notice');
});

test('peers that do not know the notice: a REQUEST_CODE_NOT_SUPPORTED answer (Java 4.9.7) is harmless, silence (Java 5.x) holds the close for at most the answer wait', async (t) => {
  const { server, port, logger } = await startServer(t, {}, (s) => s.registerProcessor(1, () => response(0)));
  const java4 = await rawConnect(t, port);
  const java5 = await rawConnect(t, port);
  await accepted(server, 2);
  const begin = performance.now();
  const closing = server.close({ graceMs: 5000 });

  const notice = await java4.nextCommand();
  await java4.write(answerTo(notice, ResponseCode.REQUEST_CODE_NOT_SUPPORTED, ` request type ${GOING_AWAY_REQUEST_CODE} not supported`));
  const ignored: RawPeer = java5;
  assert.equal((await ignored.nextCommand()).code, GOING_AWAY_REQUEST_CODE);
  await closing;
  const took = performance.now() - begin;
  assert.ok(took >= 950 && took < 4000, `the silent peer held the close for the answer wait, no longer (${Math.round(took)} ms)`);
  await Promise.all([java4.closed, java5.closed]);
  assert.ok(logger.entries.some((entry) => entry.message === 'going away: 0 clients moved off, 2 did not answer the notice or do not know it'));
  assert.deepEqual(logger.entries.filter((entry) => entry.level !== 'debug').map((entry) => entry.message), [], 'nothing went wrong');
});
