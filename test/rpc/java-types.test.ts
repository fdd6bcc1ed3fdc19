import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { J, ValueError, type AnyJavaType } from '../../src/index.js';
import { parseJson } from '../../src/rpc/json-value.js';

/** Reads JSON text as the provider and consumer do. */
function read<T extends AnyJavaType>(type: T, text: string): ReturnType<T['read']> {
  return type.read(parseJson(text, type.exactNumbers)) as ReturnType<T['read']>;
}

test('values are written with the exact bytes fastjson 1.2.69 writes (docs/protocol.md §7.4)', () => {
  assert.equal(J.String.write('a"b\\c\nd\u0001é中'), '"a\\"b\\\\c\\nd\\u0001é中"');
  assert.equal(J.char.write('c'), '"c"');
  assert.equal(J.int.write(1), '1');
  assert.equal(J.Long.write(9007199254740993n), '9007199254740993');
  assert.equal(J.long.write(9223372036854775807n), '9223372036854775807');
  assert.equal(J.BigInteger.write(123456789012345678901234567890n), '123456789012345678901234567890');
  assert.equal(J.double.write(1), '1.0');
  assert.equal(J.double.write(1.5), '1.5');
  assert.equal(J.double.write(1e20), '1.0E20');
  assert.equal(J.double.write(1e-7), '1.0E-7');
  assert.equal(J.Double.write(NaN), 'null');
  assert.equal(J.double.write(-Infinity), 'null');
  assert.equal(J.float.write(1.5), '1.5');
  assert.equal(J.float.write(0.1), '0.1');
  assert.equal(J.Float.write(Math.fround(0.1)), '0.1');
  assert.equal(J.boolean.write(true), 'true');
  assert.equal(J.BigDecimal.write('1.10'), '1.10');
  assert.equal(J.BigDecimal.write('1E+3'), '1E+3');
  assert.equal(J.Date.write(new Date(1700000000123)), '1700000000123');
  assert.equal(J.bytes.write(Uint8Array.of(1, 2, 3, 255)), '"AQID/w=="');
  assert.equal(J.enumOf('com.acme.Color', ['RED', 'GREEN']).write('GREEN'), '"GREEN"');
  assert.equal(J.list(J.String).write(['a', null, 'b']), '["a",null,"b"]');
  assert.equal(J.array(J.int).write([1]), '[1]');
  assert.equal(J.set(J.Integer).write(new Set([3, 1])), '[3,1]');
  assert.equal(J.map(J.Integer).write({ b: 1, a: null, c: 2 }), '{"b":1,"c":2}');
  assert.equal(J.map(J.Integer).write(new Map([['x', 1]])), '{"x":1}');
  const Pojo = J.pojo('com.acme.Pojo', { zeta: J.int, alpha: J.String, mid: J.Long, Upper: J.boolean });
  assert.equal(Pojo.write({ zeta: 1, alpha: 'a', mid: null, Upper: false }), '{"Upper":false,"alpha":"a","zeta":1}');
  assert.equal(J.String.write(null), 'null');
  assert.equal(J.Object.write({ a: 1, b: null, c: [1n << 70n, 'x', null], d: 0.5 }), '{"a":1,"c":[1180591620717411303424,"x",null],"d":0.5}');
});

test('values of the wrong type are refused when written, naming the path', () => {
  assert.throws(() => J.int.write(1.5), ValueError);
  assert.throws(() => J.int.write(2 ** 31), /out of range for int/);
  assert.throws(() => J.long.write(2n ** 63n), /out of range for long/);
  assert.throws(() => J.long.write(2 ** 60), ValueError);
  assert.equal(J.long.write(42), '42');
  assert.throws(() => J.int.write(null), /expected int but got null/);
  assert.throws(() => J.String.notNull().write(null), /expected String but got null/);
  assert.throws(() => J.char.write('ab'), ValueError);
  assert.throws(() => J.BigDecimal.write('1,5'), ValueError);
  assert.throws(() => J.Date.write(new Date(NaN)), ValueError);
  assert.throws(() => J.enumOf('E', ['A', 'B']).write('C'), /one of A\|B/);
  const Pojo = J.pojo('P', { items: J.list(J.pojo('Q', { n: J.int })) });
  assert.throws(() => Pojo.write({ items: [{ n: 1 }, { n: 'x' }] }), (error: unknown) => error instanceof ValueError && error.path === 'items[1].n');
  assert.throws(() => J.pojo('P', { n: J.int }).write({}), /n: expected int/);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => J.Object.write(cyclic), /contains itself/);
});

