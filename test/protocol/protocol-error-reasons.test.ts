import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeCommand,
  decodeJsonHeader,
  defineHeader,
  encodeCommand,
  FrameDecoder,
  ProtocolError,
  RemotingCommand,
  SerializeType,
  type ProtocolErrorReason,
} from '../../src/index.js';

/** Asserts `run` throws a ProtocolError with `reason` (and a message matching `message`, if given). */
function throwsReason(run: () => unknown, reason: ProtocolErrorReason, message?: RegExp): ProtocolError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ProtocolError, `expected a ProtocolError, got ${String(caught)}`);
  assert.equal(caught.reason, reason, caught.message);
  assert.equal(caught.code, 'PROTOCOL');
  if (message) assert.match(caught.message, message);
  return caught;
}

/** A frame with the given type byte and header; the length fields are consistent unless overridden. */
function frame(type: number, header: Uint8Array | string, body = '', lengthOverride?: number, headerLengthOverride?: number): Buffer {
  const headerBytes = typeof header === 'string' ? Buffer.from(header, 'utf8') : Buffer.from(header);
  const bodyBytes = Buffer.from(body, 'latin1');
  const out = Buffer.alloc(8 + headerBytes.length + bodyBytes.length);
  out.writeInt32BE(lengthOverride ?? 4 + headerBytes.length + bodyBytes.length, 0);
  out.writeUInt32BE(((type << 24) | (headerLengthOverride ?? headerBytes.length)) >>> 0, 4);
  headerBytes.copy(out, 8);
  bodyBytes.copy(out, 8 + headerBytes.length);
  return out;
}

/** The fixed 13 bytes of a ROCKETMQ header (code 1, JAVA, version 0, opaque 1, flag 0). */
const FIXED = Buffer.from('0001' + '00' + '0000' + '00000001' + '00000000', 'hex');
const int32 = (value: number): Buffer => {
  const out = Buffer.alloc(4);
  out.writeInt32BE(value);
  return out;
};
const int16 = (value: number): Buffer => {
  const out = Buffer.alloc(2);
  out.writeInt16BE(value);
  return out;
};
const binaryHeader = (...parts: Buffer[]): Buffer => Buffer.concat([FIXED, ...parts]);

/** Feeds `bytes` to a fresh FrameDecoder one byte at a time; returns the error and the byte count it took. */
function streamUntilError(bytes: Buffer, maxFrameLength?: number): { error: unknown; fed: number; decoder: FrameDecoder } {
  const decoder = new FrameDecoder(maxFrameLength === undefined ? {} : { maxFrameLength });
  for (let i = 0; i < bytes.length; i++) {
    try {
      decoder.push(bytes.subarray(i, i + 1), () => {});
    } catch (error) {
      return { error, fed: i + 1, decoder };
    }
  }
  return { error: null, fed: bytes.length, decoder };
}

// ---- frame level ----

test('NEGATIVE_LENGTH: a negative length field is refused by decodeCommand and by the stream decoder', () => {
  const bad = Buffer.from('ffffffff00000000', 'hex');
  throwsReason(() => decodeCommand(bad), 'NEGATIVE_LENGTH');
  const { error, fed } = streamUntilError(bad);
  assert.ok(error instanceof ProtocolError && error.reason === 'NEGATIVE_LENGTH');
  assert.equal(fed, 4);
});

test('FRAME_TOO_LARGE: the default limit is 16 MiB including the length field (length value 16777212 is the largest)', () => {
  const over = int32(16_777_213);
  const { error, fed, decoder } = streamUntilError(over);
  assert.ok(error instanceof ProtocolError && error.reason === 'FRAME_TOO_LARGE', String(error));
  assert.equal(fed, 4, 'refused as soon as the 4 length bytes are in');
  assert.equal(decoder.pendingBytes, 0, 'nothing kept');

  const largest = new FrameDecoder();
  largest.push(int32(16_777_212), () => assert.fail('no command yet'));
  assert.equal(largest.pendingBytes, 4, 'accepted; only the length bytes are held, no room is reserved for the body');

  throwsReason(() => decodeCommand(Buffer.concat([over, Buffer.alloc(8)])), 'FRAME_TOO_LARGE');
});

