import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeCommand, RemotingCommand, SerializeType } from '../../src/index.js';
import { extBlockOf, javaExtBlock } from './reference-encoding.js';

test('an ext block that turns out not to be ASCII at its last character is written as Java UTF-8', () => {
  const long = 'x'.repeat(60);
  for (const last of ['\u00e9', '\uD83D\uDE00', '\uD800', '\u4e2d']) {
    const ext = new Map([['service', long + last], ['k', 'v']]);
    const frame = encodeCommand(new RemotingCommand({ code: 1, extFields: ext }), SerializeType.ROCKETMQ);
    assert.deepEqual(extBlockOf(frame), javaExtBlock(ext), JSON.stringify(last));
  }
  const ext = new Map([
    ['service', 'com.example.demo.GreetingService'],
    ['method', 'sayHello(java.lang.String)'],
    ['traceId', 'abc-\u00e9'],
  ]);
  const frame = encodeCommand(new RemotingCommand({ code: 1, extFields: ext }), SerializeType.ROCKETMQ);
  assert.deepEqual(extBlockOf(frame), javaExtBlock(ext));
});

test('any ext block is written byte for byte as Java writes it', () => {
  // Short strings go through the JS loop, long ones (48 units and more) through Node's encoder.
  const text = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ maxLength: 10, unit: 'grapheme' }),
    fc.string({ maxLength: 10, unit: 'binary' }),
    fc.string({ minLength: 40, maxLength: 120 }),
    fc.tuple(fc.string({ minLength: 47, maxLength: 90 }), fc.string({ minLength: 1, maxLength: 3, unit: 'binary' })).map(([ascii, tail]) => ascii + tail),
  );
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(text, text), { selector: ([key]) => key, maxLength: 6 }), (entries) => {
      const ext = new Map(entries);
      const frame = encodeCommand(new RemotingCommand({ code: 1, extFields: ext }), SerializeType.ROCKETMQ);
      assert.deepEqual(extBlockOf(frame), javaExtBlock(ext));
    }),
    { numRuns: 500 },
  );
});
