import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCommand } from '../../src/protocol/frame.js';
import { bodyText, isDroppedResponse, newClient, request } from '../support/transport-harness.js';
import { jsonFrame, rawServer } from '../support/transport-raw.js';

function answer(opaque: number, body: string): Buffer {
  return jsonFrame(`{"code":0,"flag":1,"language":"JAVA","opaque":${opaque},"serializeTypeCurrentRPC":"JSON","version":0}`, Buffer.from(body));
}

test('a response is matched by opaque on the connection its request went out on, never on another one', async (t) => {
  const serverA = await rawServer(t);
  const serverB = await rawServer(t);
  const { client, logger } = newClient(t);
  const callA = client.invokeSync(serverA.addr, request(1), 10_000);
  const peerA = await serverA.peer(0);
  const opaqueA = decodeCommand(await peerA.nextFrame()).opaque;
  const callB = client.invokeSync(serverB.addr, request(1), 10_000);
  const peerB = await serverB.peer(0);
  const opaqueB = decodeCommand(await peerB.nextFrame()).opaque;

  // B answers with A's opaque: that frame answers nothing B was asked, so it is dropped.
  await peerB.write(answer(opaqueA, 'from B'));
  const dropped = await logger.waitFor(isDroppedResponse);
  assert.match(dropped.message, new RegExp(`opaque ${opaqueA}\\b`));
  assert.equal(client.pendingCount, 2, 'both calls still wait');

  await peerA.write(answer(opaqueA, 'from A'));
  await peerB.write(answer(opaqueB, 'from B'));
  assert.equal(bodyText(await callA), 'from A');
  assert.equal(bodyText(await callB), 'from B');
  assert.equal(client.pendingCount, 0);
});

test('out-of-order responses on one connection each reach their own caller', async (t) => {
  const server = await rawServer(t);
  const { client } = newClient(t);
  const calls = Array.from({ length: 20 }, (_, i) => client.invokeSync(server.addr, request(1, { ext: { i: String(i) } }), 10_000));
  const peer = await server.peer(0);
  const received = [];
  for (let i = 0; i < 20; i++) received.push(decodeCommand(await peer.nextFrame()));
  for (const req of received.reverse()) await peer.write(answer(req.opaque, `answer ${req.getExt('i')}`));
  const answers = await Promise.all(calls);
  assert.deepEqual(answers.map(bodyText), Array.from({ length: 20 }, (_, i) => `answer ${i}`));
});
