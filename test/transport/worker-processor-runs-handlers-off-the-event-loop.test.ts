import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { isMainThread } from 'node:worker_threads';
import { RemotingClient, RemotingCommand, RemotingServer, ResponseCode, SystemRemark, WorkerProcessor } from '../../src/index.js';

const handlerUrl = new URL('../fixtures/sha-worker-handler.js', import.meta.url);
let server: RemotingServer;
let client: RemotingClient;
let addr: string;
let pool: WorkerProcessor;

before(async () => {
  server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  pool = new WorkerProcessor(handlerUrl, { threads: 2, queueSize: 1 });
  server.registerProcessor(20, pool);
  server.registerProcessor(21, () => RemotingCommand.createResponse(0, null, { body: Buffer.from(String(isMainThread)) }));
  addr = (await server.start()).addr;
  client = new RemotingClient();
});

after(async () => {
  await client.close();
  await server.close();
  await pool.close();
});

function expectedDigest(body: string, rounds: number): string {
  let digest = Buffer.from(body);
  for (let i = 0; i < rounds; i++) digest = createHash('sha256').update(digest).digest();
  return digest.toString('hex');
}

test('a worker-pool processor answers with what the handler computed in a worker thread', async () => {
  const request = RemotingCommand.createRequest(20, { extFields: { rounds: '50' }, body: Buffer.from('abc') });
  const response = await client.invokeSync(addr, request, 10_000);
  assert.equal(response.code, ResponseCode.SUCCESS);
  assert.equal(Buffer.from(response.body!).toString(), expectedDigest('abc', 50));
});

test('the event loop keeps serving other codes while workers are busy', async () => {
  const heavy = client.invokeSync(addr, RemotingCommand.createRequest(20, { extFields: { rounds: '200000' } }), 30_000);
  const light = await client.invokeSync(addr, RemotingCommand.createRequest(21), 5_000);
  assert.equal(Buffer.from(light.body!).toString(), 'true');
  assert.equal((await heavy).code, ResponseCode.SUCCESS);
});

test('a saturated pool answers SYSTEM_BUSY [OVERLOAD] at once instead of queueing without bound', async () => {
  const calls = Array.from({ length: 5 }, () =>
    client.invokeSync(addr, RemotingCommand.createRequest(20, { extFields: { rounds: '100000' } }), 30_000),
  );
  const responses = await Promise.all(calls);
  const busy = responses.filter((r) => r.code === ResponseCode.SYSTEM_BUSY);
  // 2 threads + 1 queue slot: the other two are refused.
  assert.equal(busy.length, 2);
  for (const r of busy) assert.equal(r.remark, SystemRemark.OVERLOAD);
});

test('an error thrown in the worker becomes SYSTEM_ERROR naming it', async () => {
  const response = await client.invokeSync(addr, RemotingCommand.createRequest(20, { extFields: { fail: 'x' } }), 10_000);
  assert.equal(response.code, ResponseCode.SYSTEM_ERROR);
  assert.equal(response.remark, 'RangeError: bad input x', 'no frame of the worker file by default');
});
