import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BytesType, decodeArgsJsonJson, encodeArgsJsonJson, J, quoteJson, StringType, ValueError } from '../../src/index.js';
import { escapedArgsJsonJson, literalArgsJsonJson, literalArgumentContent } from '../../src/rpc/args-json.js';
import { codecFor } from '../../src/rpc/value-codec.js';
import { vector } from '../support/java-vectors.js';
import { fastjsonQuote } from '../protocol/reference-encoding.js';

test('argsJsonJson is written as the Java consumer writes it (vectors)', () => {
  assert.equal(
    encodeArgsJsonJson([J.String.write('a'), J.String.write('b')]),
    vector('json-seed-rpc-request').command.extFields?.argsJsonJson,
  );
  assert.equal(encodeArgsJsonJson([J.Integer.write(1), J.Integer.write(2)]), vector('json-seed-rpc-request-integer').command.extFields?.argsJsonJson);
  assert.equal(encodeArgsJsonJson([]), '[]');
  assert.equal(encodeArgsJsonJson([J.String.write(null), J.array(J.int).write([1])]), '["null","[1]"]');
  assert.equal(
    encodeArgsJsonJson([J.pojo('P', { zeta: J.int, alpha: J.String }).write({ zeta: 1, alpha: 'a' })]),
    '["{\\"alpha\\":\\"a\\",\\"zeta\\":1}"]',
  );
});

test('argsJsonJson is read leniently, as fastjson reads List<String>', () => {
  assert.deepEqual(decodeArgsJsonJson('["\\"a\\"","\\"b\\""]'), ['"a"', '"b"']);
  assert.deepEqual(decodeArgsJsonJson(undefined), []);
  assert.deepEqual(decodeArgsJsonJson('null'), []);
  assert.deepEqual(decodeArgsJsonJson('[null,1,true]'), ['null', '1', 'true']);
  assert.throws(() => decodeArgsJsonJson('{"a":1}'), /not a JSON array/);
  assert.throws(() => decodeArgsJsonJson('[1'), /not JSON/);
  assert.throws(() => decodeArgsJsonJson('[{"a":1}]'), /element 0 is not a string/);
});

test('argsJsonJson written and read by the fast paths equals what quoteJson and JSON.parse give', () => {
  const texts = fc.array(fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }).map((s) => JSON.stringify(s)), fc.constantFrom('1', 'null', '"a"', '"\\\\"', '"\\""')));
  fc.assert(
    fc.property(texts, (list) => {
      const written = encodeArgsJsonJson(list);
      assert.equal(written, '[' + list.map(quoteJson).join(',') + ']');
      assert.deepEqual(decodeArgsJsonJson(written), list);
      assert.deepEqual(decodeArgsJsonJson(JSON.stringify(list)), list);
    }),
    { numRuns: 500 },
  );
  assert.deepEqual(decodeArgsJsonJson('[ "a" , "b" ]'), ['a', 'b']);
  // Long arguments take the one-call native path: still fastjson's text, character for character.
  const tricky = fc.constantFrom('"', '\\', '\u0000', '\u001f', '\n', '\u007f', '\u0085', '\u2028', 'é', '\ud83d\ude00', '\ud800', 'x'.repeat(40));
  const longText = fc.oneof(fc.string({ unit: 'binary', minLength: 48, maxLength: 300 }), fc.array(tricky, { minLength: 10, maxLength: 80 }).map((parts) => parts.join('')));
  fc.assert(
    fc.property(fc.array(fc.oneof(longText, fc.constantFrom('1', '"a"', 'null')), { minLength: 1, maxLength: 4 }), (list) => {
      const written = encodeArgsJsonJson(list);
      assert.equal(written, '[' + list.map(fastjsonQuote).join(',') + ']');
      assert.deepEqual(decodeArgsJsonJson(written), list);
    }),
    { numRuns: 1000 },
  );
  assert.deepEqual(decodeArgsJsonJson('["\\u0041\\n"]'), ['A\n']);
  assert.throws(() => decodeArgsJsonJson('["a",]'), /not JSON/);
  assert.throws(() => decodeArgsJsonJson('["a"]x'), /not JSON/);
});

test('byte[] arguments go into argsJsonJson and come out of it without a scan, as the general path writes and reads them', () => {
  const codec = codecFor(J.bytes);
  assert.equal(typeof codec.encodeContent, 'function');
  assert.equal(typeof codecFor(J.bytes.notNull()).encodeContent, 'function');
  assert.equal(codecFor(J.String).encodeContent, undefined);
  // A subclass may write anything: it does not inherit the promise.
  class HexBytes extends BytesType {}
  assert.equal(codecFor(new HexBytes('byte[]', true)).encodeContent, undefined);
  fc.assert(
    fc.property(fc.option(fc.uint8Array({ maxLength: 3000 })), (value) => {
      const text = codec.encode(value);
      const content = codec.encodeContent!(value);
      if (value === null) {
        assert.equal(content, null);
        return;
      }
      const written = literalArgsJsonJson(content!);
      assert.equal(written, encodeArgsJsonJson([text]));
      assert.equal(literalArgumentContent(written), content);
      assert.deepEqual(codec.decodeContent!(content!), codec.decode(decodeArgsJsonJson(written)[0]!));
    }),
    { numRuns: 500 },
  );
  assert.throws(() => codecFor(J.bytes.notNull()).encodeContent!(null), ValueError);
  assert.throws(() => codec.encodeContent!('not bytes'), ValueError);
});

test('a lone escape-free literal argument is cut out of argsJsonJson exactly as parsing reads it', () => {
  const piece = fc.constantFrom('A', 'b9+/', '=', '"', '\\', '\\"', ' ', 'é', '[', ']', ',');
  const text = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));
  fc.assert(
    fc.property(fc.array(fc.oneof(text, text.map((t) => JSON.stringify(t)), text.map((t) => '"' + t + '"')), { minLength: 1, maxLength: 3 }), (list) => {
      const written = encodeArgsJsonJson(list);
      const content = literalArgumentContent(written);
      if (content !== null) assert.deepEqual(['"' + content + '"'], decodeArgsJsonJson(written));
      // The one shape it is for is always found.
      if (list.length === 1 && /^"[^"\\]*"$/.test(list[0]!)) assert.equal(content, list[0]!.slice(1, -1));
    }),
    { numRuns: 2000 },
  );
  assert.equal(literalArgumentContent('["\\"QUJD\\""]'), 'QUJD');
  assert.equal(literalArgumentContent('["\\"QU\\"JD\\""]'), null);
  assert.equal(literalArgumentContent('["\\"QU\\\\JD\\""]'), null);
  assert.equal(literalArgumentContent('["\\"A\\"","\\"B\\""]'), null);
});

test('String arguments are quoted into argsJsonJson with no character check, to fastjson\'s text', () => {
  const codec = codecFor(J.String);
  assert.equal(codec.writesEscapedText, true);
  class Shouting extends StringType {}
  assert.notEqual(codecFor(new Shouting('java.lang.String', true)).writesEscapedText, true);
  const tricky = fc.constantFrom('"', '\\', '\u0000', '\u001f', '\n', '\u007f', '\u0085', '\u2028', 'é', '\ud83d\ude00', '\ud800', '\udc00', 'x'.repeat(30));
  const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(tricky, { maxLength: 60 }).map((parts) => parts.join('')));
  fc.assert(
    fc.property(text, (value) => {
      const written = codec.encode(value);
      assert.equal(escapedArgsJsonJson(written), '[' + fastjsonQuote(fastjsonQuote(value)) + ']');
    }),
    { numRuns: 2000 },
  );
});
