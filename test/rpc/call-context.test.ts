import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildSeedRequest, CallContextFields, DeadlineExceededError, defineContract, J, method, RemotingError, type CallContext } from '../../src/index.js';
import { deferred, startPair, type Pair } from './support/pair.js';

const Svc = defineContract('com.acme.Ctx', {
  inspect: method([], J.String),
  waitForAbort: method([], J.String),
  queued: method([J.int], J.int),
});

let pair: Pair;
let lastContext: CallContext | null = null;
let abortSeen = deferred<unknown>();
let waitStarted = deferred();
let gate = deferred();
const queuedRuns: number[] = [];

before(async () => {
  pair = await startPair(
    (provider) =>
      provider.register(
        Svc,
        {
          inspect(ctx) {
            lastContext = ctx;
            return JSON.stringify({ remaining: ctx.remainingMs(), deadline: ctx.deadline, attachments: Object.fromEntries(ctx.attachments) });
          },
          async waitForAbort(ctx) {
            waitStarted.resolve();
            const reason = await new Promise<unknown>((resolve) => ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason), { once: true }));
            abortSeen.resolve(reason);
            return 'aborted';
          },
          async queued(n) {
            queuedRuns.push(n);
            if (n === 1) {
              await gate.promise;
              await new Promise((resolve) => setTimeout(resolve, 10));
            }
            return n;
          },
        },
        { methods: { queued: { executor: { concurrency: 1, queueSize: 10 } } } },
      ),
    { consumer: { attachments: { app: 'billing' } } },
  );
});
after(async () => {
  gate.resolve();
  await pair.close();
});

test('the provider sees the deadline the caller will still wait for', async () => {
  const before = Date.now();
  const seen = JSON.parse((await pair.consumer.proxy(Svc, { timeoutMs: 5000 }).inspect())!) as { remaining: number; deadline: number };
  assert.ok(seen.remaining > 0 && seen.remaining <= 5000, `remaining ${seen.remaining}`);
  assert.ok(seen.deadline >= before && seen.deadline <= Date.now() + 5000, `deadline ${seen.deadline}`);
  const overridden = JSON.parse((await pair.consumer.proxy(Svc).inspect.with({ timeoutMs: 40 })())!) as { remaining: number };
  assert.ok(overridden.remaining <= 40, `remaining ${overridden.remaining}`);
});

test('a call without rpcTimeoutMs (a Java consumer) has no deadline', async () => {
  const response = await pair.consumer.client.invokeSync(pair.addr, buildSeedRequest('com.acme.Ctx', Svc.methodsByKey.get('inspect')!.signature, '[]', { timeoutMs: null }), 3000);
  const seen = JSON.parse(JSON.parse(Buffer.from(response.body!).toString()) as string) as { remaining: number | null; deadline: number | null };
  assert.equal(seen.deadline, null);
  assert.equal(seen.remaining, null); // Infinity is written as null by JSON.stringify
  assert.equal(lastContext?.remainingMs(), Infinity);
  assert.equal(lastContext?.signal.aborted, false);
});

test('attachments travel as rpcAtt.* ext fields: consumer-wide and per call', async () => {
  const sent: string[] = [];
  pair.consumer.client.registerRpcHook({ doBeforeRequest: (_addr, request) => void sent.push(...(request.extFields?.keys() ?? [])) });
  const seen = JSON.parse((await pair.consumer.proxy(Svc).inspect.with({ attachments: { traceId: 'abc-123', app: 'override' } })())!) as {
    attachments: Record<string, string>;
  };
  assert.deepEqual(seen.attachments, { app: 'override', traceId: 'abc-123' });
  assert.ok(sent.includes(`${CallContextFields.ATTACHMENT_PREFIX}traceId`));
  assert.ok(sent.includes(CallContextFields.TIMEOUT_MS));
  assert.equal(lastContext?.service, 'com.acme.Ctx');
  assert.equal(lastContext?.method, 'inspect');
  assert.equal(lastContext?.signature, Svc.methodsByKey.get('inspect')!.signature);
  assert.equal(lastContext?.oneway, false);
  assert.match(lastContext?.remoteAddress ?? '', /^127\.0\.0\.1:\d+$/);
});

test("the implementation's signal aborts when the caller's deadline passes", async () => {
  abortSeen = deferred<unknown>();
  const error = await pair.consumer.proxy(Svc, { timeoutMs: 150 }).waitForAbort().catch((e: unknown) => e);
  assert.ok(error instanceof RemotingError);
  assert.equal(error.code, 'TIMEOUT');
  const reason = await abortSeen.promise;
  assert.ok(reason instanceof DeadlineExceededError);
  assert.equal(reason.timeoutMs, 150);
});

test("the implementation's signal aborts when the caller's connection closes", async () => {
  abortSeen = deferred<unknown>();
  waitStarted = deferred();
  const call = pair.consumer.proxy(Svc, { timeoutMs: 60_000 }).waitForAbort().catch((e: unknown) => e);
  await waitStarted.promise;
  pair.consumer.client.closeChannel(pair.addr);
  const error = await call;
  assert.ok(error instanceof RemotingError);
  assert.notEqual(await abortSeen.promise, undefined);
});

test('a call whose deadline passed while it was queued is never started', async () => {
  gate = deferred();
  queuedRuns.length = 0;
  const secondArrived = deferred();
  pair.provider.server.registerRpcHook({
    doBeforeRequest: (_addr, request) => {
      if (request.getExt('argsJsonJson') === '["2"]') secondArrived.resolve();
    },
  });
  const first = pair.consumer.proxy(Svc).queued(1);
  // The second call says the caller waits 1 ms (rpcTimeoutMs) but listens for the answer much longer.
  const signature = Svc.methodsByKey.get('queued')!.signature;
  const second = pair.consumer.client.invokeSync(pair.addr, buildSeedRequest('com.acme.Ctx', signature, '["2"]', { timeoutMs: 1 }), 5000);
  await secondArrived.promise;
  // The first call keeps the only slot for 10 ms more, so the queued one's 1 ms deadline has passed.
  gate.resolve();
  assert.equal(await first, 1);
  const answer = await second;
  assert.equal(answer.code, 1);
  assert.match(answer.remark!, /^java\.util\.concurrent\.TimeoutException: the caller's deadline of 1 ms passed, /);
  assert.deepEqual(queuedRuns, [1]);
});
