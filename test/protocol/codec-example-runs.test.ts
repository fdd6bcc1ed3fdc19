import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../examples/codec-roundtrip.js';

test('the codec example (docs/codec.md) runs and prints what the doc shows', () => {
  const lines: string[] = [];
  main((line) => lines.push(line));
  assert.deepEqual(lines, [
    'JSON frame: 200 bytes, header {"code":11,"extFields":{"topic":"TopicTest","queueId":"3","offset":"9007199254740993","suspend":"true"},"flag":0,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":0}',
    'ROCKETMQ frame: 113 bytes',
    'JSON: code 11, topic TopicTest, queue 3, offset 9007199254740993, suspend true, body hello',
    'ROCKETMQ: code 11, topic TopicTest, queue 3, offset 9007199254740993, suspend true, body hello',
    'decodeCommand: opaque 1',
  ]);
});
