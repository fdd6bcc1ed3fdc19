/**
 * Our server against a stand-in for a Java 4.9.7 client: a raw socket writes the Java-encoded
 * request frames from java-vectors.json and checks the bytes that come back against what a live Java
 * server wrote (the `captured:` vectors) or, where Java's answer depends on its build (stack
 * frames), against the same shape.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RemotingCommand } from '../../src/protocol/command.js';
import { decodeCommand } from '../../src/protocol/frame.js';
import { GOING_AWAY_REQUEST_CODE, SerializeType } from '../../src/protocol/codes.js';
import { Executor } from '../../src/transport/executor.js';
import type { Channel } from '../../src/transport/channel.js';
import { Counter, deferred, request, response, startServer } from '../support/transport-harness.js';
import { frameOf, frameType, jsonFrame, rawConnect, vectorCommand, vectorFrame } from '../support/transport-raw.js';
import { loadVectors, vector } from '../support/java-vectors.js';

const SAY_HELLO = 'public abstract java.lang.String com.uext.remote.rf.service.ServiceHello.sayHello(java.lang.String,java.lang.String)';
const SAY_HELLO_INTEGER = 'public abstract java.lang.Integer com.uext.remote.rf.service.ServiceHello.sayHelloInteger(java.lang.Integer,java.lang.Integer)';
const NOPE = 'public abstract java.lang.String com.uext.remote.rf.service.ServiceHello.nope()';

/** A seed-RPC provider like the Java `ApiProviderBean`: code 0, method in ext, result JSON in the body. */
function seedProvider(req: RemotingCommand): RemotingCommand | null {
  const method = req.getExt('methodName');
  const args = (JSON.parse(req.getExt('argsJsonJson') ?? '[]') as string[]).map((arg) => JSON.parse(arg) as unknown);
  if (method === SAY_HELLO) return response(0, { body: JSON.stringify(`hello ${args.join(' ')}`) });
  if (method === SAY_HELLO_INTEGER) return response(0, { body: JSON.stringify((args as number[]).reduce((a, b) => a + b, 1000)) });
  if (method?.includes('ServiceWorld.sayWorld')) return null;
  throw new Error(`method not exists ${method}`);
}

/**
 * Java `RemotingHelper.exceptionSimpleDesc` shape: `<class or name>: <message>, <top frame>`; ours
 * by default stops before the frame (no file paths leave the server).
 */
function systemErrorShape(message: string, frame = true): RegExp {
  return new RegExp(`^[\\w.$]+: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${frame ? ', \\S.*' : ''}$`);
}

/** A Java remark without its stack frame (the frame never contains ", "). */
function withoutFrame(remark: string): string {
  return remark.slice(0, remark.lastIndexOf(', '));
}

test('every Java request vector is answered with its opaque, flag 1 and its own header type', async (t) => {
  const echo = (req: RemotingCommand): RemotingCommand => response(0, { ext: req.extFields === null ? undefined : Object.fromEntries(req.extFields), body: req.body });
  const { port } = await startServer(t, {}, (s) => {
    for (const code of [10, 105, 12, 13]) s.registerProcessor(code, echo);
  });
  const peer = await rawConnect(t, port);
  const requests = loadVectors().filter((v) => /-request-(no-ext|ext-unicode|body|ext-escapes)$/.test(v.name));
  assert.equal(requests.length, 8);
  for (const v of requests) {
    await peer.write(vectorFrame(v.name));
    const frame = await peer.nextFrame();
    assert.equal(frameType(frame), v.serializeType === 'JSON' ? 0 : 1, `${v.name}: answered in the request's header type`);
    const answer = decodeCommand(frame);
    assert.equal(answer.opaque, v.command.opaque, v.name);
    assert.equal(answer.flag, 1, v.name);
    assert.equal(answer.code, 0);
    assert.equal(answer.language, 'JAVA');
    assert.deepEqual(answer.extFields === null ? null : Object.fromEntries(answer.extFields), v.command.extFields, `${v.name}: ext fields survive both codecs`);
    assert.equal(answer.body === null ? null : Buffer.from(answer.body).toString('hex'), v.command.bodyHex, v.name);
  }
});