test('FRAME_TOO_LARGE: the limit is configurable with maxFrameLength', () => {
  const small = encodeCommand(new RemotingCommand({ code: 1, opaque: 1, body: Buffer.alloc(100) }), SerializeType.ROCKETMQ);
  throwsReason(() => decodeCommand(small, { maxFrameLength: small.length - 1 }), 'FRAME_TOO_LARGE', /exceeds the limit of/);
  assert.equal(decodeCommand(small, { maxFrameLength: small.length }).body!.length, 100);
  const { error, fed } = streamUntilError(small, 64);
  assert.ok(error instanceof ProtocolError && error.reason === 'FRAME_TOO_LARGE');
  assert.equal(fed, 4);
});

test('BAD_HEADER_LENGTH: a header length beyond length-4 is "decode error, bad header length: N"', () => {
  const bad = frame(1, binaryHeader(int32(0), int32(0)), '', undefined, 22); // header is 21 bytes
  throwsReason(() => decodeCommand(bad), 'BAD_HEADER_LENGTH', /^decode error, bad header length: 22$/);
  const { error } = streamUntilError(bad);
  assert.ok(error instanceof ProtocolError && error.message === 'decode error, bad header length: 22');
});

test('BAD_HEADER_LENGTH: a length too small for the header-length word, or a frame of another size than its length field', () => {
  throwsReason(() => decodeCommand(Buffer.from('00000002abcd', 'hex')), 'BAD_HEADER_LENGTH');
  throwsReason(() => decodeCommand(Buffer.from('0000', 'hex')), 'BAD_HEADER_LENGTH');
  const good = frame(0, '{"code":1}');
  throwsReason(() => decodeCommand(Buffer.concat([good, Buffer.from([0])])), 'BAD_HEADER_LENGTH');
  throwsReason(() => decodeCommand(good.subarray(0, good.length - 1)), 'BAD_HEADER_LENGTH');
});

test('UNKNOWN_SERIALIZE_TYPE: a type byte other than 0 or 1, when decoding and when encoding', () => {
  for (const type of [2, 0x7f, 0xff]) throwsReason(() => decodeCommand(frame(type, '{}')), 'UNKNOWN_SERIALIZE_TYPE', new RegExp(`${type}`));
  throwsReason(() => encodeCommand(new RemotingCommand({ code: 1, opaque: 1 }), 5 as SerializeType), 'UNKNOWN_SERIALIZE_TYPE');
});

// ---- JSON header ----

