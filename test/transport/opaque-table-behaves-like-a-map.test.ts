import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OpaqueTable } from '../../src/transport/opaque-table.js';

interface Entry {
  id: number;
}

type Op = { kind: 'set'; key: number; id: number } | { kind: 'delete'; key: number } | { kind: 'get'; key: number } | { kind: 'shrink' };

/** Keys drawn from a few shapes: sequential opaques, colliding multiples, and any int32. */
const anyKey = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 40 }).map((k) => k * 1024), fc.integer({ min: -0x80000000, max: 0x7fffffff }));
const anyOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), key: anyKey, id: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: anyKey }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('get' as const), key: anyKey }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'shrink' as const }) },
);

test('the pending table answers get/set/delete/size and keeps insertion order exactly like a Map', () => {
  fc.assert(
    fc.property(fc.array(anyOp, { maxLength: 2000 }), (ops) => {
      const table = new OpaqueTable<Entry>();
      const model = new Map<number, Entry>();
      for (const op of ops) {
        if (op.kind === 'set') {
          const entry = { id: op.id };
          table.set(op.key, entry);
          model.set(op.key, entry);
        } else if (op.kind === 'delete') {
          assert.equal(table.delete(op.key), model.get(op.key));
          model.delete(op.key);
        } else if (op.kind === 'get') {
          assert.equal(table.get(op.key), model.get(op.key));
        } else {
          table.shrinkToFit();
        }
        assert.equal(table.size, model.size);
      }
      for (const [key, entry] of model) assert.equal(table.get(key), entry);
      assert.deepEqual(table.snapshot(), [...model.values()]);
    }),
    { numRuns: 300 },
  );
});

test('the pending table grows to thousands of calls and shrinks back once they have left', () => {
  const table = new OpaqueTable<Entry>();
  const entries = Array.from({ length: 5000 }, (_, i) => ({ id: i }));
  entries.forEach((entry, i) => table.set(i * 7919, entry));
  assert.equal(table.size, 5000);
  entries.forEach((entry, i) => assert.equal(table.get(i * 7919), entry));
  for (let i = 0; i < 5000; i += 2) assert.equal(table.delete(i * 7919), entries[i]);
  assert.equal(table.size, 2500);
  for (let i = 1; i < 5000; i += 2) assert.equal(table.get(i * 7919), entries[i]);
  table.shrinkToFit();
  for (let i = 1; i < 5000; i += 2) assert.equal(table.get(i * 7919), entries[i]);
  for (let i = 1; i < 5000; i += 2) table.delete(i * 7919);
  assert.equal(table.size, 0);
  table.shrinkToFit();
  assert.deepEqual(table.snapshot(), []);
  table.set(42, entries[0]!);
  assert.equal(table.get(42), entries[0]);
});
