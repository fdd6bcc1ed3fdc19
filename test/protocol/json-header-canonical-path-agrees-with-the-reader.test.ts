import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeJsonHeader, RemotingCommand, SerializeType } from '../../src/index.js';
import { readBareJsonHeader, readCanonicalJsonHeader } from '../../src/protocol/json-header-canonical.js';
import { readJsonHeaderText } from '../../src/protocol/json-header-reader.js';
import { commandFor } from './arbitraries.js';

/** The canonical path on an ASCII header (its precondition), or undefined when the text is not ASCII. */
function canonical(text: string): ReturnType<typeof readCanonicalJsonHeader> | undefined {
  const bytes = Buffer.from(text, 'utf8');
  return bytes.length === text.length ? readCanonicalJsonHeader(bytes, 0, text) : undefined;
}

// Strings full of what needs escaping: quotes, backslashes, controls, and text that looks like escapes.
const escapeHeavy = fc.array(fc.constantFrom('"', '\\', '\\"', '\\\\', '\n', '\u0001', '\u007f', '\\u0041', 'a', '/', ' ', 'é'), { maxLength: 12 }).map((parts) => parts.join(''));

test('whenever the canonical path answers, it answers exactly what the character reader answers', () => {
  fc.assert(
    fc.property(commandFor(SerializeType.JSON), (command: RemotingCommand) => {
      const text = encodeJsonHeader(command);
      const fast = canonical(text);
      if (fast !== undefined && fast !== null) assert.deepEqual(fast, readJsonHeaderText(text));
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(escapeHeavy, escapeHeavy), { maxLength: 4 }), escapeHeavy, (entries, remark) => {
      const text = encodeJsonHeader(new RemotingCommand({ code: 3, opaque: 9, remark, extFields: new Map(entries) }));
      const fast = canonical(text);
      if (fast !== undefined && fast !== null) assert.deepEqual(fast, readJsonHeaderText(text));
    }),
    { numRuns: 500 },
  );
});

test('the canonical path reads seed RPC requests, whose argsJsonJson is escaped, and an escaped remark', () => {
  const command = new RemotingCommand({
    code: 0,
    opaque: 6,
    remark: 'bad "input" at C:\\temp',
    extFields: { interfaceName: 'a.B', methodName: 'public abstract void a.B.m(java.lang.String,int)', argsJsonJson: '["\\"x\\"","12"]', trace: 'tail\\' },
  });
  const text = encodeJsonHeader(command);
  const fast = canonical(text);
  assert.ok(fast !== null && fast !== undefined, 'the canonical path should take this header');
  assert.deepEqual(fast, readJsonHeaderText(text));
  assert.equal(fast.extFields?.get('argsJsonJson'), '["\\"x\\"","12"]');
  assert.equal(fast.extFields?.get('trace'), 'tail\\');
  assert.equal(fast.remark, 'bad "input" at C:\\temp');
});

test('raw control characters next to escapes are left to the reader (fastjson accepts them, JSON.parse does not)', () => {
  const text = '{"code":1,"extFields":{"k":"a\\"\u0001"},"flag":0,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":0}';
  assert.equal(canonical(text), null);
  assert.equal(readJsonHeaderText(text).extFields?.get('k'), 'a"\u0001');
});

test('headers without ext fields or remark are read from the bytes alone, exactly as the reader reads them', () => {
  const int32 = fc.integer({ min: -0x80000000, max: 0x7fffffff });
  fc.assert(
    fc.property(int32, int32, int32, int32, fc.uint8Array({ maxLength: 8 }), (code, opaque, flag, version, body) => {
      const command = new RemotingCommand({ code, opaque, flag, version });
      const text = encodeJsonHeader(command);
      // The header followed by body bytes, which must not be taken for part of it.
      const bytes = Buffer.concat([Buffer.from(text), body]);
      assert.deepEqual(readBareJsonHeader(bytes, 0, text.length), readJsonHeaderText(text));
    }),
    { numRuns: 300 },
  );
  const withExt = encodeJsonHeader(new RemotingCommand({ code: 1, opaque: 2, extFields: { a: 'b' } }));
  const withRemark = encodeJsonHeader(new RemotingCommand({ code: 1, opaque: 2, remark: 'x' }));
  const otherLanguage = encodeJsonHeader(new RemotingCommand({ code: 1, opaque: 2, language: 'CPP' }));
  for (const text of [withExt, withRemark, otherLanguage]) assert.equal(readBareJsonHeader(Buffer.from(text), 0, text.length), null, text);
  // A header cut short, whose digits would run on into the body, is not taken either.
  const whole = encodeJsonHeader(new RemotingCommand({ code: 1, opaque: 2 }));
  assert.equal(readBareJsonHeader(Buffer.from(whole + '7}'), 0, whole.length - 1), null);
});