test('INVALID_UTF8: invalid UTF-8 anywhere in a JSON header', () => {
  const cases = [
    Buffer.concat([Buffer.from('{"code":1,"remark":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), // bad continuation
    Buffer.concat([Buffer.from('{"code":1,"extFields":{"k":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}}')]), // encoded surrogate
    Buffer.concat([Buffer.from('{"code":1,"x":"'), Buffer.from([0xff]), Buffer.from('"}')]), // in an unknown property
    Buffer.concat([Buffer.from('{"code":1}'), Buffer.from([0x80])]), // after the object
  ];
  for (const header of cases) throwsReason(() => decodeCommand(frame(0, header)), 'INVALID_UTF8', /JSON header/);
});

test('a genuine U+FFFD in a JSON header is text, not an error', () => {
  const decoded = decodeCommand(frame(0, '{"code":1,"remark":"\uFFFD"}'));
  assert.equal(decoded.remark, '\uFFFD');
});

test('MALFORMED_JSON: anything that is not one JSON object', () => {
  for (const header of ['', '{', '{"code":', '{"code":1', '{"code":1,}', '{code:1}', "{'code':1}", '{"code":1}x', '[1]', '"x"', '{"code":01}', '{"code":1 "flag":0}', '{"remark":"\\x"}', '{"remark":"\\u12"}', '{"a":tru}', '{"extFields":{"k"}}']) {
    throwsReason(() => decodeCommand(frame(0, header)), 'MALFORMED_JSON');
  }
});

test('BAD_HEADER: a known JSON property of the wrong type', () => {
  for (const [header, field] of [
    ['{"code":"abc"}', 'code'],
    ['{"code":2147483648}', 'code'],
    ['{"opaque":1.5}', 'opaque'],
    ['{"flag":true}', 'flag'],
    ['{"version":[]}', 'version'],
    ['{"language":{}}', 'language'],
    ['{"language":99}', 'language'],
    ['{"remark":{}}', 'remark'],
    ['{"extFields":[]}', 'extFields'],
  ] as const) {
    const error = throwsReason(() => decodeCommand(frame(0, header)), 'BAD_HEADER');
    assert.equal(error.field, field);
  }
});

test('a malformed JSON header is reported as such even when a known property also has the wrong type', () => {
  throwsReason(() => decodeJsonHeader('{"code":"abc",}'), 'MALFORMED_JSON');
});

// ---- ROCKETMQ header ----

test('BAD_HEADER: a ROCKETMQ header shorter than its 21 fixed bytes', () => {
  for (let length = 0; length < 21; length++) {
    throwsReason(() => decodeCommand(frame(1, Buffer.alloc(length))), 'BAD_HEADER', /shorter than the minimum 21/);
  }
});

test('BAD_HEADER: ROCKETMQ string and ext-block lengths that do not fit the header', () => {
  const cases = [
    binaryHeader(int32(1), int32(0)), // remark length 1, but the ext length follows at once
    binaryHeader(int32(-1), int32(0)), // negative remark length
    binaryHeader(int32(0), int32(7)), // ext block longer than the header
    binaryHeader(int32(0), int32(-3)), // negative ext block length
    binaryHeader(int32(0), int32(1), Buffer.from([0])), // ext block too short for a key length
    binaryHeader(int32(0), int32(4), int16(5), Buffer.from('ab')), // key longer than the block
    binaryHeader(int32(0), int32(5), int16(1), Buffer.from('a'), Buffer.from([0, 0])), // no room for the value length
    binaryHeader(int32(0), int32(9), int16(1), Buffer.from('a'), int32(9), Buffer.from('bb')), // value longer than the block
    binaryHeader(int32(0), int32(7), int16(1), Buffer.from('a'), int32(-1)), // negative value length
    binaryHeader(int32(0), int32(0), Buffer.from([1, 2])), // bytes after the ext block
  ];
  for (const header of cases) throwsReason(() => decodeCommand(frame(1, header)), 'BAD_HEADER');
});

test('INVALID_UTF8: invalid UTF-8 in a ROCKETMQ remark, ext key or ext value', () => {
  const bad = Buffer.from([0x61, 0xc0, 0xaf]); // overlong encoding of '/'
  const cases = [
    binaryHeader(int32(3), bad, int32(0)),
    binaryHeader(int32(0), int32(2 + 3 + 4 + 1), int16(3), bad, int32(1), Buffer.from('v')),
    binaryHeader(int32(0), int32(2 + 1 + 4 + 3), int16(1), Buffer.from('k'), int32(3), bad),
  ];
  for (const header of cases) throwsReason(() => decodeCommand(frame(1, header)), 'INVALID_UTF8');
});

// ---- encoding ----

test('VALUE_OUT_OF_RANGE: values a header cannot carry are refused rather than corrupted', () => {
  const make = (init: Partial<RemotingCommand>): RemotingCommand => Object.assign(new RemotingCommand({ code: 1, opaque: 1 }), init);
  throwsReason(() => encodeCommand(make({ code: 32768 }), SerializeType.ROCKETMQ), 'VALUE_OUT_OF_RANGE', /code 32768/);
  throwsReason(() => encodeCommand(make({ version: -32769 }), SerializeType.ROCKETMQ), 'VALUE_OUT_OF_RANGE', /version/);
  throwsReason(() => encodeCommand(make({ opaque: 2 ** 31 }), SerializeType.JSON), 'VALUE_OUT_OF_RANGE', /opaque/);
  throwsReason(() => encodeCommand(make({ flag: 1.5 }), SerializeType.ROCKETMQ), 'VALUE_OUT_OF_RANGE', /flag/);
  throwsReason(() => encodeCommand(make({ code: Number.NaN }), SerializeType.JSON), 'VALUE_OUT_OF_RANGE');
  throwsReason(() => encodeCommand(make({ extFields: new Map([['k'.repeat(32768), 'v']]) }), SerializeType.ROCKETMQ), 'VALUE_OUT_OF_RANGE', /16-bit key length/);
  // The same values are fine where the header has room for them.
  assert.equal(decodeCommand(encodeCommand(make({ code: 32768 }), SerializeType.JSON)).code, 32768);
  assert.equal(decodeCommand(encodeCommand(make({ extFields: new Map([['k'.repeat(32767), 'v']]) }), SerializeType.ROCKETMQ)).extFields!.size, 1);
});

test('BAD_HEADER: an ext entry that is not string → string is refused when encoding', () => {
  const command = new RemotingCommand({ code: 1, opaque: 1, extFields: new Map([['n', 5 as unknown as string]]) });
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) throwsReason(() => encodeCommand(command, type), 'BAD_HEADER');
});

// ---- custom headers ----

test('MISSING_FIELD and BAD_FIELD: custom header fields, named in the error', () => {
  const header = defineHeader({ topic: { kind: 'string', notNull: true }, queueId: 'int' });
  const missing = throwsReason(() => header.encode({ queueId: 1 } as never), 'MISSING_FIELD', /the custom field topic is null/);
  assert.equal(missing.field, 'topic');
  const strictMissing = throwsReason(() => header.decode(new Map([['queueId', '1']]), { strict: true }), 'MISSING_FIELD');
  assert.equal(strictMissing.field, 'topic');
  const bad = throwsReason(() => header.decode(new Map([['topic', 't'], ['queueId', 'x']]), { strict: true }), 'BAD_FIELD');
  assert.equal(bad.field, 'queueId');
  throwsReason(() => header.encode({ topic: 't', queueId: 1.5 }), 'BAD_FIELD');
});

// ---- the stream after an error ----

test('after a ProtocolError the stream decoder keeps throwing that error, even for valid input', () => {
  const decoder = new FrameDecoder();
  const good = encodeCommand(new RemotingCommand({ code: 1, opaque: 1 }), SerializeType.JSON);
  let seen = 0;
  decoder.push(good, () => seen++);
  const first = throwsReason(() => decoder.push(frame(9, '{}'), () => seen++), 'UNKNOWN_SERIALIZE_TYPE');
  for (let i = 0; i < 3; i++) {
    assert.throws(() => decoder.push(good, () => seen++), (error) => error === first);
  }
  assert.throws(() => decoder.push(Buffer.alloc(0), () => seen++), (error) => error === first);
  assert.equal(seen, 1);
  assert.equal(decoder.pendingBytes, 0);
});

test('an exception from the callback is not a stream failure: the next push carries on from the next frame', () => {
  const frames = [1, 2, 3, 4].map((opaque) => encodeCommand(new RemotingCommand({ code: 1, opaque }), SerializeType.ROCKETMQ));
  const decoder = new FrameDecoder();
  const seen: number[] = [];
  const boom = new ProtocolError('BAD_FIELD', 'thrown by the application');
  assert.throws(
    () =>
      decoder.push(Buffer.concat(frames), (command) => {
        seen.push(command.opaque);
        if (command.opaque === 2) throw boom;
      }),
    (error) => error === boom,
  );
  decoder.push(Buffer.alloc(0), () => {});
  decoder.push(Buffer.from(frames[0]!), (command) => seen.push(command.opaque));
  assert.deepEqual(seen, [1, 2, 3, 4, 1]);
  assert.equal(decoder.pendingBytes, 0);
});
