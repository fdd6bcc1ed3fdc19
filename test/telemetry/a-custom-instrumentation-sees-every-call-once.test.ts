import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deferred } from '../support/transport-harness.js';
import { registerInstrumentation, RemotingClient, RemotingCommand, RemotingServer, ResponseCode, silentLogger, type Instrumentation } from '../../src/index.js';

test('registerInstrumentation: a custom instrumentation ends one scope per call on each side, with the outcome', { timeout: 20_000 }, async (t) => {
  const seen: string[] = [];
  // The docs' example: count calls by outcome for another metrics library.
  const counting: Instrumentation = {
    clientCall: ({ request, oneway }) => ({
      end: (response, error) => seen.push(`client ${request.code}${oneway ? ' oneway' : ''}: ${error ? (error as { code?: string }).code : response?.code}`),
    }),
    serverCall: ({ request, method }) => ({
      run: (fn) => fn(),
      end: (response) => seen.push(`server ${method === undefined ? '_OTHER' : request.code}: ${response?.code ?? 'no answer'}`),
    }),
  };
  const unregister = registerInstrumentation(counting);
  const server = new RemotingServer({ host: '127.0.0.1', port: 0, logger: silentLogger });
  const delivered = deferred();
  server.registerProcessor(100, () => RemotingCommand.createResponse(ResponseCode.SUCCESS));
  server.registerProcessor(101, () => delivered.resolve());
  const { addr } = await server.start();
  const client = new RemotingClient({ logger: silentLogger });
  t.after(async () => {
    unregister();
    await client.close();
    await server.close({ graceMs: 0 });
  });
  await client.invokeSync(addr, RemotingCommand.createRequest(100), 3000);
  await client.invokeAsyncPromise(addr, RemotingCommand.createRequest(999), 3000);
  await client.invokeOneway(addr, RemotingCommand.createRequest(101), 3000);
  await delivered.promise;
  await assert.rejects(client.invokeSync('127.0.0.1:1', RemotingCommand.createRequest(100), 1000));
  // The oneway request's server scope ends right after its processor returned.
  await new Promise<void>((resolve) => setImmediate(resolve));
  // Sorted: the two sides interleave as the network goes.
  assert.deepEqual(seen.sort(), [
    'client 100: 0',
    'client 100: CONNECT_FAILED',
    'client 101 oneway: undefined',
    'client 999: 3',
    'server 100: 0',
    'server 101: no answer',
    'server _OTHER: 3',
  ]);
});
