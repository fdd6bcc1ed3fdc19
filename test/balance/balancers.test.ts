import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RoundRobinBalancer } from '../../src/balance/round-robin.js';
import { RandomBalancer } from '../../src/balance/random.js';
import { LeastInFlightBalancer } from '../../src/balance/least-in-flight.js';
import { ConsistentHashBalancer } from '../../src/balance/consistent-hash-balancer.js';
import { InFlightCounter } from '../../src/balance/in-flight.js';
import { createBalancer, registerBalancer, balancerNames } from '../../src/balance/registry.js';
import type { Balanceable, Balancer } from '../../src/balance/balancer.js';
import { RemotingError } from '../../src/errors.js';
import { seededRandom } from '../support/seeded-random.js';

const three: Balanceable[] = [{ id: 'a:1' }, { id: 'b:1' }, { id: 'c:1' }];

function tally(balancer: Balancer, instances: readonly Balanceable[], picks: number, request = {}): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < picks; i++) {
    const chosen = balancer.pick(instances, request);
    assert.ok(chosen !== undefined);
    counts.set(chosen.id, (counts.get(chosen.id) ?? 0) + 1);
  }
  return counts;
}

test('every balancer returns undefined for no instances and when every instance is excluded', () => {
  for (const name of ['consistent-hash', 'round-robin', 'random', 'least-in-flight']) {
    const balancer = createBalancer(name);
    assert.equal(balancer.name, name);
    assert.equal(balancer.pick([], { key: 'k' }), undefined, name);
    assert.equal(balancer.pick(three, { key: 'k', exclude: new Set(['a:1', 'b:1', 'c:1']) }), undefined, name);
  }
});

test('every balancer honours exclusions (failover never gets a provider it already tried)', () => {
  for (const name of balancerNames()) {
    const balancer = createBalancer(name);
    for (let i = 0; i < 200; i++) {
      const chosen = balancer.pick(three, { key: `k${i}`, args: [i], exclude: new Set(['b:1']) });
      assert.ok(chosen !== undefined && chosen.id !== 'b:1', `${name} returned ${chosen?.id}`);
    }
  }
});

test('round robin visits each instance in turn', () => {
  const balancer = new RoundRobinBalancer({ random: () => 0 });
  const order = Array.from({ length: 6 }, () => balancer.pick(three)?.id);
  assert.deepEqual(order, ['a:1', 'b:1', 'c:1', 'a:1', 'b:1', 'c:1']);
});

test('weighted round robin is smooth: 3:1 gives a a b a, not a a a b', () => {
  const balancer = new RoundRobinBalancer();
  const weighted: Balanceable[] = [{ id: 'a:1', weight: 3 }, { id: 'b:1', weight: 1 }];
  const order = Array.from({ length: 8 }, () => balancer.pick(weighted)?.id);
  assert.deepEqual(order, ['a:1', 'a:1', 'b:1', 'a:1', 'a:1', 'a:1', 'b:1', 'a:1']);
});

test('random spreads picks uniformly, and by weight when weights differ', () => {
  const uniform = tally(new RandomBalancer({ random: seededRandom(1) }), three, 30_000);
  for (const id of ['a:1', 'b:1', 'c:1']) {
    const count = uniform.get(id) ?? 0;
    assert.ok(count > 9_000 && count < 11_000, `${id}: ${count}`);
  }
  const weighted = tally(new RandomBalancer({ random: seededRandom(2) }), [{ id: 'a:1', weight: 4 }, { id: 'b:1', weight: 1 }], 20_000);
  const heavy = weighted.get('a:1') ?? 0;
  assert.ok(heavy > 15_500 && heavy < 16_500, `a:1: ${heavy} of 20000 (expected 16000)`);
});

test('least-in-flight (power of two choices) prefers the less loaded of two distinct candidates', () => {
  const load = new InFlightCounter();
  for (let i = 0; i < 5; i++) load.begin('a:1');
  load.begin('b:1');
  const balancer = new LeastInFlightBalancer({ random: seededRandom(3) });
  const counts = tally(balancer, three, 3_000, { load });
  // a:1 loses every duel it is in, so it is never picked; c:1 (idle) beats b:1 (one in flight).
  assert.equal(counts.get('a:1') ?? 0, 0);
  assert.ok((counts.get('c:1') ?? 0) > (counts.get('b:1') ?? 0));
  assert.equal(balancer.pick([{ id: 'only:1' }], { load })?.id, 'only:1');
});

test('least-in-flight keeps load even under a stream of requests', () => {
  const instances: Balanceable[] = Array.from({ length: 10 }, (_, i) => ({ id: `h${i}:1` }));
  const load = new InFlightCounter();
  const balancer = new LeastInFlightBalancer({ random: seededRandom(4) });
  for (let i = 0; i < 1_000; i++) load.begin((balancer.pick(instances, { load }) as Balanceable).id);
  const counts = instances.map((instance) => load.inFlight(instance.id));
  // Power of two choices keeps the maximum within a couple of requests of the mean (100).
  assert.ok(Math.max(...counts) <= 103 && Math.min(...counts) >= 97, counts.join(','));
  assert.equal(load.total(), 1_000);
});

test('consistent hashing keys on the first argument by default, on chosen arguments when configured', () => {
  const byFirst = new ConsistentHashBalancer();
  const a = byFirst.pick(three, { args: ['user-1', 'x'] })?.id;
  for (let i = 0; i < 20; i++) assert.equal(byFirst.pick(three, { args: ['user-1', `other-${i}`] })?.id, a);
  assert.equal(byFirst.pick(three, { key: 'user-1' })?.id, a, 'an explicit key equal to the argument text hashes the same');

  const bySecond = new ConsistentHashBalancer({ argumentIndexes: [1] });
  const targets = new Set<string | undefined>();
  for (let i = 0; i < 50; i++) targets.add(bySecond.pick(three, { args: ['same', `k${i}`] })?.id);
  assert.ok(targets.size > 1, 'the second argument decides');
  assert.equal(bySecond.keyOf({ args: ['same', 42] }), '42');
});

test('consistent hashing spreads calls without a key at random rather than onto one provider', () => {
  const counts = tally(new ConsistentHashBalancer({ random: seededRandom(5) }), three, 3_000, { args: [] });
  assert.equal(counts.size, 3);
});

test('consistent hashing follows membership changes of the instance list', () => {
  const balancer = new ConsistentHashBalancer();
  const before = balancer.pick(three, { key: 'k' })?.id as string;
  const fewer = three.filter((instance) => instance.id !== before);
  const after = balancer.pick(fewer, { key: 'k' })?.id;
  assert.ok(after !== undefined && after !== before);
  assert.equal(balancer.ring.size, 2);
  assert.equal(balancer.pick(three, { key: 'k' })?.id, before);
});

test('bad options and unknown balancer names are INVALID_ARGUMENT errors', () => {
  assert.throws(() => createBalancer('nope'), (error: unknown) => error instanceof RemotingError && error.code === 'INVALID_ARGUMENT');
  assert.throws(() => new ConsistentHashBalancer({ boundedLoadEpsilon: 0 }), RemotingError);
  assert.throws(() => new ConsistentHashBalancer({ argumentIndexes: [-1] }), RemotingError);
  registerBalancer('always-first', () => ({ name: 'always-first', pick: (instances) => instances[0] }));
  assert.equal(createBalancer('always-first').pick(three)?.id, 'a:1');
});
