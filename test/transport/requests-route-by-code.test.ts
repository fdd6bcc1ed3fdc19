import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseCode, SystemRemark } from '../../src/protocol/codes.js';
import { RemotingError } from '../../src/errors.js';
import { RemotingServer } from '../../src/transport/remoting-server.js';
import type { RequestContext } from '../../src/transport/processor.js';
import { bodyText, deferred, newClient, request, response, startServer } from '../support/transport-harness.js';

test('port 0 binds an ephemeral port, readable from start() and address() afterwards', async (t) => {
  const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  t.after(() => server.close());
  assert.throws(() => server.address(), (error: unknown) => error instanceof RemotingError && error.code === 'INVALID_ARGUMENT');
  const bound = await server.start();
  assert.ok(bound.port > 0 && bound.port < 65536);
  assert.equal(bound.host, '127.0.0.1');
  assert.equal(bound.addr, `127.0.0.1:${bound.port}`);
  assert.deepEqual(server.address(), bound);
  server.registerProcessor(1, () => response(0, { body: 'up' }));
  const { client } = newClient(t);
  assert.equal(bodyText(await client.invokeSync(bound.addr, request(1), 5000)), 'up');
});

test('each request goes to the processor of its code, which sees the peer address and the channel', async (t) => {
  const seen: Array<{ code: number; context: RequestContext }> = [];
  const { server, addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, (req, context) => {
      seen.push({ code: req.code, context });
      return response(0, { body: 'one' });
    });
    s.registerProcessor(2, {
      processRequest(req, context) {
        seen.push({ code: req.code, context });
        return response(0, { body: 'two' });
      },
    });
  });
  const { client } = newClient(t);
  assert.equal(bodyText(await client.invokeSync(addr, request(1), 5000)), 'one');
  assert.equal(bodyText(await client.invokeSync(addr, request(2), 5000)), 'two');
  assert.deepEqual(seen.map((s) => s.code), [1, 2]);
  const clientChannel = await client.getChannel(addr);
  for (const { context } of seen) {
    assert.equal(context.remoteAddress, clientChannel.localAddress, 'remote address is the client socket ip:port');
    assert.ok(server.channels.has(context.channel), 'the context carries the live server-side channel');
    assert.equal(context.signal.aborted, false);
    assert.equal(typeof context.receivedAt, 'number');
  }
  assert.equal(seen[0]!.context.channel, seen[1]!.context.channel, 'one connection, one channel');
});

test('a processor answers later through a promise, without holding up other requests', async (t) => {
  const later = deferred<void>();
  const started = deferred<void>();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, async () => {
      started.resolve();
      await later.promise;
      return response(0, { body: 'late' });
    });
    s.registerProcessor(2, () => response(0, { body: 'now' }));
  });
  const { client } = newClient(t);
  const slow = client.invokeSync(addr, request(1), 10_000);
  await started.promise;
  assert.equal(bodyText(await client.invokeSync(addr, request(2), 5000)), 'now');
  later.resolve();
  assert.equal(bodyText(await slow), 'late');
});

test('codes with no processor of their own go to the default processor', async (t) => {
  const codes: number[] = [];
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, () => response(0, { body: 'own' }));
    s.registerDefaultProcessor((req) => {
      codes.push(req.code);
      return response(0, { body: `default ${req.code}` });
    });
  });
  const { client } = newClient(t);
  assert.equal(bodyText(await client.invokeSync(addr, request(77), 5000)), 'default 77');
  assert.equal(bodyText(await client.invokeSync(addr, request(1), 5000)), 'own');
  assert.equal(bodyText(await client.invokeSync(addr, request(-5), 5000)), 'default -5');
  assert.deepEqual(codes, [77, -5]);
});

test('an unregistered code with no default processor gets REQUEST_CODE_NOT_SUPPORTED with the Java remark', async (t) => {
  const { addr } = await startServer(t, {}, (s) => s.registerProcessor(1, () => response(0)));
  const { client } = newClient(t);
  const answer = await client.invokeSync(addr, request(999), 5000);
  assert.equal(answer.code, ResponseCode.REQUEST_CODE_NOT_SUPPORTED);
  assert.equal(answer.remark, ' request type 999 not supported');
  assert.equal(answer.remark, SystemRemark.notSupported(999));
});

test('a processor that throws or rejects yields SYSTEM_ERROR "<Name>: <message>" (the frame only on request)', async (t) => {
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(1, () => {
      throw new TypeError('bad input');
    });
    s.registerProcessor(2, async () => {
      await Promise.resolve();
      throw new RangeError('out of range');
    });
    s.registerProcessor(3, () => {
      throw new Error('');
    });
    s.registerProcessor(4, () => Promise.reject('plain text'));
  });
  const { client } = newClient(t);
  const thrown = await client.invokeSync(addr, request(1), 5000);
  assert.equal(thrown.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(thrown.remark, 'TypeError: bad input');
  const rejected = await client.invokeSync(addr, request(2), 5000);
  assert.equal(rejected.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(rejected.remark, 'RangeError: out of range');
  const noMessage = await client.invokeSync(addr, request(3), 5000);
  assert.equal(noMessage.remark, 'Error', 'Java Throwable.toString() without a message is just the name');
  const notAnError = await client.invokeSync(addr, request(4), 5000);
  assert.equal(notAnError.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(notAnError.remark, 'Error: plain text');
});

test('rejectRequest() returning true yields SYSTEM_BUSY [REJECTREQUEST] without running the processor', async (t) => {
  let processed = 0;
  let rejecting = true;
  const { addr } = await startServer(t, {}, (s) =>
    s.registerProcessor(4, {
      rejectRequest: () => rejecting,
      processRequest: () => {
        processed++;
        return response(0);
      },
    }),
  );
  const { client } = newClient(t);
  const busy = await client.invokeSync(addr, request(4), 5000);
  assert.equal(busy.code, ResponseCode.SYSTEM_BUSY);
  assert.equal(busy.remark, '[REJECTREQUEST]system busy, start flow control for a while');
  assert.equal(processed, 0);
  rejecting = false;
  assert.equal((await client.invokeSync(addr, request(4), 5000)).code, ResponseCode.SUCCESS);
  assert.equal(processed, 1);
});

test('a non-zero response code is a response, not an error, at this layer', async (t) => {
  const { addr } = await startServer(t, {}, (s) => s.registerProcessor(1, () => response(17, { remark: 'topic not exist' })));
  const { client } = newClient(t);
  const answer = await client.invokeSync(addr, request(1), 5000);
  assert.equal(answer.code, 17);
  assert.equal(answer.remark, 'topic not exist');
  const viaAsync = await client.invokeAsyncPromise(addr, request(1), 5000);
  assert.equal(viaAsync.code, 17);
});
