import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isLosslessNumber, LosslessNumber, parse as parseLossless } from 'lossless-json';
import { parseExactJson } from '../../src/rpc/exact-json.js';
import { parseJson, parsePlainJson, type JsonNode } from '../../src/rpc/json-value.js';

type Outcome = { value: unknown } | { error: unknown };

function outcome(parse: (text: string) => unknown, text: string): Outcome {
  try {
    return { value: parse(text) };
  } catch (error) {
    return { error };
  }
}

const lossless = (text: string): unknown => parseLossless(text, null, (token) => new LosslessNumber(token));

/** The tree with every object's keys in their own order, so the comparison also sees key order. */
function ordered(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(ordered);
  if (isLosslessNumber(node)) return { number: (node as LosslessNumber).value, proto: Object.getPrototypeOf(node) === LosslessNumber.prototype };
  if (typeof node === 'object' && node !== null) {
    return Object.keys(node).map((key) => [key, ordered((node as Record<string, unknown>)[key])]);
  }
  return node;
}

/** Both parsers accept the text and build the same tree, or both refuse it with a SyntaxError. */
function assertSameOutcome(text: string): void {
  const theirs = outcome(lossless, text);
  const ours = outcome(parseExactJson, text);
  if ('error' in theirs) {
    assert.ok('error' in ours, `lossless-json refuses ${JSON.stringify(text)} (${String(theirs.error)}) but the exact parser accepts it`);
    assert.ok(theirs.error instanceof SyntaxError, String(theirs.error));
    assert.ok(ours.error instanceof SyntaxError, String(ours.error));
    assert.match(ours.error.message, /at position \d+/);
    return;
  }
  assert.ok('value' in ours, `lossless-json accepts ${JSON.stringify(text)} but the exact parser throws ${String((ours as { error: unknown }).error)}`);
  assert.deepStrictEqual(ours.value, theirs.value, text);
  assert.deepStrictEqual(ordered(ours.value), ordered(theirs.value), text);
}

const whitespace = fc.array(fc.constantFrom(' ', '\t', '\n', '\r'), { maxLength: 3 }).map((chars) => chars.join(''));
const digits = (minLength: number, maxLength: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength, maxLength }).map((list) => list.join(''));

/** Number tokens: small and huge integers, long fractions, exponents of every spelling. */
const numberToken = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom(...'123456789'), digits(0, 40)).map(([first, rest]) => first + rest)),
    fc.option(digits(1, 30), { nil: '' }),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 4)), { nil: null }),
  )
  .map(([sign, whole, fraction, exponent]) => sign + whole + (fraction === '' ? '' : '.' + fraction) + (exponent === null ? '' : exponent.join('')));

const stringChar = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)),
  fc.constantFrom('"', '\\', '/', 'a', 'é', '😀', '\n', '\u2028', '\ud800'),
);

/** A string literal for `value`, each character written raw or escaped in one of JSON's ways. */
const stringLiteral = fc.array(fc.tuple(stringChar, fc.nat(3)), { maxLength: 12 }).map((chars) => {
  let out = '"';
  for (const [char, style] of chars) {
    const code = char.charCodeAt(0);
    const short: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '/': '\\/' };
    const unicode = '\\u' + code.toString(16).padStart(4, '0');
    const mustEscape = char === '"' || char === '\\' || code < 0x20;
    if (char.length > 1) out += char;
    else if (!mustEscape && style === 0) out += char;
    else if (style === 1 && short[char] !== undefined) out += short[char];
    else out += style === 2 ? unicode.toUpperCase().replace('\\U', '\\u') : mustEscape && short[char] !== undefined && style === 3 ? short[char] : unicode;
  }
  return out + '"';
});

/** Keys from a small pool (so objects repeat keys, across an array and within one object) or random. */
const keyLiteral = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('"a"', '"b"', '"c"', '"__proto__"', '"constructor"', '"toString"', '"0"', '"1"', '"value"', '"isLosslessNumber"', '"\\u0061"', '"__proto__\\u0000"') },
  { weight: 1, arbitrary: stringLiteral },
);

