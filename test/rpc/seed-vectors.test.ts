import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiConsumer, ApiProvider, decodeCommand, encodeCommand, RemoteError, RemotingCommand, type ServiceListing } from '../../src/index.js';
import { ServiceHello, ServiceWorld } from '../../examples/service-hello/contract.js';
import { serviceHelloImpl, serviceWorldImpl } from '../../examples/service-hello/provider.js';
import { vector, type Vector } from '../support/java-vectors.js';
import { RawConnection, rawServer } from './support/raw-peer.js';

/** The command fields a vector lists, for comparing with what we decode (opaque aside). */
function fields(command: RemotingCommand): Record<string, unknown> {
  return {
    code: command.code,
    language: command.language,
    version: command.version,
    flag: command.flag,
    remark: command.remark,
    extFields: command.extFields === null ? null : Object.fromEntries(command.extFields),
    bodyHex: command.body === null ? null : Buffer.from(command.body).toString('hex'),
  };
}

function expected(v: Vector): Record<string, unknown> {
  const { opaque: _opaque, bodyText: _text, ...rest } = v.command;
  return rest;
}

/** The vector's answer frame with another opaque (the Java provider echoes the request's). */
function answerLike(name: string, opaque: number, serializeType: RemotingCommand['serializeType']): Buffer {
  const answer = decodeCommand(Buffer.from(vector(name).frameHex, 'hex'));
  answer.opaque = opaque;
  return encodeCommand(answer, serializeType);
}

// ---- our consumer against a peer replaying the Java provider's captured answers ----

const seen: RemotingCommand[] = [];
let javaProvider: Awaited<ReturnType<typeof rawServer>>;

before(async () => {
  javaProvider = await rawServer((connection) => {
    void (async () => {
      for (;;) {
        const { command } = await connection.nextFrame().catch(() => ({ command: null }));
        if (command === null) return;
        seen.push(command);
        const method = command.getExt('methodName') ?? '';
        if (command.isOneway()) continue;
        const name = method.includes('sayHelloInteger') ? 'json-seed-rpc-response-integer' : method.includes('sayHello(') ? 'json-seed-rpc-response' : 'json-seed-rpc-method-not-exists';
        connection.write(answerLike(name, command.opaque, command.serializeType));
      }
    })();
  });
});

after(async () => {
  await javaProvider.close();
});

test('the consumer sends the requests the Java consumer sends (json-seed-rpc-request*, oneway for void) and reads the Java answers', async () => {
  seen.length = 0;
  const consumer = new ApiConsumer({ target: `127.0.0.1:${javaProvider.port}`, propagateDeadline: false });
  try {
    const hello = consumer.proxy(ServiceHello);
    const world = consumer.proxy(ServiceWorld);
    assert.equal(await hello.sayHello('a', 'b'), 'hello a b');
    assert.equal(await hello.sayHelloInteger(1, 2), 1003);
    await world.sayWorld('aa', 'bb');
    while (seen.length < 3) await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(fields(seen[0]!), expected(vector('json-seed-rpc-request')));
    assert.deepEqual(fields(seen[1]!), expected(vector('json-seed-rpc-request-integer')));
    assert.deepEqual(fields(seen[2]!), expected(vector('json-seed-rpc-request-oneway')));
    // The ROCKETMQ-header vectors describe the same commands.
    assert.deepEqual(expected(vector('rocketmq-seed-rpc-request')), expected(vector('json-seed-rpc-request')));
  } finally {
    await consumer.close();
  }
});

test('with deadline propagation on (the default) the only extra ext field is rpcTimeoutMs', async () => {
  seen.length = 0;
  const consumer = new ApiConsumer({ target: `127.0.0.1:${javaProvider.port}`, timeoutMs: 1234 });
  try {
    assert.equal(await consumer.proxy(ServiceHello).sayHello('a', 'b'), 'hello a b');
    const sent = fields(seen[0]!);
    assert.deepEqual(sent.extFields, { ...vector('json-seed-rpc-request').command.extFields, rpcTimeoutMs: '1234' });
  } finally {
    await consumer.close();
  }
});

