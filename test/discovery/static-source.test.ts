import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StaticSource } from '../../src/discovery/static.js';
import { createInstance, instanceFromAddress } from '../../src/discovery/instance.js';
import { DiscoveryError } from '../../src/discovery/errors.js';
import { RemotingError } from '../../src/errors.js';
import { addrs } from '../support/discovery-wait.js';

test('a static list publishes its instances, sorted by id, on start', async () => {
  const source = new StaticSource(['10.0.0.2:20880', { host: '10.0.0.1', port: 20880, weight: 2 }, '[::1]:7']);
  assert.equal(source.current().version, 0);
  await source.start();
  const set = source.current();
  assert.equal(addrs(set), '10.0.0.1:20880,10.0.0.2:20880,[::1]:7');
  assert.equal(set.instances[0]?.weight, 2);
  assert.equal(set.instances[2]?.host, '::1');
  assert.ok(Object.isFrozen(set.instances) && Object.isFrozen(set.instances[0]));
  await source.close();
});

test('update publishes a change to subscribers, once per real change', async () => {
  const source = new StaticSource(['10.0.0.1:1']);
  await source.start();
  const versions: number[] = [];
  source.subscribe((set) => versions.push(set.version));
  source.update(['10.0.0.1:1']);
  source.update(['10.0.0.1:1', '10.0.0.2:1']);
  source.update(['10.0.0.2:1', '10.0.0.1:1']);
  source.update(['10.0.0.1:1', { host: '10.0.0.2', port: 1, weight: 3 }]);
  assert.deepEqual(versions, [2, 3], 'a repeat and a reordering are not changes; a weight is');
  await source.close();
});

test('a subscriber that throws is reported as a LISTENER error and others still hear of the change', async () => {
  const source = new StaticSource([]);
  await source.start();
  const errors: DiscoveryError[] = [];
  source.onError((error) => errors.push(error));
  source.subscribe(() => {
    throw new Error('subscriber bug');
  });
  let heard = 0;
  source.subscribe(() => heard++);
  source.update(['10.0.0.1:1']);
  assert.equal(heard, 1);
  assert.equal(errors[0]?.reason, 'LISTENER');
  assert.equal(source.lastError(), undefined, 'a listener bug is not a source failure');
  await source.close();
});

test('instances are validated: bad hosts, ports and weights are INVALID_ARGUMENT errors', () => {
  const invalid = (error: unknown): boolean => error instanceof RemotingError && error.code === 'INVALID_ARGUMENT';
  assert.throws(() => createInstance('', 1), invalid);
  assert.throws(() => createInstance('a b', 1), invalid);
  assert.throws(() => createInstance('h', 0), invalid);
  assert.throws(() => createInstance('h', 65536), invalid);
  assert.throws(() => createInstance('h', 1, { weight: 0 }), invalid);
  assert.throws(() => instanceFromAddress('no-port'), invalid);
  assert.equal(createInstance('[fd00::1]', 9).addr, '[fd00::1]:9');
  assert.equal(createInstance('h', 1, { id: 'custom' }).id, 'custom');
});

test('an iterator ends when the source closes, even while waiting for a change', async () => {
  const source = new StaticSource(['10.0.0.1:1']);
  await source.start();
  const seen: number[] = [];
  const reading = (async () => {
    for await (const set of source) seen.push(set.version);
  })();
  await new Promise((resolve) => setImmediate(resolve));
  await source.close();
  await reading;
  assert.deepEqual(seen, [1]);
});