for (const type of ['json', 'rocketmq'] as const) {
  test(`${type}: a seed-RPC provider answers with exactly the bytes the Java provider wrote`, async (t) => {
    const oneways = new Counter();
    const { port } = await startServer(t, {}, (s) =>
      s.registerProcessor(0, (req) => {
        if (req.isOneway()) oneways.increment();
        return seedProvider(req);
      }),
    );
    const peer = await rawConnect(t, port);
    await peer.write(vectorFrame(`${type}-seed-rpc-request`));
    assert.equal((await peer.nextFrame()).toString('hex'), vector(`${type}-seed-rpc-response`).frameHex);
    await peer.write(vectorFrame(`${type}-seed-rpc-request-integer`));
    assert.equal((await peer.nextFrame()).toString('hex'), vector(`${type}-seed-rpc-response-integer`).frameHex);
    await peer.write(vectorFrame(`${type}-seed-rpc-request-oneway`));
    await oneways.reached(1);
    // Unknown method: Java's provider throws; the answer has Java's fields and the remark's shape.
    const nope = new RemotingCommand({
      code: 0,
      opaque: 14,
      extFields: new Map([
        ['methodName', NOPE],
        ['interfaceName', 'com.uext.remote.rf.service.ServiceHello'],
        ['argsJsonJson', '[]'],
      ]),
      serializeType: type === 'json' ? SerializeType.JSON : SerializeType.ROCKETMQ,
    });
    await peer.write(frameOf(nope));
    const failed = await peer.nextFrame();
    const java = vector(`${type}-seed-rpc-method-not-exists`).command;
    const ours = decodeCommand(failed);
    assert.equal(frameType(failed), type === 'json' ? 0 : 1);
    assert.deepEqual([ours.code, ours.opaque, ours.flag, ours.language, ours.version, ours.extFields, ours.body], [java.code, java.opaque, java.flag, java.language, java.version, null, null]);
    const shape = systemErrorShape(`method not exists ${NOPE}`);
    assert.match(java.remark!, shape, 'the Java remark has this shape');
    const head = systemErrorShape(`method not exists ${NOPE}`, false);
    assert.match(withoutFrame(java.remark!), head);
    assert.match(ours.remark!, head, 'ours is the same without the frame');
  });
}

test('system answers carry the exact Java remarks (and bytes, for JSON requests)', async (t) => {
  const gate = deferred<void>();
  const blocking = deferred<void>();
  const { port } = await startServer(t, {}, (s) => {
    s.registerProcessor(3, () => {
      throw new Error('boom');
    });
    s.registerProcessor(4, { rejectRequest: () => true, processRequest: () => response(0) });
    s.registerProcessor(
      5,
      async () => {
        blocking.resolve();
        await gate.promise;
        return response(0);
      },
      new Executor({ name: 'one', concurrency: 1, queueSize: 0 }),
    );
  });
  t.after(() => gate.resolve());
  const peer = await rawConnect(t, port);
  const javaRequest = (code: number, opaque: number): Buffer =>
    jsonFrame(`{"code":${code},"flag":0,"language":"JAVA","opaque":${opaque},"serializeTypeCurrentRPC":"JSON","version":0}`);

  await peer.write(javaRequest(999, 7));
  assert.equal((await peer.nextFrame()).toString('hex'), vector('json-server-not-supported').frameHex);
  await peer.write(javaRequest(4, 9));
  assert.equal((await peer.nextFrame()).toString('hex'), vector('json-server-reject-request').frameHex);

  await peer.write(javaRequest(3, 8));
  const thrown = decodeCommand(await peer.nextFrame());
  const java = vector('json-server-processor-exception').command;
  assert.deepEqual([thrown.code, thrown.opaque, thrown.flag, thrown.language, thrown.version], [java.code, java.opaque, java.flag, java.language, java.version]);
  assert.match(java.remark!, systemErrorShape('boom'));
  assert.match(withoutFrame(java.remark!), systemErrorShape('boom', false));
  assert.equal(thrown.remark, 'Error: boom', "Java's shape without the frame");

  await peer.write(javaRequest(5, 20));
  await blocking.promise;
  await peer.write(javaRequest(5, 21));
  assert.equal(
    (await peer.nextFrame()).toString('hex'),
    jsonFrame('{"code":2,"flag":1,"language":"JAVA","opaque":21,"remark":"[OVERLOAD]system busy, start flow control for a while","serializeTypeCurrentRPC":"JSON","version":0}').toString('hex'),
  );
  gate.resolve();
  assert.equal(decodeCommand(await peer.nextFrame()).opaque, 20);

  // The same answers to ROCKETMQ requests come back as ROCKETMQ frames (Java would use JSON here;
  // both types are accepted by every Java peer, docs/protocol.md §6.3).
  for (const [code, opaque, answerCode, remark] of [
    [999, 7, 3, ' request type 999 not supported'],
    [4, 9, 2, '[REJECTREQUEST]system busy, start flow control for a while'],
  ] as const) {
    await peer.write(frameOf(request(code, { opaque, serializeType: SerializeType.ROCKETMQ })));
    const frame = await peer.nextFrame();
    assert.equal(frameType(frame), SerializeType.ROCKETMQ);
    const answer = decodeCommand(frame);
    assert.deepEqual([answer.code, answer.opaque, answer.flag, answer.remark, answer.language], [answerCode, opaque, 1, remark, 'JAVA']);
  }
});

