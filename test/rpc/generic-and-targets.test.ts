import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressTarget, defineContract, J, method, RemoteError, type RemotingCommand, type RpcCall, type RpcResponse, type RpcTarget } from '../../src/index.js';
import { startPair, type Pair } from './support/pair.js';

const Color = J.enumOf('com.acme.Color', ['RED', 'GREEN']);
const Event = J.pojo('com.acme.Events$Event', { id: J.long, at: J.Date, payload: J.bytes, color: Color, labels: J.map(J.String) });
const Events = defineContract('com.acme.Events', {
  store: method([Event, J.boolean], J.String),
  last: method([], Event),
  count: method([J.String], J.long, { idempotent: true }),
  drop: method([J.String], J.void),
});

let pair: Pair;
let stored: unknown = null;
const dropped: string[] = [];

before(async () => {
  pair = await startPair((provider) =>
    provider.register(Events, {
      store(event, flag) {
        stored = event;
        return `${event?.id}:${flag}`;
      },
      last: () => ({ id: 9007199254740993n, at: new Date(5), payload: Uint8Array.of(7), color: 'RED', labels: { k: 'v' } }),
      count: (name) => BigInt(String(name).length) * 9007199254740993n,
      drop: (name) => void dropped.push(String(name)),
    }),
  );
});
after(() => pair.close());

const sig = (key: string): string => Events.methodsByKey.get(key)!.signature;

test('a generic call takes plain values and returns plain values (bigint beyond 2^53)', async () => {
  const generic = pair.consumer.generic();
  const result = await generic.invoke('com.acme.Events', sig('store'), [
    { id: 9223372036854775807n, at: new Date(1700000000123), payload: Uint8Array.of(1, 2), color: 'GREEN', labels: { a: 'b', gone: null } },
    true,
  ]);
  assert.equal(result, '9223372036854775807:true');
  assert.deepEqual(stored, { id: 9223372036854775807n, at: new Date(1700000000123), payload: Uint8Array.of(1, 2), color: 'GREEN', labels: { a: 'b' } });
  assert.deepEqual(await generic.invoke('com.acme.Events', sig('last'), []), { color: 'RED', id: 9007199254740993n, at: 5, labels: { k: 'v' }, payload: 'Bw==' });
  assert.equal(await generic.invoke('com.acme.Events', sig('count'), ['ab']), 18014398509481986n);
});

test('a generic call with JSON texts returns the body text; oneway returns null', async () => {
  const generic = pair.consumer.generic();
  assert.equal(await generic.invokeJson('com.acme.Events', sig('count'), ['"abc"']), '27021597764222979');
  assert.equal(await generic.invokeJson('com.acme.Events', sig('drop'), ['"x"']), null);
  assert.deepEqual(dropped, ['x']);
  assert.equal(await generic.invokeJson('com.acme.Events', sig('drop'), ['"y"'], { oneway: true }), null);
});

test('a generic call checks its signature and argument count before sending', async () => {
  const generic = pair.consumer.generic();
  await assert.rejects(generic.invokeJson('com.acme.Events', 'count', ['"a"']), /not a Java Method#toString\(\) signature/);
  await assert.rejects(generic.invokeJson('com.acme.Events', sig('count'), []), /takes 1 arguments, 0 given/);
  await assert.rejects(generic.invokeJson('com.acme.Events', sig('count'), ['{oops']), SyntaxError);
  const error = await generic.invokeJson('com.acme.Events', sig('count'), ['{"a":1}']).catch((e: unknown) => e);
  assert.ok(error instanceof RemoteError);
  assert.equal(error.remoteErrorClass, 'java.lang.IllegalArgumentException');
});

test('the listing describes POJO and enum types by Java name', async () => {
  const listing = await pair.consumer.generic().listServices();
  assert.deepEqual(listing.types, {
    'com.acme.Events$Event': { id: 'long', at: 'Date', payload: 'byte[]', color: 'com.acme.Color', labels: 'Map<String,String>' },
    'com.acme.Color': ['RED', 'GREEN'],
  });
  const count = listing.services[0]!.methods.find((m) => m.key === 'count')!;
  assert.deepEqual(count, { key: 'count', name: 'count', signature: sig('count'), parameters: ['String'], result: 'long', oneway: false, idempotent: true });
});

test('a custom target (the plug-in point for clusters) carries every call with its routing facts', async () => {
  const seen: Array<Omit<RpcCall, 'signal'> & { oneway: boolean }> = [];
  const inner = new AddressTarget(pair.consumer.client, pair.addr);
  const target: RpcTarget = {
    invoke(request: RemotingCommand, timeoutMs: number, call: RpcCall): Promise<RpcResponse> {
      seen.push({ service: call.service, method: call.method, idempotent: call.idempotent, routingKey: call.routingKey, oneway: false });
      return inner.invoke(request, timeoutMs, call);
    },
    invokeOneway(request: RemotingCommand, timeoutMs: number, call: RpcCall): Promise<string> {
      seen.push({ service: call.service, method: call.method, idempotent: call.idempotent, routingKey: call.routingKey, oneway: true });
      return inner.invokeOneway(request, timeoutMs, call);
    },
  };
  const events = pair.consumer.proxy(Events, { target });
  assert.equal(await events.count.with({ routingKey: 'user-42' })('abc'), 27021597764222979n);
  await events.drop('z');
  assert.deepEqual(seen, [
    { service: 'com.acme.Events', method: sig('count'), idempotent: true, routingKey: 'user-42', oneway: false },
    { service: 'com.acme.Events', method: sig('drop'), idempotent: false, routingKey: undefined, oneway: true },
  ]);
  const failing: RpcTarget = { invoke: () => Promise.reject(new RemoteError({ responseCode: 2, remark: 'busy', addr: 'x:1', opaque: 1, service: 's', method: 'm' })), invokeOneway: () => Promise.resolve('x:1') };
  await assert.rejects(pair.consumer.proxy(Events, { target: failing }).count('a'), RemoteError);
});

test('a proxy needs a target and a positive timeout', async () => {
  const { ApiConsumer } = await import('../../src/index.js');
  const consumer = new ApiConsumer();
  try {
    assert.throws(() => consumer.proxy(Events), /no target/);
  } finally {
    await consumer.close();
  }
  await assert.rejects(pair.consumer.proxy(Events).count.with({ timeoutMs: 0 })('a'), RangeError);
});