const jsonText: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    numberToken,
    stringLiteral,
    fc.constantFrom('true', 'false', 'null'),
    fc
      .tuple(fc.array(fc.tuple(whitespace, keyLiteral, whitespace, whitespace, tie('value'), whitespace), { maxLength: 5 }), fc.nat(3), whitespace)
      .map(([entries, repeat, inner]) => {
        const parts = entries.map(([a, key, b, c, value, d]) => `${a}${key}${b}:${c}${value}${d}`);
        // Repeat an entry now and then: a duplicate key with an equal value is accepted.
        if (repeat === 0 && parts.length > 0) parts.push(parts[0]!);
        return '{' + (parts.length === 0 ? inner : parts.join(',')) + '}';
      }),
    fc
      .tuple(fc.array(fc.tuple(whitespace, tie('value'), whitespace), { maxLength: 5 }), whitespace)
      .map(([items, inner]) => '[' + (items.length === 0 ? inner : items.map(([a, value, b]) => a + value + b).join(',')) + ']'),
  ),
})).value.chain((value) => fc.tuple(whitespace, whitespace).map(([before, after]) => before + value + after));

test('random JSON texts (numbers of any length, escapes, duplicate and __proto__ keys, whitespace) parse to the same tree', () => {
  fc.assert(fc.property(jsonText, assertSameOutcome), { numRuns: 3000 });
});

test('fast-check JSON values, compact and indented, parse to the same tree', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.constantFrom(undefined, 1, 2, '\t'), (value, indent) => assertSameOutcome(JSON.stringify(value, null, indent))),
    { numRuns: 1000 },
  );
  fc.assert(fc.property(fc.json(), assertSameOutcome), { numRuns: 500 });
});

/** A text changed in one place: a character deleted, replaced or inserted, or the text cut short. */
const mutatedText = fc
  .tuple(jsonText, fc.nat(), fc.constantFrom('delete', 'replace', 'insert', 'cut'), fc.constantFrom(...'{}[]":,-+.eE0519 \t\n\\ut/bfnrlsa\u0000\u001f\u007f'))
  .map(([text, where, how, char]) => {
    const at = text.length === 0 ? 0 : where % text.length;
    if (how === 'delete') return text.slice(0, at) + text.slice(at + 1);
    if (how === 'replace') return text.slice(0, at) + char + text.slice(at + 1);
    if (how === 'insert') return text.slice(0, at) + char + text.slice(at);
    return text.slice(0, at);
  });

test('mutated and truncated texts are refused (or accepted) by both, with a SyntaxError', () => {
  fc.assert(fc.property(mutatedText, assertSameOutcome), { numRuns: 5000 });
});

test('the corner cases of lossless-json are kept', () => {
  const texts = [
    '',
    ' ',
    '{"a":[],"a":{}}', // lossless-json compares by keys: an empty array equals an empty object
    '{"a":1,"a":1}',
    '{"a":1,"a":1.0}',
    '{"a":{"x":1,"y":[2]},"a":{"y":[2],"x":1}}',
    '{"a":{"x":1},"a":{"x":2}}',
    '{"__proto__":1,"__proto__":1}',
    '{"__proto__":1,"__proto__":2}',
    '{"__proto__":{"polluted":9007199254740993}}',
    '[{"a":1,"b":2},{"a":1,"b":2,"a":1}]',
    '[{"a":1,"b":2},{"a":1,"a":2}]',
    '[{"b":1,"a":2},{"a":1,"b":2},{"a":1},{"a":1,"b":2,"c":3}]',
    '[{"a":1},{"\\u0061":2},{"a\\"":3},{"a":4}]',
    '[{"toString":1},{"constructor":2,"constructor":2}]',
    '{"2":1,"1":2,"b":3,"a":4}',
    '"\\ud800"',
    '"\\u00e9\\/\\b"',
    '"\\x"',
    '"\\u12"',
    '"abc',
    '"a\u0001b"',
    '-',
    '-0',
    '01',
    '1.',
    '.5',
    '1e',
    '1e+',
    '+1',
    '[1,]',
    '{"a":1,}',
    '[1 2]',
    'tru',
    'nulll',
    '{"a" : 1 , "b" :\t2\n}',
    '\u00a0 1',
  ];
  for (const text of texts) assertSameOutcome(text);
});

test('parseJson and parsePlainJson read numbers beyond 2^53 exactly through the exact parser', () => {
  const node = parseJson('{"id":9007199254740993,"price":1.10,"list":[1e3]}') as { id: JsonNode; price: JsonNode; list: JsonNode[] };
  assert.ok(node.id instanceof LosslessNumber && node.id.value === '9007199254740993');
  assert.ok(node.price instanceof LosslessNumber && node.price.value === '1.10');
  assert.equal((parseJson('1.10', true) as LosslessNumber).value, '1.10');
  assert.equal(parseJson('1.10'), 1.1);
  assert.deepEqual(parsePlainJson('{"id":9007199254740993,"n":1.5}'), { id: 9007199254740993n, n: 1.5 });
  assert.throws(() => parseJson('{"id":9007199254740993,}'), SyntaxError);
});