test('values are read leniently as fastjson reads them', () => {
  assert.equal(read(J.Integer, '"12"'), 12);
  assert.equal(read(J.int, '1.0'), 1);
  assert.equal(read(J.Long, '"9223372036854775807"'), 9223372036854775807n);
  assert.equal(read(J.String, '12'), '12');
  assert.equal(read(J.String, '12345678901234567890'), '12345678901234567890');
  assert.equal(read(J.String, 'true'), 'true');
  assert.equal(read(J.double, '1'), 1);
  assert.equal(read(J.double, '"2.5"'), 2.5);
  assert.equal(read(J.float, '0.1'), Math.fround(0.1));
  assert.equal(read(J.boolean, '"TRUE"'), true);
  assert.equal(read(J.boolean, '0'), false);
  assert.equal(read(J.Date, '1700000000123')?.getTime(), 1700000000123);
  assert.equal(read(J.Date, '"1700000000123"')?.getTime(), 1700000000123);
  assert.equal(read(J.Date, '"2023-11-14T22:13:20.123Z"')?.getTime(), 1700000000123);
  assert.deepEqual(read(J.bytes, '"AQID/w=="'), Uint8Array.of(1, 2, 3, 255));
  assert.deepEqual(read(J.bytes, '[1,2,-1]'), Uint8Array.of(1, 2, 255));
  assert.equal(read(J.BigDecimal, '1.10'), '1.10');
  assert.equal(read(J.BigDecimal, '"1E+3"'), '1E+3');
  assert.equal(read(J.BigDecimal, '[1.10]'.slice(1, -1)), '1.10');
  assert.deepEqual(read(J.list(J.BigDecimal), '[1.10,0.00]'), ['1.10', '0.00']);
  assert.equal(read(J.enumOf('E', ['A', 'B']), '1'), 'B');
  const Pojo = J.pojo('P', { n: J.int, s: J.String, l: J.long, b: J.boolean, c: J.char, d: J.double });
  assert.deepEqual(read(Pojo, '{"unknown":1,"s":"x"}'), { n: 0, s: 'x', l: 0n, b: false, c: '\u0000', d: 0 });
  assert.deepEqual(read(J.map(J.Integer), '{"a":1,"b":null}'), { a: 1, b: null });
  assert.equal(read(J.pojo('P', { s: J.String }), 'null'), null);
});

test('longs above 2^53 stay exact whether they are the value or nested deep inside it', () => {
  const big = 9007199254740993n;
  assert.equal(read(J.Long, '9007199254740993'), big);
  assert.deepEqual(read(J.list(J.map(J.long)), '[{"a":9007199254740993,"b":-9223372036854775808}]'), [{ a: big, b: -(2n ** 63n) }]);
  assert.equal(read(J.BigInteger, '123456789012345678901234567890'), 123456789012345678901234567890n);
  assert.deepEqual(read(J.Object, '{"n":9007199254740993,"m":5}'), { n: big, m: 5 });
});

