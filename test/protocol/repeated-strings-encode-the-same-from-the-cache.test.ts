import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { EncodedStringCache } from '../../src/protocol/encoded-string-cache.js';
import { encodeCommand, RemotingCommand, SerializeType } from '../../src/index.js';
import { extBlockOf, headerOf, javaExtBlock, javaJsonHeader } from './reference-encoding.js';

/**
 * A pool small enough that strings repeat and share slots: same lengths with the same first and
 * last characters, escapes, non-ASCII and surrogates.
 */
const pooledText = fc.constantFrom(
  'service',
  'method',
  'traceId',
  'com.example.demo.GreetingService',
  'com.example.demo.GreetingServicf'.replace('f', 'e'),
  'cXm.example.demo.GreetingService',
  'sayHello(java.lang.String,int)x',
  'quote " and \\ backslash',
  'tab\there',
  'naïve café',
  '\uD83D\uDE00 smile',
  'lone \uD800 surrogate',
  '',
  'a',
  'x'.repeat(256),
  'x'.repeat(257),
);

test('commands built from repeating strings are written as Java writes them, cached or not', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(pooledText, pooledText), { selector: ([key]) => key, maxLength: 5 }),
      fc.option(pooledText),
      (entries, remark) => {
        const ext = new Map(entries);
        const command = new RemotingCommand({ code: 7, opaque: 1, extFields: ext, remark });
        const json = encodeCommand(command, SerializeType.JSON);
        assert.deepEqual(headerOf(json), javaJsonHeader(7, 1, ext, remark));
        command.remark = null;
        const binary = encodeCommand(command, SerializeType.ROCKETMQ);
        assert.deepEqual(extBlockOf(binary), javaExtBlock(ext));
      },
    ),
    { numRuns: 3000 },
  );
});

test('the cache keeps a string that repeats between one-off strings in its slot', () => {
  const cache = new EncodedStringCache(1, 64); // one slot: every string collides
  const target = new Uint8Array(64);
  const encode = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
  const offer = (text: string): void => {
    target.set(encode(text));
    cache.offer(text, target, 0, text.length);
  };
  offer('repeated');
  assert.equal(cache.copy('repeated', target, 0), -1, 'cached only when it misses twice in a row');
  offer('repeated');
  for (let i = 0; i < 10; i++) {
    assert.equal(cache.copy('repeated', target, 0), 'repeated'.length);
    offer(`one-off-${i}`);
  }
  assert.equal(cache.copy('one-off-9', target, 0), -1);
  target.fill(0);
  assert.equal(cache.copy('repeated', target, 0), 8);
  assert.deepEqual(target.subarray(0, 8), encode('repeated'));
});
