import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCommand } from '../../src/protocol/frame.js';
import { SerializeType } from '../../src/protocol/codes.js';
import type { RemotingCommand } from '../../src/protocol/command.js';
import { bodyText, newClient, request, response, startServer } from '../support/transport-harness.js';
import { frameOf, frameType, jsonFrame, rawConnect, rawServer } from '../support/transport-raw.js';

const TYPES = [SerializeType.JSON, SerializeType.ROCKETMQ] as const;

test('each request is answered in its own header type, mixed freely on one connection', async (t) => {
  const { port } = await startServer(t, {}, (s) => s.registerProcessor(1, (req) => response(0, { ext: { echo: req.getExt('v')! }, body: req.body })));
  const peer = await rawConnect(t, port);
  const sent = Array.from({ length: 40 }, (_, i) => request(1, { ext: { v: `ünïcode ${i}` }, body: Buffer.from([i, 0, 255]), serializeType: TYPES[(i * 7) % 2]! }));
  await peer.write(Buffer.concat(sent.map((req) => frameOf(req))));
  for (const req of sent) {
    const frame = await peer.nextFrame();
    assert.equal(frameType(frame), req.serializeType);
    const answer = decodeCommand(frame);
    assert.equal(answer.opaque, req.opaque);
    assert.equal(answer.flag, 1);
    assert.equal(answer.getExt('echo'), req.getExt('v'));
    assert.deepEqual(Buffer.from(answer.body!), Buffer.from(req.body!));
  }
});

test('the client sends either type (per request or by option) and reads either type in any answer', async (t) => {
  const { addr } = await startServer(t, {}, (s) => s.registerProcessor(1, (req) => response(0, { body: `got type ${req.serializeType}` })));
  for (const type of TYPES) {
    const { client } = newClient(t, { serializeType: type });
    const answer = await client.invokeSync(addr, request(1), 5000);
    assert.equal(bodyText(answer), `got type ${type}`);
    assert.equal(answer.serializeType, type);
  }
  const { client } = newClient(t);
  for (const type of TYPES) {
    assert.equal(bodyText(await client.invokeSync(addr, request(1, { serializeType: type }), 5000)), `got type ${type}`);
    assert.equal(bodyText(await client.invokeAsyncPromise(addr, request(1, { serializeType: type }), 5000)), `got type ${type}`);
  }
  // A peer answering in the other type (as Java 4.9.7's system answers do) is read just the same.
  const crossed = await rawServer(t);
  const pending = [client.invokeSync(crossed.addr, request(1, { serializeType: SerializeType.ROCKETMQ }), 5000), client.invokeSync(crossed.addr, request(1, { serializeType: SerializeType.JSON }), 5000)];
  const peer = await crossed.peer(0);
  const [rocketmq, json] = [decodeCommand(await peer.nextFrame()), decodeCommand(await peer.nextFrame())];
  await peer.write(jsonFrame(`{"code":0,"flag":1,"language":"JAVA","opaque":${rocketmq.opaque},"serializeTypeCurrentRPC":"JSON","version":0}`, Buffer.from('json answer')));
  const binary = response(0, { body: 'rocketmq answer' });
  binary.opaque = json.opaque;
  binary.serializeType = SerializeType.ROCKETMQ;
  await peer.write(frameOf(binary));
  const [first, second] = (await Promise.all(pending)) as [RemotingCommand, RemotingCommand];
  assert.deepEqual([bodyText(first), first.serializeType], ['json answer', SerializeType.JSON]);
  assert.deepEqual([bodyText(second), second.serializeType], ['rocketmq answer', SerializeType.ROCKETMQ]);
});
