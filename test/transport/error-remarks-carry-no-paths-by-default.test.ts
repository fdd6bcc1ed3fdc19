/**
 * SYSTEM_ERROR remarks built from thrown errors say `<ErrorName>: <message>` and nothing about where
 * the server's files are; `remarkStackFrame: true` adds Java's top-frame part for debugging.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseCode, SerializeType } from '../../src/protocol/codes.js';
import type { RemotingCommand } from '../../src/protocol/command.js';
import type { Channel } from '../../src/transport/channel.js';
import { errorRemark, exceptionSimpleDesc } from '../../src/transport/error-remark.js';
import type { RemotingServer } from '../../src/transport/remoting-server.js';
import { deferred, newClient, request, response, startServer } from '../support/transport-harness.js';

function leaksLocation(remark: string | null): boolean {
  return remark === null || remark.includes('/') || remark.includes('\\') || remark.includes('file:') || /\.[cm]?[jt]s:\d/.test(remark);
}

/** Every way a processor-side failure becomes a SYSTEM_ERROR on this server. */
function failingProcessors(server: RemotingServer): void {
  server.registerProcessor(1, () => {
    throw new TypeError('bad input');
  });
  server.registerProcessor(2, async () => {
    await Promise.resolve();
    throw new RangeError('later');
  });
  server.registerProcessor(3, {
    rejectRequest: () => {
      throw new Error('reject check failed');
    },
    processRequest: () => response(0),
  });
  // A response the ROCKETMQ header cannot carry (code beyond 16 bits): the encoder's error is the remark.
  server.registerProcessor(4, () => response(70_000));
  server.registerProcessor(5, () => response(0));
  server.registerRpcHook({
    doBeforeRequest: (_addr, req) => {
      if (req.code === 5) throw new SyntaxError('hook refused');
    },
  });
}

async function remarksFrom(addr: string, client: ReturnType<typeof newClient>['client']): Promise<RemotingCommand[]> {
  const answers: RemotingCommand[] = [];
  for (const code of [1, 2, 3, 5]) answers.push(await client.invokeSync(addr, request(code), 5000));
  answers.push(await client.invokeSync(addr, request(4, { serializeType: SerializeType.ROCKETMQ }), 5000));
  return answers;
}

test('by default a remark is "<ErrorName>: <message>" with no path, file name or frame', async (t) => {
  const { addr } = await startServer(t, {}, failingProcessors);
  const { client } = newClient(t);
  const answers = await remarksFrom(addr, client);
  for (const answer of answers) {
    assert.equal(answer.code, ResponseCode.SYSTEM_ERROR);
    assert.ok(!leaksLocation(answer.remark), `leaks a location: ${answer.remark}`);
  }
  assert.deepEqual(answers.slice(0, 4).map((a) => a.remark), ['TypeError: bad input', 'RangeError: later', 'Error: reject check failed', 'SyntaxError: hook refused']);
  assert.match(answers[4]!.remark!, /^ProtocolError: /);
});

test('remarkStackFrame adds the top frame, as Java does, on the server and on a client answering its server', async (t) => {
  const { addr, server } = await startServer(t, { remarkStackFrame: true }, failingProcessors);
  const connected = deferred<Channel>();
  server.on('channel', (event) => {
    if (event.type === 'CONNECT') connected.resolve(event.channel);
  });
  const { client } = newClient(t, { remarkStackFrame: true });
  const answers = await remarksFrom(addr, client);
  const thrown = answers[0]!.remark!;
  assert.match(thrown, /^TypeError: bad input, \S/);
  assert.ok(thrown.includes('error-remarks-carry-no-paths-by-default.test.'), `the frame names where it was thrown: ${thrown}`);
  assert.match(answers[1]!.remark!, /^RangeError: later, \S/);

  client.registerProcessor(300, () => {
    throw new TypeError('client-side failure');
  });
  const fromClient = await server.invokeSync(await connected.promise, request(300), 5000);
  assert.match(fromClient.remark!, /^TypeError: client-side failure, \S+/);
});

test("a client's answers to its server carry no frame by default either", async (t) => {
  const { addr, server } = await startServer(t);
  const connected = deferred<Channel>();
  server.on('channel', (event) => {
    if (event.type === 'CONNECT') connected.resolve(event.channel);
  });
  const { client } = newClient(t);
  client.registerProcessor(300, () => {
    throw new TypeError('client-side failure');
  });
  await client.invokeOneway(addr, request(1), 5000);
  const answer = await server.invokeSync(await connected.promise, request(300), 5000);
  assert.equal(answer.remark, 'TypeError: client-side failure');
});

test('errorRemark and exceptionSimpleDesc: the two shapes, for any thrown value', () => {
  const error = new RangeError('out of range');
  assert.equal(errorRemark(error), 'RangeError: out of range');
  assert.match(errorRemark(error, true), /^RangeError: out of range, .*error-remarks-carry-no-paths-by-default\.test\./);
  assert.equal(exceptionSimpleDesc(error), errorRemark(error, true), "exceptionSimpleDesc stays Java's RemotingHelper shape");
  assert.equal(errorRemark(new Error('')), 'Error');
  assert.equal(errorRemark('plain text'), 'Error: plain text');
  const frameless = new Error('no stack');
  frameless.stack = 'Error: no stack';
  assert.equal(errorRemark(frameless, true), 'Error: no stack');
});
