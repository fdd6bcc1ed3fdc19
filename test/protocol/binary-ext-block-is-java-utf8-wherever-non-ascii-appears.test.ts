import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { encodeCommand, RemotingCommand, SerializeType } from '../../src/index.js';

/** The ext block as Java's RocketMQSerializable writes it, built independently of the codec. */
function javaExtBlock(ext: Map<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of ext) {
    // Java's UTF-8 encoder writes an unpaired surrogate as '?'.
    const keyBytes = Buffer.from(key.toWellFormed().replace(/\uFFFD/g, (c, at: number) => (key[at] === c ? c : '?')), 'utf8');
    const valueBytes = Buffer.from(value.toWellFormed().replace(/\uFFFD/g, (c, at: number) => (value[at] === c ? c : '?')), 'utf8');
    const keyLength = Buffer.alloc(2);
    keyLength.writeInt16BE(keyBytes.length);
    const valueLength = Buffer.alloc(4);
    valueLength.writeInt32BE(valueBytes.length);
    parts.push(keyLength, keyBytes, valueLength, valueBytes);
  }
  return Buffer.concat(parts);
}

/** The ext block of a ROCKETMQ frame without remark: after the 25 bytes of fixed fields and lengths. */
function extBlockOf(frame: Buffer): Buffer {
  const headerLength = frame.readUInt32BE(4) & 0xffffff;
  return frame.subarray(8 + 21, 8 + headerLength);
}

test('an ext block that turns out not to be ASCII at its last character is written as Java UTF-8', () => {
  const ext = new Map([
    ['service', 'com.example.demo.GreetingService'],
    ['method', 'sayHello(java.lang.String)'],
    ['traceId', 'abc-\u00e9'],
  ]);
  const frame = encodeCommand(new RemotingCommand({ code: 1, extFields: ext }), SerializeType.ROCKETMQ);
  assert.deepEqual(extBlockOf(frame), javaExtBlock(ext));
});

test('any ext block is written byte for byte as Java writes it', () => {
  const text = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ maxLength: 10, unit: 'grapheme' }), fc.string({ maxLength: 10, unit: 'binary' }));
  fc.assert(
    fc.property(fc.uniqueArray(fc.tuple(text, text), { selector: ([key]) => key, maxLength: 6 }), (entries) => {
      const ext = new Map(entries);
      const frame = encodeCommand(new RemotingCommand({ code: 1, extFields: ext }), SerializeType.ROCKETMQ);
      assert.deepEqual(extBlockOf(frame), javaExtBlock(ext));
    }),
    { numRuns: 500 },
  );
});
