import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { RemotingClient, RemotingCommand, RemotingServer, ResponseCode } from '../../src/index.js';

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

const SLOW_CODE = 7;

/** A server whose answers wait until the test lets them go. */
async function slowServer(): Promise<{ server: RemotingServer; addr: string; answer: () => void }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const server = new RemotingServer({ host: '127.0.0.1', port: 0 });
  server.registerProcessor(SLOW_CODE, async () => {
    await released;
    return RemotingCommand.createResponse(ResponseCode.SUCCESS, null);
  });
  const { port } = await server.start();
  return { server, addr: `127.0.0.1:${port}`, answer: release };
}

/** Sends a request carrying a 1 MB ext value; returns the pending answer and a weak reference to the request. */
function sendLarge(client: RemotingClient, addr: string): { answer: Promise<RemotingCommand>; request: WeakRef<RemotingCommand> } {
  const request = new RemotingCommand({ code: SLOW_CODE, extFields: new Map([['payload', 'x'.repeat(1_000_000)]]) });
  return { answer: client.invokeSync(addr, request, 10_000), request: new WeakRef(request) };
}

async function collectedOnceWritten(request: WeakRef<RemotingCommand>): Promise<boolean> {
  // Written on the next tick; a WeakRef keeps its target until the current job ends.
  await nextTurn();
  await nextTurn();
  collectGarbage();
  return request.deref() === undefined;
}

test('a call waiting for its answer does not keep its (large) request in memory once it is written', async () => {
  const { server, addr, answer } = await slowServer();
  const client = new RemotingClient();
  try {
    const call = sendLarge(client, addr);
    assert.equal(await collectedOnceWritten(call.request), true, 'the request stayed reachable while its answer was pending');
    answer();
    assert.equal((await call.answer).code, ResponseCode.SUCCESS);
  } finally {
    await client.close();
    await server.close({ graceMs: 0 });
  }
});

test('with an RPC hook the request is kept, because the hook sees it again with the answer', async () => {
  const { server, addr, answer } = await slowServer();
  const seen: number[] = [];
  const client = new RemotingClient({ hooks: [{ doAfterResponse: (_addr, request) => seen.push(request.extFields?.get('payload')?.length ?? -1) }] });
  try {
    const call = sendLarge(client, addr);
    assert.equal(await collectedOnceWritten(call.request), false);
    answer();
    await call.answer;
    assert.deepEqual(seen, [1_000_000]);
  } finally {
    await client.close();
    await server.close({ graceMs: 0 });
  }
});
