import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeJsonHeader, RemotingCommand } from '../../src/index.js';
import { readJsonHeaderNatively } from '../../src/protocol/json-header-native.js';
import { readJsonHeaderText } from '../../src/protocol/json-header-reader.js';
import { commandFor } from './arbitraries.js';
import { SerializeType } from '../../src/index.js';

function readerResult(text: string): unknown {
  try {
    return { ok: readJsonHeaderText(text) };
  } catch (error) {
    return { error: (error as Error).constructor.name };
  }
}

test('whenever the native JSON.parse path answers, it answers exactly what the character reader answers', () => {
  fc.assert(
    fc.property(commandFor(SerializeType.JSON), (command: RemotingCommand) => {
      const text = encodeJsonHeader(command);
      const native = readJsonHeaderNatively(text);
      if (native !== null) assert.deepEqual({ ok: native }, readerResult(text));
    }),
    { numRuns: 500 },
  );
});

test('headers the native path must leave to the reader: array-index ext keys, raw controls, non-string values, odd types, malformed', () => {
  const cases = [
    '{"code":1,"extFields":{"b":"x","1":"y"},"flag":0,"opaque":1}', // JSON.parse would reorder "1" first
    '{"code":1,"extFields":{"k":"a\u0001b"},"flag":0,"opaque":1}', // raw control character: fastjson accepts
    '{"code":1,"extFields":{"n":12345678901234567890},"flag":0,"opaque":1}', // kept as exact text by the reader
    '{"code":"7","flag":0,"opaque":1}', // a number given as a string
    '{"code":1,"remark":true,"flag":0,"opaque":1}',
    '{"code":1,',
  ];
  for (const text of cases) assert.equal(readJsonHeaderNatively(text), null, text);
  assert.deepEqual([...readJsonHeaderText(cases[0]!).extFields!.keys()], ['b', '1']);
});

test('the native path reads an escaped argsJsonJson request header (the seed RPC case it exists for)', () => {
  const command = new RemotingCommand({ code: 0, opaque: 6, extFields: { interfaceName: 'a.B', methodName: 'public abstract void a.B.m(java.lang.String)', argsJsonJson: '["\\"x\\""]' } });
  const text = encodeJsonHeader(command);
  assert.deepEqual(readJsonHeaderNatively(text), readJsonHeaderText(text));
  assert.equal(readJsonHeaderNatively(text)?.extFields?.get('argsJsonJson'), '["\\"x\\""]');
});
