import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { murmur3, murmur3Bytes, ringPoints } from '../../src/balance/hash.js';

// Published MurmurHash3 x86_32 answers (the reference implementation's, as quoted with it).
const VECTORS: [string, number, number][] = [
  ['', 0, 0],
  ['', 1, 0x514e28b7],
  ['test', 0, 0xba6bd213],
  ['test', 0x9747b28c, 0x704b81dc],
  ['Hello, world!', 0x9747b28c, 0x24884cba],
  ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
  ['a', 0x9747b28c, 0x7fa09ea6],
  ['abc', 0x9747b28c, 0xc84a62dd],
  ['aaaa', 0x9747b28c, 0x5a97808a],
  ['ππππππππ', 0x9747b28c, 0xd58063c1],
];

test('murmur3 gives the reference answers, over UTF-8 bytes', () => {
  for (const [text, seed, expected] of VECTORS) {
    assert.equal(murmur3(text, seed), expected, `${JSON.stringify(text)} seed ${seed.toString(16)}`);
    assert.equal(murmur3Bytes(Buffer.from(text, 'utf8'), undefined, seed), expected);
  }
});

test('murmur3 handles keys longer than its scratch buffer', () => {
  const long = 'x'.repeat(10_000) + '☃';
  assert.equal(murmur3(long), murmur3Bytes(Buffer.from(long, 'utf8')));
  assert.equal(murmur3('short'), murmur3Bytes(Buffer.from('short')));
});

test('ring points are four per md5 digest, little-endian, and depend only on the id', () => {
  const a = new Uint32Array(6);
  const b = new Uint32Array(6);
  ringPoints('10.0.0.1:20880', 6, a);
  ringPoints('10.0.0.1:20880', 6, b);
  assert.deepEqual(a, b);
  const digest = createHash('md5').update('10.0.0.1:20880#0').digest();
  assert.equal(a[0], digest.readUInt32LE(0));
  assert.equal(a[3], digest.readUInt32LE(12));
  const second = createHash('md5').update('10.0.0.1:20880#1').digest();
  assert.equal(a[4], second.readUInt32LE(0));
});
