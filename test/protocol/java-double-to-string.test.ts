import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { javaDoubleToString, parseJavaDouble } from '../../src/index.js';

/** `Double.toString` outputs, as printed by a JVM (identical on JDK 8, 17 and 21 for these values). */
const JAVA_OUTPUTS: Array<[number, string]> = [
  [1, '1.0'],
  [0.1, '0.1'],
  [-1.5, '-1.5'],
  [100, '100.0'],
  [12345.678, '12345.678'],
  [0.3, '0.3'],
  [0.1 + 0.2, '0.30000000000000004'],
  [1 / 3, '0.3333333333333333'],
  [Math.PI, '3.141592653589793'],
  [1e10, '1.0E10'],
  [1e-5, '1.0E-5'],
  [-1e-5, '-1.0E-5'],
  [0, '0.0'],
  [-0, '-0.0'],
  [Number.NaN, 'NaN'],
  [Infinity, 'Infinity'],
  [-Infinity, '-Infinity'],
  // 10^7: the first value written in exponent form; just below stays plain.
  [1e7, '1.0E7'],
  [9999999, '9999999.0'],
  [9999999.5, '9999999.5'],
  [12345678, '1.2345678E7'],
  // 10^-3: the last value written plain; just below goes to exponent form.
  [0.001, '0.001'],
  [0.0012, '0.0012'],
  [0.000999, '9.99E-4'],
  [1e21, '1.0E21'],
  [1.5e300, '1.5E300'],
  [2 ** 53, '9.007199254740992E15'],
  [2 ** 63, '9.223372036854776E18'],
  [Number.MAX_VALUE, '1.7976931348623157E308'],
  [2.2250738585072014e-308, '2.2250738585072014E-308'],
  [Number.MIN_VALUE, '4.9E-324'],
  [123456.789, '123456.789'],
  [-9.87654321e-10, '-9.87654321E-10'],
];

for (const [value, java] of JAVA_OUTPUTS) {
  test(`javaDoubleToString(${Object.is(value, -0) ? '-0' : value}) is Java's ${java}`, () => {
    assert.equal(javaDoubleToString(value), java);
  });
}

test('every double survives javaDoubleToString then Double.parseDouble, bit for bit', () => {
  fc.assert(
    fc.property(fc.double(), (value) => {
      const text = javaDoubleToString(value);
      assert.ok(Object.is(parseJavaDouble(text), value), `${value} → ${text}`);
      // Java's shape: a fraction digit always, an exponent only outside [10^-3, 10^7).
      if (Number.isFinite(value)) assert.match(text, /^-?\d+\.\d+(E-?\d+)?$/);
    }),
    { numRuns: 5000 },
  );
});

/** Java's plain form built digit by digit from the shortest digits (toExponential), for 10^-3 <= |x| < 10^7. */
function plainFromDigits(value: number): string {
  const sign = value < 0 ? '-' : '';
  const [mantissa, exponentText] = Math.abs(value).toExponential().split('e') as [string, string];
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < 0) return sign + '0.' + '0'.repeat(-exponent - 1) + digits;
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return sign + whole + '.' + (fraction === '' ? '0' : fraction);
}

test('doubles in the plain range are written as their digits say, by the fast path too', () => {
  const plainRange = fc.double({ min: 1e-3, max: 1e7, noNaN: true, noDefaultInfinity: true }).filter((v) => v < 1e7);
  fc.assert(
    fc.property(plainRange, fc.boolean(), (magnitude, negative) => {
      const value = negative ? -magnitude : magnitude;
      assert.equal(javaDoubleToString(value), plainFromDigits(value));
    }),
    { numRuns: 20000 },
  );
  for (const value of [0.001, 0.0010000000000000002, 9999999.999999998, 1, 2, 10, 123456.0, 0.5, 1.1]) assert.equal(javaDoubleToString(value), plainFromDigits(value), String(value));
});
