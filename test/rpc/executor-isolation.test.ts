import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineContract, J, method, RemoteError, ResponseCode, SystemRemark } from '../../src/index.js';
import { deferred, startPair, type Pair } from './support/pair.js';

const Slow = defineContract('com.acme.Slow', { work: method([J.int], J.int) });
const Fast = defineContract('com.acme.Fast', {
  ping: method([J.int], J.int),
  blockingToo: method([J.int], J.int),
});

let pair: Pair;
let gate = deferred();
let started = 0;
const startedEnough = deferred();

before(async () => {
  pair = await startPair((provider) => {
    provider.register(
      Slow,
      {
        async work(n) {
          started++;
          if (started === 2) startedEnough.resolve();
          await gate.promise;
          return n;
        },
      },
      { executor: { concurrency: 2, queueSize: 2 } },
    );
    provider.register(
      Fast,
      {
        ping: (n) => n + 1,
        async blockingToo(n) {
          await gate.promise;
          return n;
        },
      },
      { methods: { blockingToo: { executor: { concurrency: 1, queueSize: 0 } } } },
    );
  });
});
after(async () => {
  gate.resolve();
  await pair.close();
});

test('a saturated slow service does not delay calls to another service; its overflow gets [OVERLOAD]', async () => {
  const slow = pair.consumer.proxy(Slow, { timeoutMs: 10_000 });
  const fast = pair.consumer.proxy(Fast);
  // 2 running + 2 queued fill the slow service's executor; the fifth call is refused at once.
  const inFlight = [1, 2, 3, 4].map((n) => slow.work(n));
  await startedEnough.promise;
  const refused = await slow.work(5).catch((e: unknown) => e);
  assert.ok(refused instanceof RemoteError);
  assert.equal(refused.responseCode, ResponseCode.SYSTEM_BUSY);
  assert.equal(refused.remark, SystemRemark.OVERLOAD);
  // Meanwhile the other service answers while every slow call is still blocked.
  for (let i = 0; i < 20; i++) assert.equal(await fast.ping(i), i + 1);
  assert.equal(started, 2);
  gate.resolve();
  assert.deepEqual(await Promise.all(inFlight), [1, 2, 3, 4]);
});

test('a per-method executor bounds that method alone', async () => {
  gate = deferred();
  const fast = pair.consumer.proxy(Fast);
  const blocked = fast.blockingToo(7);
  // The method's own executor (1 running, no queue) refuses a second call; ping is unaffected.
  // Requests on one connection are dispatched in order, so the first one holds the only slot.
  const refused = await fast.blockingToo(8).catch((e: unknown) => e);
  assert.ok(refused instanceof RemoteError);
  assert.equal(refused.responseCode, ResponseCode.SYSTEM_BUSY);
  assert.equal(await fast.ping(1), 2);
  gate.resolve();
  assert.equal(await blocked, 7);
});
