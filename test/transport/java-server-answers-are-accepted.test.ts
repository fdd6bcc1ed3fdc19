/**
 * Our client against a stand-in for a Java 4.9.7 server: a raw socket that checks the bytes our
 * client writes against the Java-encoded requests in java-vectors.json and answers with the bytes a live
 * Java server wrote back (the `captured:` vectors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemotingCommand } from '../../src/protocol/command.js';
import { decodeCommand } from '../../src/protocol/frame.js';
import { SerializeType } from '../../src/protocol/codes.js';
import { bodyText, deferred, isDroppedResponse, newClient, request, response } from '../support/transport-harness.js';
import { frameOf, frameType, jsonFrame, rawServer, vectorCommand, vectorFrame } from '../support/transport-raw.js';
import { vector } from '../support/java-vectors.js';

for (const type of ['json', 'rocketmq'] as const) {
  test(`${type}: seed RPC calls go out as the Java bytes and the captured Java answers are decoded`, async (t) => {
    const java = await rawServer(t);
    const { client } = newClient(t);
    const calls = [
      { request: `${type}-seed-rpc-request`, answer: `${type}-seed-rpc-response`, body: '"hello a b"' },
      { request: `${type}-seed-rpc-request-integer`, answer: `${type}-seed-rpc-response-integer`, body: '1003' },
    ];
    for (const [i, call] of calls.entries()) {
      const pending = i === 0 ? client.invokeSync(java.addr, vectorCommand(call.request), 10_000) : client.invokeAsyncPromise(java.addr, vectorCommand(call.request), 10_000);
      const peer = await java.peer(0);
      const received = await peer.nextFrame();
      assert.equal(received.toString('hex'), vector(call.request).frameHex, `${call.request}: our bytes are Java's`);
      await peer.write(vectorFrame(call.answer));
      const answer = await pending;
      assert.equal(answer.code, 0);
      assert.equal(answer.opaque, vector(call.request).command.opaque);
      assert.equal(bodyText(answer), call.body);
      assert.equal(answer.serializeType, type === 'json' ? SerializeType.JSON : SerializeType.ROCKETMQ);
    }
    const oneway = vectorCommand(`${type}-seed-rpc-request-oneway`);
    await client.invokeOneway(java.addr, oneway, 10_000);
    const peer = await java.peer(0);
    assert.equal((await peer.nextFrame()).toString('hex'), vector(`${type}-seed-rpc-request-oneway`).frameHex, 'the void method goes oneway, flag 2');
    assert.equal(java.peers.length, 1, 'all of it on one connection');
    assert.equal(client.pendingCount, 0);
  });

  test(`${type}: Java's answer to a oneway request (unknown code) is dropped with a debug line and the connection keeps working`, async (t) => {
    const java = await rawServer(t);
    const { client, logger } = newClient(t);
    const answerName = `${type}-server-not-supported-oneway`;
    const captured = vector(answerName).command;
    const oneway = request(999, { opaque: captured.opaque, serializeType: type === 'json' ? SerializeType.JSON : SerializeType.ROCKETMQ });
    await client.invokeOneway(java.addr, oneway, 10_000);
    const peer = await java.peer(0);
    const received = decodeCommand(await peer.nextFrame());
    assert.equal(received.code, 999);
    assert.equal(received.flag, 2);
    // Java 4.9.7 answers it anyway (docs/protocol.md §6.3), with a JSON frame whatever the request's type.
    await peer.write(vectorFrame(answerName));
    const dropped = await logger.waitFor(isDroppedResponse);
    assert.match(dropped.message, new RegExp(`opaque ${captured.opaque}\\b`));
    const next = client.invokeSync(java.addr, request(10, { ext: { still: 'working' } }), 10_000);
    const asked = decodeCommand(await peer.nextFrame());
    assert.equal(asked.getExt('still'), 'working');
    await peer.write(jsonFrame(`{"code":0,"flag":1,"language":"JAVA","opaque":${asked.opaque},"serializeTypeCurrentRPC":"JSON","version":0}`, Buffer.from('yes')));
    const answer = await next;
    assert.equal(bodyText(answer), 'yes');
    // Java 4.9.7 also answers a oneway request its processor rejects: dropped the same way.
    const rejected = vector(`${type}-server-reject-request`).command;
    await client.invokeOneway(java.addr, request(4, { opaque: rejected.opaque }), 10_000);
    assert.equal(decodeCommand(await peer.nextFrame()).flag, 2);
    await peer.write(vectorFrame(`${type}-server-reject-request`));
    await logger.waitFor((entry) => isDroppedResponse(entry) && new RegExp(`opaque ${rejected.opaque}\\b`).test(entry.message));
    assert.equal(java.peers.length, 1, 'the same connection carried on');
    assert.equal(client.pendingCount, 0);
  });

  test(`${type}: Java's system answers (JSON frames even to ROCKETMQ requests) are accepted as responses`, async (t) => {
    const java = await rawServer(t);
    const { client } = newClient(t);
    const requestType = type === 'json' ? SerializeType.JSON : SerializeType.ROCKETMQ;
    for (const name of [`${type}-server-not-supported`, `${type}-server-processor-exception`, `${type}-server-reject-request`]) {
      const captured = vector(name);
      const pending = client.invokeSync(java.addr, request(captured.command.code === 3 ? 999 : captured.command.code === 1 ? 3 : 4, { opaque: captured.command.opaque, serializeType: requestType }), 10_000);
      const peer = await java.peer(0);
      assert.equal(frameType(await peer.nextFrame()), requestType);
      assert.equal(captured.serializeType, 'JSON');
      await peer.write(vectorFrame(name));
      const answer = await pending;
      assert.equal(answer.code, captured.command.code, name);
      assert.equal(answer.remark, captured.command.remark, name);
      assert.equal(answer.serializeType, SerializeType.JSON);
    }
    assert.equal(java.peers.length, 1);
  });

  test(`${type}: a Java server's requests reach the client's processors and get Java-shaped answers`, async (t) => {
    const connected = deferred<void>();
    const java = await rawServer(t, () => connected.resolve());
    const { client } = newClient(t);
    const handled: RemotingCommand[] = [];
    client.registerProcessor(10, (req) => {
      handled.push(req);
      return response(0);
    });
    client.registerProcessor(11, (req) => {
      handled.push(req);
      return response(0, { body: 'oneway answers are never sent' });
    });
    // The client connects on its first call; the Java side then speaks first on that connection.
    const opening = client.invokeOneway(java.addr, request(50), 10_000);
    await connected.promise;
    await opening;
    const peer = await java.peer(0);
    await peer.nextFrame();
    await peer.write(vectorFrame(`${type}-oneway`));
    await peer.write(vectorFrame(`${type}-request-no-ext`));
    const answer = await peer.nextFrame();
    if (type === 'json') {
      assert.equal(
        answer.toString('hex'),
        jsonFrame('{"code":0,"flag":1,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":0}').toString('hex'),
      );
    } else {
      // code 0, JAVA, version 0, opaque 1, flag 1, no remark, no ext: 21-byte ROCKETMQ header.
      assert.equal(answer.toString('hex'), '00000019' + '01000015' + '0000' + '00' + '0000' + '00000001' + '00000001' + '00000000' + '00000000');
    }
    assert.deepEqual(handled.map((r) => [r.code, r.opaque, r.flag]), [
      [11, 4, 2],
      [10, 1, 0],
    ]);
    assert.deepEqual(Object.fromEntries(handled[0]!.extFields!), { k: 'v' });
    // An unknown code from the Java side gets REQUEST_CODE_NOT_SUPPORTED, in the request's type.
    const unknown = request(999, { opaque: 7, serializeType: type === 'json' ? SerializeType.JSON : SerializeType.ROCKETMQ });
    await peer.write(frameOf(unknown));
    const refused = await peer.nextFrame();
    if (type === 'json') assert.equal(refused.toString('hex'), vector('json-server-not-supported').frameHex, 'byte for byte what Java sends');
    else {
      assert.equal(frameType(refused), SerializeType.ROCKETMQ);
      const decoded = decodeCommand(refused);
      assert.deepEqual([decoded.code, decoded.opaque, decoded.flag, decoded.remark], [3, 7, 1, ' request type 999 not supported']);
    }
  });
}
