import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cachedExtKey, rememberExtKey } from '../../src/protocol/ext-key-cache.js';
import { decodeCommand, encodeCommand, RemotingCommand, SerializeType } from '../../src/index.js';

test('the key cache returns a key only for its exact bytes, whatever collides or is too long', () => {
  const key = fc.oneof(
    fc.constantFrom('service', 'method', 'traceId', 'a', 'b', 'ab', 'ba', 'x'.repeat(32), 'x'.repeat(33), 'é', 'e'),
    fc.string({ maxLength: 40 }),
    fc.string({ maxLength: 8, unit: 'grapheme' }),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(key, fc.nat(7)), { maxLength: 200 }), (keys) => {
      for (const [text, offset] of keys) {
        const encoded = Buffer.from(text, 'utf8');
        const bytes = Buffer.alloc(offset + encoded.length + 3, 0x7a);
        encoded.copy(bytes, offset);
        const hit = cachedExtKey(bytes, offset, encoded.length);
        if (hit !== undefined) assert.equal(hit, text);
        assert.equal(rememberExtKey(bytes, offset, encoded.length, text), text);
        if (encoded.length > 0 && encoded.length <= 32) assert.equal(cachedExtKey(bytes, offset, encoded.length), text);
      }
    }),
  );
});

test('frames with more distinct ext keys than the cache holds decode to their own keys', () => {
  for (const type of [SerializeType.ROCKETMQ, SerializeType.JSON]) {
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 300; i++) {
        const ext = new Map([
          [`k${i}`, `v${i}`],
          [`key-${i % 7}`, 'same'],
          [`${'long'.repeat(10)}${i}`, 'x'],
        ]);
        const decoded = decodeCommand(encodeCommand(new RemotingCommand({ code: 1, extFields: ext }), type));
        assert.deepEqual(decoded.extFields, ext);
      }
    }
  }
});
