import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hashKeyOf, keyText } from '../../src/balance/hash-key.js';
import { RemotingError } from '../../src/errors.js';

test('argument text is what Java would print for scalars', () => {
  assert.equal(keyText('abc'), 'abc');
  assert.equal(keyText(42), '42');
  assert.equal(keyText(12345678901234567890n), '12345678901234567890');
  assert.equal(keyText(true), 'true');
  assert.equal(keyText(null), 'null');
  assert.equal(keyText(undefined), 'null');
  assert.equal(keyText(Uint8Array.of(1, 255)), '01ff');
  assert.equal(keyText(new Date(0)), '1970-01-01T00:00:00.000Z');
});

test('objects hash the same whatever order their keys were written in', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (record) => {
      const reversed = Object.fromEntries(Object.entries(record).reverse());
      assert.equal(keyText(record), keyText(reversed));
    }),
  );
  assert.equal(keyText({ b: 1, a: [1, 'x'] }), '{"a":[1,"x"],"b":1}');
  assert.equal(keyText(new Map([['z', 1], ['a', 2]])), '{"a":2,"z":1}');
});

test('several arguments are joined so their boundaries count', () => {
  assert.notEqual(hashKeyOf(['a', 'bc'], [0, 1]), hashKeyOf(['ab', 'c'], [0, 1]));
  assert.equal(hashKeyOf(['x', 'y', 'z'], [2]), 'z');
  assert.equal(hashKeyOf(['x']), 'x');
  assert.equal(hashKeyOf([]), undefined);
  assert.equal(hashKeyOf(['x'], [3]), 'null', 'a missing argument counts as null');
});

test('values that cannot be a key are INVALID_ARGUMENT errors, cycles included', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  for (const bad of [Symbol('s'), () => 1, cyclic]) {
    assert.throws(() => keyText(bad), (error: unknown) => error instanceof RemotingError && error.code === 'INVALID_ARGUMENT');
  }
  const shared = { v: 1 };
  assert.equal(keyText({ a: shared, b: shared }), '{"a":{"v":1},"b":{"v":1}}', 'a shared (acyclic) object is fine');
});
