import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineContract, J, method, RemoteError, type RemotingCommand } from '../../src/index.js';
import { deferred, startPair, type Pair } from './support/pair.js';
import { silentLogger, type LogFields } from '../../src/telemetry/log.js';

const Log = defineContract('com.acme.Log', {
  write: method([J.String], J.void),
  explode: method([J.String], J.void),
});

let pair: Pair;
const written: string[] = [];
let onWrite = deferred<string>();
const sentFlags: number[] = [];
const warnings: string[] = [];
let onWarning = deferred<string>();

before(async () => {
  pair = await startPair((provider) =>
    provider.register(Log, {
      write(line) {
        written.push(String(line));
        onWrite.resolve(String(line));
      },
      explode(line) {
        throw new Error(`cannot log ${line}`);
      },
    }),
    {
      provider: {
        logger: {
          ...silentLogger,
          warn: (first: LogFields | string, message?: string) => {
            const text = typeof first === 'string' ? first : (message ?? '');
            warnings.push(text);
            onWarning.resolve(text);
          },
        },
      },
    },
  );
  pair.consumer.client.registerRpcHook({ doBeforeRequest: (_addr: string, request: RemotingCommand) => void sentFlags.push(request.flag) });
});
after(() => pair.close());

test('a void method is sent oneway (flag 2): the call resolves once written and the provider runs it', async () => {
  onWrite = deferred<string>();
  sentFlags.length = 0;
  await pair.consumer.proxy(Log).write('first');
  assert.equal(await onWrite.promise, 'first');
  assert.deepEqual(sentFlags, [2]);
});

test("a oneway call's failure stays on the provider; with sync: true the caller sees it", async () => {
  const log = pair.consumer.proxy(Log);
  onWarning = deferred<string>();
  await log.explode('quietly');
  assert.equal(await onWarning.promise, `oneway call failed: Error: cannot log quietly, ${Log.methodsByKey.get('explode')!.signature}`);
  const error = await log.explode.with({ sync: true })('loudly').catch((e: unknown) => e);
  assert.ok(error instanceof RemoteError);
  assert.equal(error.detail, 'Error: cannot log loudly');
  const viaOption = await pair.consumer.proxy(Log, { voidAsSync: true }).explode('again').catch((e: unknown) => e);
  assert.ok(viaOption instanceof RemoteError);
});

test('the callback form runs once with the result, after the call returned', async () => {
  const done = deferred<[Error | null, unknown]>();
  let returned = false;
  pair.consumer.proxy(Log).write.async('via callback', (error, result) => {
    assert.equal(returned, true);
    done.resolve([error, result]);
  });
  returned = true;
  assert.deepEqual(await done.promise, [null, undefined]);
});
