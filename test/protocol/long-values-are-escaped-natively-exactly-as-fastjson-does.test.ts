import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeCommand, quoteJson, RemotingCommand, SerializeType } from '../../src/index.js';
import { nativeQuotedJson } from '../../src/protocol/json-native-quote.js';
import { fastjsonQuote, headerOf, javaJsonHeader } from './reference-encoding.js';

/** Characters where V8's JSON.stringify and fastjson part ways, and their neighbours. */
const tricky = fc.constantFrom(
  '"', '\\', '\u0000', '\u000b', '\u001f', '\n', ' ', '~', '\u007f', '\u0080', '\u009f', '\u00a0',
  '\u2027', '\u2028', '\u2029', '\u202a', 'é', '中', '\ud83d\ude00', '\ud800', '\udc00', '/', '\\u', 'u',
);
const plain = fc.constantFrom('a', 'quick brown fox ', '1234567890', 'x'.repeat(100));
/** Mostly-plain texts long enough to take the native path, with a few tricky characters anywhere. */
const longText = fc.array(fc.oneof({ weight: 6, arbitrary: plain }, { weight: 1, arbitrary: tricky }), { minLength: 4, maxLength: 60 }).map((parts) => parts.join(''));
/** Texts with escapes everywhere (JSON inside JSON): the native path checks these another way. */
const denseText = fc.array(fc.oneof({ weight: 1, arbitrary: fc.constantFrom('a', 'b1', '{') }, { weight: 2, arbitrary: tricky }), { minLength: 30, maxLength: 200 }).map((parts) => parts.join(''));
const anyText = fc.oneof(longText, denseText, fc.string({ unit: 'binary', minLength: 40, maxLength: 400 }), fc.string({ unit: 'grapheme', minLength: 40, maxLength: 200 }));

test('quoteJson writes long texts exactly as fastjson does, whichever path it takes', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      assert.equal(quoteJson(text), fastjsonQuote(text));
    }),
    { numRuns: 3000 },
  );
});

test('the native path answers only where V8 and fastjson agree, and then with fastjson\'s text', () => {
  fc.assert(
    fc.property(anyText, (text) => {
      const native = nativeQuotedJson(text);
      if (native !== null) assert.equal(native, fastjsonQuote(text));
    }),
    { numRuns: 3000 },
  );
  // The characters that must send a text the slow way.
  for (const c of ['\u0001', '\u001f', '\u007f', '\u0085', '\u2028', '\u2029', '\ud800']) {
    assert.equal(nativeQuotedJson('x'.repeat(60) + c), null, JSON.stringify(c));
    assert.equal(nativeQuotedJson('"\\'.repeat(30) + c), null, `dense, ${JSON.stringify(c)}`);
  }
  // A backslash followed by u is not an escape to refuse, but refusing it only costs speed.
  assert.equal(quoteJson('\\u0041' + 'x'.repeat(60)), fastjsonQuote('\\u0041' + 'x'.repeat(60)));
});

test('long ext values (argsJsonJson of large arguments) go into the JSON header byte for byte as Java writes them', () => {
  fc.assert(
    fc.property(anyText, anyText, (argument, other) => {
      const args = '[' + quoteJson(quoteJson(argument)) + ',' + quoteJson(other) + ']';
      const ext = new Map([
        ['interfaceName', 'com.acme.Service'],
        ['argsJsonJson', args],
      ]);
      const frame = encodeCommand(new RemotingCommand({ code: 0, opaque: 3, extFields: ext }), SerializeType.JSON);
      assert.deepEqual(headerOf(frame), javaJsonHeader(0, 3, ext, null));
    }),
    { numRuns: 1000 },
  );
});
