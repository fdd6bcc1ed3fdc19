import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bodyText, deferred, newClient, request, response, startServer } from '../support/transport-harness.js';

test('fifty requests in progress on one connection may all listen to its signal, without a leak warning', async (t) => {
  const warnings: Error[] = [];
  const onWarning = (warning: Error): void => void warnings.push(warning);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const release = deferred();
  let listening = 0;
  const allListening = deferred();
  const { addr } = await startServer(t, {}, (server) => {
    server.registerProcessor(1, async (_request, context) => {
      const aborted = new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve(), { once: true }));
      if (++listening === 50) allListening.resolve();
      await Promise.race([release.promise, aborted]);
      return response(0, { body: 'done' });
    });
  });
  const { client } = newClient(t);
  const calls = Array.from({ length: 50 }, () => client.invokeSync(addr, request(1), 10_000));
  await allListening.promise;
  release.resolve();
  for (const answer of await Promise.all(calls)) assert.equal(bodyText(answer), 'done');
  // Warnings are emitted on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning'), []);
});
