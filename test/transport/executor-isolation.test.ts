import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseCode } from '../../src/protocol/codes.js';
import { Executor } from '../../src/transport/executor.js';
import { ExecutorRejectedError } from '../../src/transport/errors.js';
import { Counter, bodyText, deferred, newClient, request, response, startServer } from '../support/transport-harness.js';

const OVERLOAD = '[OVERLOAD]system busy, start flow control for a while';

test('a saturated executor answers SYSTEM_BUSY [OVERLOAD] at once while other executors keep serving', async (t) => {
  const gate = deferred<void>();
  const started = new Counter();
  const order: number[] = [];
  const slowLine = new Executor({ name: 'slow-line', concurrency: 1, queueSize: 1 });
  const fastLine = new Executor({ name: 'fast-line', concurrency: 1, queueSize: 0 });
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(
      1,
      async (req) => {
        started.increment();
        await gate.promise;
        order.push(Number(req.getExt('n')));
        return response(0, { body: req.getExt('n') });
      },
      slowLine,
    );
    s.registerProcessor(2, (req) => response(0, { body: `fast ${req.getExt('n')}` }), fastLine);
    s.registerProcessor(3, () => response(0, { body: 'public' }));
  });
  const { client } = newClient(t);
  const running = client.invokeSync(addr, request(1, { ext: { n: '1' } }), 30_000);
  await started.reached(1);
  const queued = client.invokeSync(addr, request(1, { ext: { n: '2' } }), 30_000);
  // The slow line holds one running and one queued task: the next one is refused at once, while
  // the gate is still closed (so this answer cannot have waited for the slow work).
  const refused = await client.invokeSync(addr, request(1, { ext: { n: '3' } }), 30_000);
  assert.equal(refused.code, ResponseCode.SYSTEM_BUSY);
  assert.equal(refused.remark, OVERLOAD);
  assert.equal(slowLine.active, 1);
  assert.equal(slowLine.queued, 1);
  for (let i = 0; i < 20; i++) {
    assert.equal(bodyText(await client.invokeSync(addr, request(2, { ext: { n: String(i) } }), 30_000)), `fast ${i}`);
  }
  assert.equal(bodyText(await client.invokeSync(addr, request(3), 30_000)), 'public');
  assert.equal(started.value, 1, 'the queued slow task has not started');
  gate.resolve();
  assert.equal(bodyText(await running), '1');
  assert.equal(bodyText(await queued), '2');
  assert.deepEqual(order, [1, 2], 'the queue is FIFO and the refused request never ran');
  assert.equal(slowLine.active + slowLine.queued, 0);
});

test('an executor runs at most `concurrency` tasks at once and queues the rest', async (t) => {
  const executor = new Executor({ name: 'four', concurrency: 4, queueSize: 100 });
  const gate = deferred<void>();
  let running = 0;
  let peak = 0;
  const started = new Counter();
  const { addr } = await startServer(t, {}, (s) => {
    s.registerProcessor(
      1,
      async () => {
        running++;
        peak = Math.max(peak, running);
        started.increment();
        await gate.promise;
        running--;
        return response(0);
      },
      executor,
    );
    s.registerProcessor(9, () => response(0), new Executor({ name: 'probe' }));
  });
  const { client } = newClient(t);
  const calls = Array.from({ length: 30 }, () => client.invokeSync(addr, request(1), 30_000));
  // Frames are dispatched in order: once a probe sent after the 30 is answered, all 30 reached the executor.
  await client.invokeSync(addr, request(9), 30_000);
  await started.reached(4);
  assert.equal(executor.active, 4);
  assert.equal(executor.queued, 26);
  gate.resolve();
  const answers = await Promise.all(calls);
  assert.ok(answers.every((a) => a.code === ResponseCode.SUCCESS));
  assert.equal(peak, 4);
});

test('Executor.run refuses with a typed error when its queue is full, and accepts again after', async () => {
  const executor = new Executor({ name: 'tiny', concurrency: 1, queueSize: 1 });
  const gate = deferred<void>();
  const first = executor.run(() => gate.promise.then(() => 'first'));
  const second = executor.run(() => 'second');
  await assert.rejects(
    executor.run(() => 'third'),
    (error: unknown) => error instanceof ExecutorRejectedError && error.code === 'TOO_MANY_REQUESTS' && error.executor === 'tiny',
  );
  assert.equal(executor.saturated, true);
  gate.resolve();
  assert.deepEqual(await Promise.all([first, second]), ['first', 'second']);
  await executor.onIdle();
  assert.equal(await executor.run(() => 'again'), 'again');
  await assert.rejects(executor.run(() => Promise.reject(new Error('task failed'))), /task failed/);
  assert.equal(executor.active, 0);
});
