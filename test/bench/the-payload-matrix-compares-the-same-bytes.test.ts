import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiConsumer, ApiProvider, RemotingServer, SerializeType, type RemotingCommand } from '../../src/index.js';
import { CALL_TIMEOUT_MS, engineRequest, wireOf } from '../../bench/rpc-payload-matrix.js';
import { PAYLOAD_CASES, PayloadService, payloadImplementation } from '../../bench/rpc-payload-cases.js';

/**
 * The payload matrix reports the typed proxy against an engine call "with the same bytes": this
 * holds only if the baseline's request carries exactly the ext fields the proxy sends and its
 * prebuilt answer is exactly the body the provider answers.
 */
test('the payload matrix baseline sends the proxy\'s request fields and answers the provider\'s body, for every case and header type', async () => {
  const seen: Array<{ request: RemotingCommand; response: RemotingCommand | null }> = [];
  const server = new RemotingServer({ host: '127.0.0.1', port: 0, hooks: [{ doAfterResponse: (_addr, request, response) => seen.push({ request, response }) }] });
  new ApiProvider({ server }).register(PayloadService, payloadImplementation);
  const { port } = await server.start();
  try {
    for (const serializeType of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
      const consumer = new ApiConsumer({ target: `127.0.0.1:${port}`, timeoutMs: CALL_TIMEOUT_MS, serializeType });
      try {
        const proxy = consumer.proxy(PayloadService) as unknown as Record<string, (value: unknown) => Promise<unknown>>;
        for (const payloadCase of PAYLOAD_CASES) {
          seen.length = 0;
          payloadCase.check(await proxy[payloadCase.method]!(payloadCase.value));
          assert.equal(seen.length, 1);
          const { request, response } = seen[0]!;
          const wire = wireOf(payloadCase);
          const baseline = engineRequest(wire, serializeType);
          assert.equal(request.serializeType, baseline.serializeType, payloadCase.name);
          assert.deepEqual([...request.extFields!], [...baseline.extFields!], `${payloadCase.name}: request ext fields`);
          assert.deepEqual(Buffer.from(response!.body!), wire.responseBody, `${payloadCase.name}: response body`);
        }
      } finally {
        await consumer.close();
      }
    }
  } finally {
    await server.close({ graceMs: 0 });
  }
});
