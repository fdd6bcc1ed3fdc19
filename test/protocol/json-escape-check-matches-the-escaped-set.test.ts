import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { needsJsonEscape, quoteJson } from '../../src/protocol/index.js';

// The characters fastjson escapes: the two JSON specials, C0 controls, DEL, C1 controls, U+2028/9.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const ESCAPED = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const tricky = fc.constantFrom('"', '\\', '\u0000', '\u001f', ' ', '~', '\u007f', '\u0080', '\u009f', '\u00a0', '\u2027', '\u2028', '\u2029', '\u202a', 'é', '中', '\ud83d\ude00', '/');
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), fc.array(fc.oneof(tricky, fc.constantFrom('a', 'b', '1')), { maxLength: 60 }).map((parts) => parts.join('')));

test('needsJsonEscape says exactly whether a text (or a range of it) holds a character fastjson escapes', () => {
  fc.assert(
    fc.property(text, fc.nat(), fc.nat(), (value, a, b) => {
      assert.equal(needsJsonEscape(value), ESCAPED.test(value));
      const from = value.length === 0 ? 0 : a % (value.length + 1);
      const to = from + (value.length - from === 0 ? 0 : b % (value.length - from + 1));
      assert.equal(needsJsonEscape(value, from, to), ESCAPED.test(value.slice(from, to)));
      // quoteJson leaves a text without such characters as it is, between quotes.
      if (!ESCAPED.test(value)) assert.equal(quoteJson(value), `"${value}"`);
    }),
    { numRuns: 1000 },
  );
});