test('Java oneway request frames run their processor and get nothing back', async (t) => {
  const seen: Array<[number, number]> = [];
  const done = new Counter();
  const { server, port } = await startServer(t, {}, (s) => {
    s.registerProcessor(11, (req) => {
      seen.push([req.code, req.opaque]);
      done.increment();
      return response(0);
    });
  });
  const peer = await rawConnect(t, port);
  await peer.write(Buffer.concat([vectorFrame('json-oneway'), vectorFrame('rocketmq-oneway')]));
  await done.reached(2);
  assert.deepEqual(seen, [
    [11, 4],
    [11, 4],
  ]);
  await server.close({ graceMs: 5000 });
  // The only frame: the server's own going-away notice (a request), no answer.
  assert.deepEqual((await peer.framesUntilClosed()).map((f) => [decodeCommand(f).code, decodeCommand(f).isResponse()]), [[GOING_AWAY_REQUEST_CODE, false]]);
});

for (const type of ['json', 'rocketmq'] as const) {
  test(`${type}: our server calls a Java client over its connection (sync, async, oneway) in Java bytes and reads its answers`, async (t) => {
    const connected = deferred<Channel>();
    const { server, port } = await startServer(t, {}, (s) =>
      s.on('channel', (event) => {
        if (event.type === 'CONNECT') connected.resolve(event.channel);
      }),
    );
    const java = await rawConnect(t, port);
    const channel = await connected.promise;
    const calls = [
      { request: `${type}-seed-rpc-request`, answer: `${type}-seed-rpc-response`, body: '"hello a b"', invoke: server.invokeSync.bind(server) },
      { request: `${type}-seed-rpc-request-integer`, answer: `${type}-seed-rpc-response-integer`, body: '1003', invoke: server.invokeAsyncPromise.bind(server) },
    ];
    for (const call of calls) {
      const pending = call.invoke(channel, vectorCommand(call.request), 10_000);
      assert.equal((await java.nextFrame()).toString('hex'), vector(call.request).frameHex, `${call.request}: the server writes Java's bytes`);
      await java.write(vectorFrame(call.answer));
      const answer = await pending;
      assert.equal(answer.code, 0);
      assert.equal(Buffer.from(answer.body!).toString(), call.body);
    }
    await server.invokeOneway(channel, vectorCommand(`${type}-seed-rpc-request-oneway`), 10_000);
    assert.equal((await java.nextFrame()).toString('hex'), vector(`${type}-seed-rpc-request-oneway`).frameHex);
  });
}