test("the Java provider's method-not-exists answer becomes a RemoteError with its code and remark", async () => {
  const consumer = new ApiConsumer({ target: `127.0.0.1:${javaProvider.port}` });
  try {
    const error = await consumer
      .generic()
      .invokeJson('com.uext.remote.rf.service.ServiceHello', 'public abstract java.lang.String com.uext.remote.rf.service.ServiceHello.nope()', [])
      .then(
        () => assert.fail('expected a RemoteError'),
        (e: unknown) => e,
      );
    assert.ok(error instanceof RemoteError);
    assert.equal(error.code, 'REMOTE');
    assert.equal(error.responseCode, 1);
    assert.equal(error.remark, vector('json-seed-rpc-method-not-exists').command.remark);
    assert.equal(error.remoteErrorClass, 'java.lang.RuntimeException');
    assert.equal(error.addr, `127.0.0.1:${javaProvider.port}`);
    assert.equal(typeof error.opaque, 'number');
  } finally {
    await consumer.close();
  }
});

// ---- our provider fed the Java consumer's captured request bytes ----

const printed: string[] = [];
let provider: ApiProvider;
let port: number;
let worldCalled: () => void = () => undefined;

before(async () => {
  provider = new ApiProvider({ host: '127.0.0.1', port: 0 });
  provider.register(ServiceHello, serviceHelloImpl);
  provider.register(
    ServiceWorld,
    serviceWorldImpl((line) => {
      printed.push(line);
      worldCalled();
    }),
  );
  port = (await provider.start()).port;
});

after(async () => {
  await provider.close();
});

for (const [request, response] of [
  ['json-seed-rpc-request', 'json-seed-rpc-response'],
  ['json-seed-rpc-request-integer', 'json-seed-rpc-response-integer'],
  ['rocketmq-seed-rpc-request', 'rocketmq-seed-rpc-response'],
  ['rocketmq-seed-rpc-request-integer', 'rocketmq-seed-rpc-response-integer'],
] as const) {
  test(`the provider answers ${request} with exactly the bytes of ${response}`, async () => {
    const connection = await RawConnection.connect(port);
    try {
      connection.write(Buffer.from(vector(request).frameHex, 'hex'));
      const answer = await connection.nextFrame();
      assert.equal(answer.bytes.toString('hex'), vector(response).frameHex);
    } finally {
      connection.close();
    }
  });
}

for (const request of ['json-seed-rpc-request-oneway', 'rocketmq-seed-rpc-request-oneway']) {
  test(`the provider runs ${request} (void, oneway) and sends nothing back`, async () => {
    printed.length = 0;
    const connection = await RawConnection.connect(port);
    try {
      const called = new Promise<void>((resolve) => (worldCalled = resolve));
      connection.write(Buffer.from(vector(request).frameHex, 'hex'));
      await called;
      assert.deepEqual(printed, ['world aa bb']);
      // The next frame on the connection answers the next request: nothing came for the oneway one.
      connection.write(Buffer.from(vector('json-seed-rpc-request').frameHex, 'hex'));
      const next = await connection.nextFrame();
      assert.equal(next.bytes.toString('hex'), vector('json-seed-rpc-response').frameHex);
    } finally {
      connection.close();
    }
  });
}

test('the provider answers an unknown method like the Java provider (code 1, same text before the stack frame)', async () => {
  const connection = await RawConnection.connect(port);
  try {
    const request = decodeCommand(Buffer.from(vector('json-seed-rpc-request').frameHex, 'hex'));
    request.setExt('methodName', 'public abstract java.lang.String com.uext.remote.rf.service.ServiceHello.nope()');
    request.opaque = 14;
    connection.write(encodeCommand(request));
    const answer = (await connection.nextFrame()).command;
    const javaAnswer = vector('json-seed-rpc-method-not-exists').command;
    assert.equal(answer.code, javaAnswer.code);
    assert.equal(answer.flag, javaAnswer.flag);
    assert.equal(answer.opaque, javaAnswer.opaque);
    assert.equal(answer.remark?.split(', ')[0], javaAnswer.remark?.split(', ')[0]);
    assert.equal(answer.body, null);
  } finally {
    connection.close();
  }
});

test('the listing request is answered with the registered services', async () => {
  const consumer = new ApiConsumer({ target: `127.0.0.1:${port}` });
  try {
    const listing: ServiceListing = await consumer.generic().listServices();
    assert.deepEqual(
      listing.services.map((s) => [s.name, s.methods.map((m) => m.signature)]),
      [
        ['com.uext.remote.rf.service.ServiceHello', [...ServiceHello.methodsByKey.values()].map((m) => m.signature)],
        ['com.uext.remote.rf.service.ServiceWorld', [...ServiceWorld.methodsByKey.values()].map((m) => m.signature)],
      ],
    );
  } finally {
    await consumer.close();
  }
});
