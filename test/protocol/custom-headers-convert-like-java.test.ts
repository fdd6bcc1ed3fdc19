import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeCommand, defineHeader, encodeCommand, ProtocolError, RemotingCommand, SerializeType } from '../../src/index.js';

const SendHeader = defineHeader({
  topic: { kind: 'string', notNull: true },
  queueId: { kind: 'int', notNull: true },
  offset: 'long',
  batch: 'boolean',
  ratio: 'double',
  tag: 'string',
});

const ext = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));

test('ints, longs, booleans and doubles are written as Java writes them', () => {
  const out = SendHeader.encode({ topic: 'T', queueId: -5, offset: 9223372036854775807n, batch: true, ratio: 0.5 });
  assert.deepStrictEqual(Object.fromEntries(out), { topic: 'T', queueId: '-5', offset: '9223372036854775807', batch: 'true', ratio: '0.5' });
});

test('null and undefined fields are left out; a missing not-null field fails the encode, naming the field', () => {
  assert.deepStrictEqual([...SendHeader.encode({ topic: 'T', queueId: 0, offset: null, tag: undefined }).keys()], ['topic', 'queueId']);
  assert.throws(
    () => SendHeader.encode({ topic: null, queueId: 1 } as never),
    (error) => error instanceof ProtocolError && error.reason === 'MISSING_FIELD' && error.field === 'topic' && error.message === 'the custom field topic is null',
  );
});

test('values of the wrong kind are refused on encode (no silent Java-style corruption)', () => {
  for (const values of [
    { topic: 'T', queueId: 2 ** 31 },
    { topic: 'T', queueId: 1.5 },
    { topic: 'T', queueId: 1, offset: 2n ** 63n },
    { topic: 'T', queueId: 1, offset: 2 ** 60 },
    { topic: 'T', queueId: 1, batch: 'yes' },
    { topic: 'T', queueId: 1, ratio: '0.5' },
  ]) {
    assert.throws(() => SendHeader.encode(values as never), (error) => error instanceof ProtocolError && error.reason === 'BAD_FIELD', JSON.stringify(values, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
  }
  // A safe-integer number is accepted for a long too (decoding always gives a bigint).
  assert.equal(SendHeader.encode({ topic: 'T', queueId: 1, offset: 2 ** 53 - 1 } as never).get('offset'), '9007199254740991');
});

test('encoding merges into existing ext fields: other keys kept, header keys overwritten', () => {
  const existing = ext({ AccessKey: 'ak', topic: 'old', queueId: '9' });
  const out = SendHeader.encode({ topic: 'new', queueId: 1 }, existing);
  assert.equal(out, existing, 'the same map');
  assert.deepStrictEqual(Object.fromEntries(out), { AccessKey: 'ak', topic: 'new', queueId: '1' });
});

test('longs beyond 2^53 decode exactly, as bigint', () => {
  for (const text of ['9007199254740993', '-9223372036854775808', '9223372036854775807', '+12']) {
    assert.equal(SendHeader.decode(ext({ topic: 'T', queueId: '1', offset: text })).offset, BigInt(text));
  }
  fc.assert(
    fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (offset) => {
      const decoded = SendHeader.decode(SendHeader.encode({ topic: 'T', queueId: 0, offset }));
      assert.equal(decoded.offset, offset);
    }),
  );
});

test('booleans follow Boolean.parseBoolean: true only for a case-insensitive "true"', () => {
  const cases: Array<[string, boolean]> = [['true', true], ['TRUE', true], ['True', true], ['false', false], ['1', false], ['yes', false], ['', false], [' true', false]];
  for (const [text, expected] of cases) assert.equal(SendHeader.decode(ext({ topic: 'T', queueId: '1', batch: text })).batch, expected, text);
});

test('doubles are written in Double.toString form and read back exactly', () => {
  const cases: Array<[number, string]> = [[1, '1.0'], [0.1, '0.1'], [1e10, '1.0E10'], [1e-5, '1.0E-5'], [-0, '-0.0'], [Number.NaN, 'NaN'], [Infinity, 'Infinity'], [1e7, '1.0E7'], [9999999, '9999999.0'], [0.001, '0.001'], [0.000999, '9.99E-4']];
  for (const [value, text] of cases) {
    const encoded = SendHeader.encode({ topic: 'T', queueId: 1, ratio: value });
    assert.equal(encoded.get('ratio'), text);
    assert.ok(Object.is(SendHeader.decode(encoded).ratio, value), text);
  }
  // Double.parseDouble accepts more than Double.toString writes.
  for (const [text, value] of [['1', 1], ['.5', 0.5], ['1e3', 1000], [' 2.5d ', 2.5], ['-Infinity', -Infinity], ['1.5F', 1.5]] as const) {
    assert.equal(SendHeader.decode(ext({ topic: 'T', queueId: '1', ratio: text })).ratio, value, text);
  }
});

test('lenient decode (Java’s behaviour): a missing not-null field or an unparsable number is skipped', () => {
  const decoded = SendHeader.decode(ext({ queueId: 'abc', offset: '1.5', ratio: 'x', tag: 't' }));
  assert.deepStrictEqual({ ...decoded }, { tag: 't' });
  assert.deepStrictEqual({ ...SendHeader.decode(ext({ topic: 'T', queueId: '2147483648' })) }, { topic: 'T' });
});

test('strict decode refuses a missing not-null field or an unparsable value, naming the field', () => {
  const strict = { strict: true };
  assert.throws(() => SendHeader.decode(ext({ queueId: '1' }), strict), (error) => error instanceof ProtocolError && error.reason === 'MISSING_FIELD' && error.field === 'topic');
  assert.throws(() => SendHeader.decode(ext({ topic: 'T', queueId: '1', offset: '12.0' }), strict), (error) => error instanceof ProtocolError && error.reason === 'BAD_FIELD' && error.field === 'offset');
  // A missing nullable field is fine even when strict.
  assert.deepStrictEqual({ ...SendHeader.decode(ext({ topic: 'T', queueId: '1' }), strict) }, { topic: 'T', queueId: 1 });
});

test('a command without ext fields decodes to the empty header, unchecked even when strict (as Java does)', () => {
  assert.deepStrictEqual({ ...SendHeader.decode(null) }, {});
  assert.deepStrictEqual({ ...SendHeader.decode(null, { strict: true }) }, {});
  // An empty map is not "no ext fields": the checks run.
  assert.throws(() => SendHeader.decode(new Map(), { strict: true }), ProtocolError);
});

test('decoded headers are plain records: a header field called __proto__ is just a field', () => {
  const Odd = defineHeader({ ['__proto__']: 'string', constructor: 'int' } as const);
  const decoded = Odd.decode(new Map([['__proto__', 'p'], ['constructor', '3']]));
  assert.equal(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value, 'p');
  assert.equal(decoded.constructor, 3);
});

test('a custom header survives a trip through both header types inside a command', () => {
  const values = { topic: 'Topic-中文', queueId: 3, offset: 123456789012345678n, batch: false, ratio: 1e-7, tag: 'a"b' };
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    const request = new RemotingCommand({ code: 10, opaque: 1, extFields: SendHeader.encode(values) });
    const decoded = SendHeader.decode(decodeCommand(encodeCommand(request, type)).extFields, { strict: true });
    assert.deepStrictEqual({ ...decoded }, values);
  }
});