test('values of the wrong shape are refused when read, naming the path', () => {
  assert.throws(() => read(J.int, '"abc"'), /expected int but got "abc"/);
  assert.throws(() => read(J.int, '2147483648'), /out of range for int/);
  assert.throws(() => read(J.int, 'null'), /expected int but got null/);
  assert.throws(() => read(J.int, '1.5'), ValueError);
  assert.throws(() => read(J.Long, '9223372036854775808'), /out of range for Long/);
  assert.throws(() => read(J.String, '{}'), /expected String but got object/);
  assert.throws(() => read(J.char, '"ab"'), ValueError);
  assert.throws(() => read(J.bytes, '"not base64!"'), ValueError);
  assert.throws(() => read(J.Date, '"yesterday"'), ValueError);
  assert.throws(() => read(J.BigDecimal, '"1,5"'), ValueError);
  assert.throws(() => read(J.enumOf('E', ['A']), '"B"'), /not a constant of E/);
  assert.throws(() => read(J.String.notNull(), 'null'), /expected String but got null/);
  const Pojo = J.pojo('P', { items: J.list(J.pojo('Q', { when: J.Date })) });
  assert.throws(() => read(Pojo, '{"items":[{"when":1},{"when":true}]}'), (error: unknown) => error instanceof ValueError && error.path === 'items[1].when');
});

test('reading JSON never pollutes a prototype: __proto__ and constructor stay plain data', () => {
  const map = read(J.map(J.Object), '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')!;
  assert.equal(Object.getPrototypeOf(map), Object.prototype);
  assert.ok(Object.hasOwn(map, '__proto__'));
  assert.deepEqual(Object.keys(map), ['__proto__', 'constructor']);
  const object = read(J.Object, '{"__proto__":{"polluted":true}}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(object), Object.prototype);
  assert.ok(Object.hasOwn(object, '__proto__'));
  const bigObject = read(J.Object, '{"__proto__":{"polluted":9007199254740993}}') as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(bigObject), Object.prototype);
  const pojo = read(J.pojo('P', { name: J.String }), '{"__proto__":{"name":"x"},"name":"y"}');
  assert.deepEqual(pojo, { name: 'y' });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
  // A field the contract does not declare is never read, even when the prototype has it.
  assert.deepEqual(read(J.pojo('P', { toString: J.String }), '{}'), { toString: null });
});

test('every Java-mapped type round-trips arbitrary values (write then read gives the value back)', () => {
  const Inner = J.pojo('com.acme.Inner', { when: J.Date, tags: J.list(J.String), amount: J.BigDecimal });
  const Outer = J.pojo('com.acme.Outer', { id: J.long, name: J.String, inner: Inner, byKey: J.map(J.Long), raw: J.bytes, ratio: J.double });
  const date = fc.integer({ min: -8.64e15, max: 8.64e15 }).map((ms) => new Date(ms));
  const text = fc.string({ unit: 'binary' });
  const decimal = fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat(12)).map(([digits, scale]) => {
    const s = (digits < 0n ? -digits : digits).toString().padStart(scale + 1, '0');
    return (digits < 0n ? '-' : '') + (scale === 0 ? s : s.slice(0, -scale) + '.' + s.slice(-scale));
  });
  const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
  const inner = fc.record({ when: fc.option(date), tags: fc.option(fc.array(fc.option(text))), amount: fc.option(decimal) });
  const outer = fc.record({
    id: int64,
    name: fc.option(text),
    inner: fc.option(inner),
    byKey: fc.option(fc.dictionary(text, int64)),
    raw: fc.option(fc.uint8Array()),
    ratio: fc.double({ noNaN: true, noDefaultInfinity: true }),
  });
  fc.assert(
    fc.property(outer, (value) => {
      assert.deepEqual(read(Outer, Outer.write(value)), normalise(value));
    }),
    { numRuns: 200 },
  );
  fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => read(J.int, J.int.write(n)) === n));
  fc.assert(fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (n) => Object.is(read(J.float, J.float.write(n)), n)));
  fc.assert(fc.property(fc.bigInt(), (n) => read(J.BigInteger, J.BigInteger.write(n)) === n));
});

/** What reading gives back for a written value: every declared property, maps as plain objects. */
function normalise(value: Record<string, unknown>): unknown {
  const inner = value.inner as Record<string, unknown> | null;
  return {
    ...value,
    inner: inner === null ? null : { when: inner.when, tags: inner.tags, amount: inner.amount },
    raw: value.raw === null ? null : new Uint8Array(value.raw as Uint8Array),
    byKey: value.byKey === null ? null : { ...(value.byKey as Record<string, bigint>) },
  };
}
