import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LosslessNumber } from 'lossless-json';
import { J, ValueError, type AnyJavaType } from '../../src/index.js';

type Outcome = { value: unknown } | 'refused';

function outcome(type: AnyJavaType, node: string | number | LosslessNumber): Outcome {
  try {
    return { value: type.read(node) };
  } catch (error) {
    assert.ok(error instanceof ValueError, String(error));
    return 'refused';
  }
}

const digits = (minLength: number, maxLength: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength, maxLength }).map((list) => list.join(''));

/** JSON number tokens: zero, small and huge integers, fractions, exponents, negative zero. */
const numberToken = fc
  .tuple(
    fc.constantFrom('', '-'),
    fc.oneof(fc.constantFrom('0', '1', '127', '128', '2147483647', '2147483648', '9007199254740993', '9223372036854775807', '9223372036854775808'), fc.tuple(fc.constantFrom(...'123456789'), digits(0, 25)).map(([first, rest]) => first + rest)),
    fc.option(fc.oneof(digits(1, 20), fc.constantFrom('0', '00', '5')), { nil: '' }),
    fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(1, 3)), { nil: null }),
  )
  .map(([sign, whole, fraction, exponent]) => sign + whole + (fraction === '' ? '' : '.' + fraction) + (exponent === null ? '' : exponent.join('')));

const numericTypes: Array<[string, AnyJavaType]> = [
  ['int', J.int],
  ['Short', J.Short],
  ['byte', J.byte],
  ['long', J.long],
  ['Long', J.Long],
  ['BigInteger', J.BigInteger],
  ['double', J.double],
  ['float', J.float],
  ['BigDecimal', J.BigDecimal],
];

test('a number token is read as the same digits given as a string are read', () => {
  fc.assert(
    fc.property(numberToken, (token) => {
      for (const [name, type] of numericTypes) {
        const fromToken = outcome(type, new LosslessNumber(token));
        const fromText = outcome(type, token);
        assert.deepStrictEqual(fromToken, fromText, `${name} ${token}`);
      }
    }),
    { numRuns: 3000 },
  );
});

test('long and BigInteger read a plain number as they read its decimal text', () => {
  fc.assert(
    fc.property(fc.oneof(fc.integer(), fc.maxSafeInteger(), fc.double(), fc.constantFrom(-0, 2 ** 53, -(2 ** 63), 2 ** 63, 1e21)), (value) => {
      for (const type of [J.long, J.BigInteger]) assert.deepStrictEqual(outcome(type, value), outcome(type, String(value)), String(value));
    }),
    { numRuns: 2000 },
  );
});

/** What BigDecimal writing did for every decimal string before its fast path. */
function referenceDecimal(value: string): string | 'refused' {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return 'refused';
  const text = value.startsWith('+') ? value.slice(1) : value;
  return text.replace(/^(-?)\./, '$10.').replace(/\.(?=[eE]|$)/, '');
}

test('BigDecimal writes every decimal spelling as before, and JSON number tokens as they are', () => {
  const decimalText = fc
    .tuple(fc.constantFrom('', '+', '-'), digits(0, 20), fc.constantFrom('', '.'), digits(0, 20), fc.option(fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), digits(0, 3)), { nil: null }))
    .map(([sign, whole, dot, fraction, exponent]) => sign + whole + dot + fraction + (exponent === null ? '' : exponent.join('')));
  fc.assert(
    fc.property(fc.oneof(decimalText, numberToken, fc.string({ maxLength: 8 })), (value) => {
      let written: string | 'refused';
      try {
        written = J.BigDecimal.write(value);
      } catch (error) {
        assert.ok(error instanceof ValueError);
        written = 'refused';
      }
      assert.equal(written, referenceDecimal(value), value);
    }),
    { numRuns: 3000 },
  );
});
