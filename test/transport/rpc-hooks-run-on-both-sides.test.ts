import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RemotingCommand } from '../../src/protocol/command.js';
import { ResponseCode } from '../../src/protocol/codes.js';
import type { Channel } from '../../src/transport/channel.js';
import type { RpcHook } from '../../src/transport/processor.js';
import { Counter, bodyText, deferred, newClient, rejectionOf, request, response, startServer } from '../support/transport-harness.js';

type Seen = [string, string, number, number | null];

function recordingHook(name: string, log: Seen[]): RpcHook {
  return {
    doBeforeRequest: (addr, req) => log.push([`${name}.before`, addr, req.code, null]),
    doAfterResponse: (addr, req, res) => log.push([`${name}.after`, addr, req.code, res?.code ?? null]),
  };
}

test('server hooks run around each incoming request, in order, and may change request and response', async (t) => {
  const log: Seen[] = [];
  const { addr } = await startServer(t, { hooks: [recordingHook('first', log)] }, (s) => {
    s.registerRpcHook(recordingHook('second', log));
    s.registerRpcHook({
      doBeforeRequest: (_addr, req) => void req.setExt('stamped', 'by-hook'),
      doAfterResponse: (_addr, _req, res) => void res?.setExt('signed', 'yes'),
    });
    s.registerProcessor(1, (req) => {
      log.push(['processor', '', req.code, null]);
      return response(0, { body: req.getExt('stamped') ?? 'missing' });
    });
  });
  const { client } = newClient(t);
  const answer = await client.invokeSync(addr, request(1), 5000);
  assert.equal(bodyText(answer), 'by-hook', 'the processor saw what the before-hook added');
  assert.equal(answer.getExt('signed'), 'yes', 'the client got what the after-hook added');
  const clientAddr = (await client.getChannel(addr)).localAddress;
  assert.deepEqual(log, [
    ['first.before', clientAddr, 1, null],
    ['second.before', clientAddr, 1, null],
    ['processor', '', 1, null],
    ['first.after', clientAddr, 1, 0],
    ['second.after', clientAddr, 1, 0],
  ]);
});

test('a throwing server before-hook turns into SYSTEM_ERROR and the processor does not run', async (t) => {
  const processed = new Counter();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerRpcHook({
      doBeforeRequest: () => {
        throw new Error('access denied');
      },
    });
    s.registerProcessor(1, () => {
      processed.increment();
      return response(0);
    });
  });
  const { client } = newClient(t);
  const answer = await client.invokeSync(addr, request(1), 5000);
  assert.equal(answer.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(answer.remark, 'Error: access denied');
  assert.equal(processed.value, 0);
});

test('client hooks run before every outgoing call (sync, async, oneway) and after sync and async responses', async (t) => {
  const seenByServer: Array<[number, string | undefined]> = [];
  const onewayArrived = deferred<void>();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerDefaultProcessor((req) => {
      seenByServer.push([req.code, req.getExt('AccessKey')]);
      if (req.isOneway()) onewayArrived.resolve();
      return response(0);
    });
  });
  const log: Seen[] = [];
  const { client } = newClient(t, { hooks: [recordingHook('client', log)] });
  client.registerRpcHook({ doBeforeRequest: (_addr, req) => void req.setExt('AccessKey', 'ak') });
  await client.invokeSync(addr, request(1), 5000);
  await client.invokeAsyncPromise(addr, request(2), 5000);
  const callbackDone = deferred<void>();
  client.invokeAsync(addr, request(3), 5000, () => callbackDone.resolve());
  await callbackDone.promise;
  await client.invokeOneway(addr, request(4), 5000);
  await onewayArrived.promise;
  assert.deepEqual(seenByServer, [
    [1, 'ak'],
    [2, 'ak'],
    [3, 'ak'],
    [4, 'ak'],
  ]);
  assert.deepEqual(log, [
    ['client.before', addr, 1, null],
    ['client.after', addr, 1, 0],
    ['client.before', addr, 2, null],
    ['client.after', addr, 2, 0],
    ['client.before', addr, 3, null],
    ['client.after', addr, 3, 0],
    ['client.before', addr, 4, null],
  ]);
});

test('a throwing client hook fails the call with its error; before-hook failures send nothing', async (t) => {
  const processed = new Counter();
  const { addr } = await startServer(t, {}, (s) =>
    s.registerProcessor(1, () => {
      processed.increment();
      return response(0);
    }),
  );
  const { client } = newClient(t);
  let failBefore = true;
  let failAfter = false;
  client.registerRpcHook({
    doBeforeRequest: () => {
      if (failBefore) throw new Error('signing failed');
    },
    doAfterResponse: () => {
      if (failAfter) throw new Error('verification failed');
    },
  });
  assert.equal(((await rejectionOf(client.invokeSync(addr, request(1), 5000))) as Error).message, 'signing failed');
  assert.equal(((await rejectionOf(client.invokeOneway(addr, request(1), 5000))) as Error).message, 'signing failed');
  const viaCallback = deferred<Error | null>();
  client.invokeAsync(addr, request(1), 5000, (future) => viaCallback.resolve(future.error));
  assert.equal((await viaCallback.promise)?.message, 'signing failed');
  failBefore = false;
  failAfter = true;
  assert.equal(((await rejectionOf(client.invokeSync(addr, request(1), 5000))) as Error).message, 'verification failed');
  assert.equal(processed.value, 1, 'only the call whose before-hooks passed reached the server');
  assert.equal(client.pendingCount, 0);
});

test('the client runs its hooks around requests from the server; the server runs none around its own calls', async (t) => {
  const serverLog: Seen[] = [];
  const connected = deferred<Channel>();
  const { server, addr } = await startServer(t, { hooks: [recordingHook('server', serverLog)] }, (s) => {
    s.registerProcessor(1, () => response(0));
    s.on('channel', (event) => {
      if (event.type === 'CONNECT') connected.resolve(event.channel);
    });
  });
  const clientLog: Seen[] = [];
  const { client } = newClient(t, { hooks: [recordingHook('client', clientLog)] });
  client.registerProcessor(30, () => response(0, { body: 'from client' }));
  await client.invokeSync(addr, request(1), 5000);
  serverLog.length = 0;
  clientLog.length = 0;
  const channel = await connected.promise;
  const answer: RemotingCommand = await server.invokeSync(channel, request(30), 5000);
  assert.equal(bodyText(answer), 'from client');
  const serverAddr = (await client.getChannel(addr)).remoteAddress;
  assert.deepEqual(clientLog, [
    ['client.before', serverAddr, 30, null],
    ['client.after', serverAddr, 30, 0],
  ]);
  assert.deepEqual(serverLog, [], 'Java runs no hooks around a server-initiated call (docs/engine-api.md)');
});
