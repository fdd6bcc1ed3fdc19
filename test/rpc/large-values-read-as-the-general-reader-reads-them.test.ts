import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decodeArgsJsonJson, encodeArgsJsonJson, J, quoteJson, ValueError } from '../../src/index.js';
import { codecFor } from '../../src/rpc/value-codec.js';

/** What `byte[]` reading accepted before its fast path: whitespace dropped, the padded standard alphabet only. */
function referenceBytes(text: string): Buffer | 'refused' {
  const compact = text.replace(/\s+/g, '');
  if (compact.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return 'refused';
  return Buffer.from(compact, 'base64');
}

function readBytes(text: string): Buffer | 'refused' {
  try {
    return Buffer.from(J.bytes.read(text)!);
  } catch (error) {
    assert.ok(error instanceof ValueError);
    return 'refused';
  }
}

/** `byte[]` read through its codec from a JSON text (the literal is sliced out when it has no escapes). */
function decodeBytes(jsonText: string): Buffer | 'refused' {
  try {
    return Buffer.from(codecFor(J.bytes).decode(jsonText) as Uint8Array);
  } catch (error) {
    assert.ok(error instanceof ValueError);
    return 'refused';
  }
}

const base64Char = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split(''));
const junk = fc.constantFrom('=', '-', '_', ' ', '\n', '*', 'é', '==');

test('byte[] reading accepts and refuses exactly what the Base64 rules say, canonical or not', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.tuple(fc.nat(), junk), { maxLength: 3 }), (bytes, edits) => {
      const canonical = Buffer.from(bytes).toString('base64');
      assert.deepEqual(readBytes(canonical), Buffer.from(bytes));
      let edited = canonical;
      for (const [at, text] of edits) {
        const i = edited.length === 0 ? 0 : at % edited.length;
        edited = edited.slice(0, i) + text + edited.slice(i);
      }
      assert.deepEqual(readBytes(edited), referenceBytes(edited));
      // Through the codec: the escaped literal, and the raw one as fastjson also reads it.
      assert.deepEqual(decodeBytes(quoteJson(edited)), referenceBytes(edited));
      if (!/["\\]/.test(edited)) assert.deepEqual(decodeBytes('"' + edited + '"'), referenceBytes(edited));
    }),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(base64Char, junk), { maxLength: 200 }), (parts) => {
      const text = parts.join('');
      assert.deepEqual(readBytes(text), referenceBytes(text));
    }),
    { numRuns: 2000 },
  );
});

test('String arguments and results of any size read back as written, including what fastjson accepts beyond JSON', () => {
  const codec = codecFor(J.String);
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (value) => {
      assert.equal(codec.decode(codec.encode(value)), value);
      // Whatever the argument list's size, each text comes back as it was sent.
      const texts = [codec.encode(value), codec.encode(value.slice(0, 10)), '123'];
      assert.deepEqual(decodeArgsJsonJson(encodeArgsJsonJson(texts)), texts);
    }),
    { numRuns: 1000 },
  );
  // A raw control character inside the literal: invalid JSON, read by fastjson all the same.
  assert.equal(codec.decode('"tab\there' + 'x'.repeat(300) + '"'), 'tab\there' + 'x'.repeat(300));
  assert.equal(codec.decode(quoteJson('say "hi"' + 'x'.repeat(300))), 'say "hi"' + 'x'.repeat(300));
  assert.throws(() => codec.decode('"unterminated' + 'x'.repeat(300)), ValueError);
});
