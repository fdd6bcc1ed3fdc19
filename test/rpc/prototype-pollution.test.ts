import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { defineContract, J, method } from '../../src/index.js';
import { startPair, type Pair } from './support/pair.js';

const Profile = J.pojo('com.acme.Sink$Profile', { name: J.String, admin: J.boolean });
const Sink = defineContract('com.acme.Sink', {
  map: method([J.map(J.Object)], J.String),
  object: method([J.Object], J.String),
  pojo: method([Profile], J.String),
  schema: method([z.record(z.string(), z.unknown())], J.String),
  listOfMaps: method([J.list(J.map(J.map(J.String)))], J.String),
});

const received: unknown[] = [];
const keysOf = (value: unknown): string => {
  received.push(value);
  return JSON.stringify(Object.getOwnPropertyNames(value ?? {}));
};

let pair: Pair;
before(async () => {
  pair = await startPair((provider) =>
    provider.register(Sink, {
      map: keysOf,
      object: keysOf,
      pojo: keysOf,
      schema: keysOf,
      listOfMaps: (list) => keysOf(list?.[0]?.outer),
    }),
  );
});
after(() => pair.close());

const hostile = [
  '{"__proto__":{"polluted":"yes","admin":true},"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"__proto__":{"polluted":9007199254740993}}', // forces the lossless parser
];

function assertClean(): void {
  const probe: Record<string, unknown> = {};
  assert.equal(probe.polluted, undefined);
  assert.equal(probe.admin, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
}

test('hostile JSON arguments never change a prototype, through any argument type', async () => {
  const generic = pair.consumer.generic();
  const sig = (key: string): string => Sink.methodsByKey.get(key)!.signature;
  for (const text of hostile) {
    assert.equal(await generic.invokeJson('com.acme.Sink', sig('map'), [text]), text.includes('constructor') ? '"[\\"__proto__\\",\\"constructor\\"]"' : '"[\\"__proto__\\"]"');
    assert.equal(await generic.invokeJson('com.acme.Sink', sig('object'), [text]), text.includes('constructor') ? '"[\\"__proto__\\",\\"constructor\\"]"' : '"[\\"__proto__\\"]"');
    // zod drops a __proto__ key from records; either way nothing is polluted.
    assert.equal(typeof (await generic.invokeJson('com.acme.Sink', sig('schema'), [text])), 'string');
    // A POJO reads only its declared properties.
    assert.equal(await generic.invokeJson('com.acme.Sink', sig('pojo'), [text]), '"[\\"name\\",\\"admin\\"]"');
    assert.equal(await generic.invokeJson('com.acme.Sink', sig('listOfMaps'), ['[{"outer":{"__proto__":"yes"}}]']), '"[\\"__proto__\\"]"');
    assertClean();
  }
  for (const value of received) {
    if (value !== null && typeof value === 'object') assert.equal(Object.getPrototypeOf(value), Object.prototype);
  }
  const profile = received.find((value) => value !== null && typeof value === 'object' && 'admin' in value) as { admin: boolean };
  assert.equal(profile.admin, false);
});
