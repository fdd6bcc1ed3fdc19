import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LookupTable } from '../../src/rpc/lookup-table.js';

test('a lookup table answers exactly as a Map would, small (scanned) or big (hashed), prototype keys included', () => {
  const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'));
  fc.assert(
    fc.property(fc.array(fc.tuple(key, fc.integer()), { maxLength: 40 }), fc.array(key, { maxLength: 20 }), (entries, probes) => {
      const table = new LookupTable<number>();
      const map = new Map<string, number>();
      for (const [k, v] of entries) {
        table.set(k, v);
        map.set(k, v);
      }
      assert.equal(table.size, map.size);
      for (const probe of [...probes, ...entries.map(([k]) => k)]) assert.equal(table.get(probe), map.get(probe));
      assert.deepEqual([...table], [...map]);
      assert.deepEqual([...table.values()], [...map.values()]);
    }),
  );
});

test('a key decoded from the wire finds the entry registered under an equal string', () => {
  const signature = 'public abstract java.lang.String com.uext.remote.rf.service.ServiceHello.sayHello(java.lang.String,java.lang.String)';
  const table = new LookupTable<string>().set(signature, 'sayHello');
  const decoded = JSON.parse(JSON.stringify({ methodName: signature })) as { methodName: string };
  assert.equal(table.get(decoded.methodName), 'sayHello');
  assert.equal(table.get(signature.slice(0, -1)), undefined);
});
