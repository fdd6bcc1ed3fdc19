import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { defineContract, J, method, type Implementation } from '../../src/index.js';
import { startPair, type Pair } from './support/pair.js';

const Color = J.enumOf('com.acme.Color', ['RED', 'GREEN']);
const Address = J.pojo('com.acme.Everything$Address', { city: J.String, zip: J.int, lines: J.list(J.String) });
const Person = J.pojo('com.acme.Everything$Person', {
  name: J.String,
  id: J.long,
  born: J.Date,
  balance: J.BigDecimal,
  photo: J.bytes,
  color: Color,
  addresses: J.list(Address),
  tags: J.map(J.list(J.Long)),
  active: J.boolean,
});

/** One echo method per Java-mapped type. */
const Everything = defineContract('com.acme.Everything', {
  string: method([J.String], J.String),
  character: method([J.char], J.char),
  int: method([J.int], J.int),
  integer: method([J.Integer], J.Integer),
  short: method([J.short], J.short),
  byte: method([J.Byte], J.Byte),
  long: method([J.long], J.long),
  boxedLong: method([J.Long], J.Long),
  bigInteger: method([J.BigInteger], J.BigInteger),
  double: method([J.double], J.double),
  boxedDouble: method([J.Double], J.Double),
  float: method([J.float], J.float),
  boolean: method([J.boolean], J.boolean),
  bigDecimal: method([J.BigDecimal], J.BigDecimal),
  date: method([J.Date], J.Date),
  bytes: method([J.bytes], J.bytes),
  color: method([Color], Color),
  list: method([J.list(J.String)], J.list(J.String)),
  ints: method([J.array(J.int)], J.array(J.int)),
  map: method([J.map(J.Integer)], J.map(J.Integer)),
  nested: method([J.list(J.map(J.list(J.Long)))], J.list(J.map(J.list(J.Long)))),
  person: method([Person], Person),
  people: method([J.map(Person)], J.map(Person)),
  object: method([J.Object], J.Object),
  several: method([J.String, J.int, J.Long, Person], J.String),
});

const echo = <T>(value: T): T => value;
const implementation: Implementation<typeof Everything> = {
  string: echo,
  character: echo,
  int: echo,
  integer: echo,
  short: echo,
  byte: echo,
  long: echo,
  boxedLong: echo,
  bigInteger: echo,
  double: echo,
  boxedDouble: echo,
  float: echo,
  boolean: echo,
  bigDecimal: echo,
  date: echo,
  bytes: echo,
  color: echo,
  list: echo,
  ints: echo,
  map: echo,
  nested: echo,
  person: echo,
  people: echo,
  object: echo,
  several: (s, i, l, p) => `${s}|${i}|${l}|${p?.name}|${p?.id}`,
};

let pair: Pair;
before(async () => {
  pair = await startPair((provider) => provider.register(Everything, implementation));
});
after(() => pair.close());

const person = {
  name: '张三 «Zoë» \u{1F600} "quoted" \\ \n\u0001',
  id: 9223372036854775807n,
  born: new Date(1700000000123),
  balance: '12345678901234567890.1230',
  photo: Uint8Array.of(0, 1, 2, 255),
  color: 'GREEN' as const,
  addresses: [
    { city: 'Zürich', zip: 8001, lines: ['Bahnhofstrasse 1', null] },
    { city: null, zip: 0, lines: null },
  ],
  tags: { big: [9007199254740993n, -9223372036854775808n, null], empty: [] },
  active: true,
};

test('every Java-mapped type round-trips through a provider over a real socket', async () => {
  const p = pair.consumer.proxy(Everything);
  assert.equal(await p.string('non-ASCII: 中文 ü \u{1F600} \u2028 and "escapes" \\ \t'), 'non-ASCII: 中文 ü \u{1F600} \u2028 and "escapes" \\ \t');
  assert.equal(await p.string(''), '');
  assert.equal(await p.string(null), null);
  assert.equal(await p.character('ß'), 'ß');
  assert.equal(await p.int(-2147483648), -2147483648);
  assert.equal(await p.integer(null), null);
  assert.equal(await p.short(32767), 32767);
  assert.equal(await p.byte(-128), -128);
  assert.equal(await p.long(9007199254740993n), 9007199254740993n);
  assert.equal(await p.long(-9223372036854775808n), -9223372036854775808n);
  assert.equal(await p.boxedLong(9223372036854775807n), 9223372036854775807n);
  assert.equal(await p.boxedLong(null), null);
  assert.equal(await p.bigInteger(-(2n ** 200n)), -(2n ** 200n));
  assert.equal(await p.double(0.1 + 0.2), 0.1 + 0.2);
  assert.equal(await p.double(1e300), 1e300);
  assert.equal(await p.double(5e-324), 5e-324);
  assert.equal(await p.boxedDouble(NaN), null);
  assert.equal(await p.float(1.5), 1.5);
  assert.equal(await p.boolean(false), false);
  assert.equal(await p.bigDecimal('0.000000000000000000001'), '0.000000000000000000001');
  assert.equal(await p.bigDecimal('1E+3'), '1E+3');
  assert.equal((await p.date(new Date(-1)))?.getTime(), -1);
  assert.deepEqual(await p.bytes(Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)), Uint8Array.from({ length: 300 }, (_, i) => i & 0xff));
  assert.deepEqual(await p.bytes(new Uint8Array(0)), new Uint8Array(0));
  assert.equal(await p.color('RED'), 'RED');
  assert.deepEqual(await p.list(['a', null, 'ü']), ['a', null, 'ü']);
  assert.deepEqual(await p.list([]), []);
  assert.deepEqual(await p.ints([1, -1, 2147483647]), [1, -1, 2147483647]);
  // fastjson leaves null map values out.
  assert.deepEqual(await p.map({ a: 1, b: null, 'ключ': 3 }), { a: 1, 'ключ': 3 });
  assert.deepEqual(await p.nested([{ x: [1n, 9007199254740993n] }, {}, null]), [{ x: [1n, 9007199254740993n] }, {}, null]);
  assert.deepEqual(await p.person(person), person);
  assert.deepEqual(await p.person({ id: 1n, zip: 0, active: false } as unknown as typeof person), {
    name: null,
    id: 1n,
    born: null,
    balance: null,
    photo: null,
    color: null,
    addresses: null,
    tags: null,
    active: false,
  });
  assert.deepEqual(await p.people({ one: person }), { one: person });
  assert.deepEqual(await p.object({ n: 9007199254740993n, list: [1, 'x', true], nested: { deep: 'é' } }), {
    n: 9007199254740993n,
    list: [1, 'x', true],
    nested: { deep: 'é' },
  });
  assert.equal(await p.several('s', 7, 9007199254740993n, person), `s|7|9007199254740993|${person.name}|9223372036854775807`);
});
