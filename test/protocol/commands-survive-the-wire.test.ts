import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeCommand, encodeCommand, RemotingCommand, SerializeType } from '../../src/index.js';
import { anyCommandCase, commandFor, expectedAfterWire, observed } from './arbitraries.js';

const RUNS = { numRuns: 1000 };

test('any command round-trips through the JSON header, up to the documented normalisations', () => {
  fc.assert(
    fc.property(commandFor(SerializeType.JSON), (command) => {
      const decoded = decodeCommand(encodeCommand(command, SerializeType.JSON));
      assert.deepStrictEqual(observed(decoded), expectedAfterWire(command, SerializeType.JSON));
    }),
    RUNS,
  );
});

test('any command round-trips through the ROCKETMQ header, up to the documented normalisations', () => {
  fc.assert(
    fc.property(commandFor(SerializeType.ROCKETMQ), (command) => {
      const decoded = decodeCommand(encodeCommand(command, SerializeType.ROCKETMQ));
      assert.deepStrictEqual(observed(decoded), expectedAfterWire(command, SerializeType.ROCKETMQ));
    }),
    RUNS,
  );
});

test('re-encoding a decoded frame reproduces its bytes exactly', () => {
  fc.assert(
    fc.property(anyCommandCase, ({ command, serializeType }) => {
      const frame = encodeCommand(command, serializeType);
      assert.equal(encodeCommand(decodeCommand(frame)).toString('hex'), frame.toString('hex'));
    }),
    RUNS,
  );
});

test('the JSON header is JSON that JSON.parse reads as the same fields', () => {
  fc.assert(
    fc.property(commandFor(SerializeType.JSON), (command) => {
      const frame = encodeCommand(command, SerializeType.JSON);
      const headerLength = frame.readUInt32BE(4) & 0xffffff;
      const parsed = JSON.parse(frame.toString('utf8', 8, 8 + headerLength)) as Record<string, unknown>;
      const expected = expectedAfterWire(command, SerializeType.JSON);
      assert.equal(parsed.code, expected.code);
      assert.equal(parsed.opaque, expected.opaque);
      assert.equal(parsed.flag, expected.flag);
      assert.equal(parsed.version, expected.version);
      assert.equal(parsed.language, expected.language);
      assert.equal(parsed.serializeTypeCurrentRPC, 'JSON');
      assert.equal(parsed.remark, expected.remark ?? undefined);
      assert.deepStrictEqual(parsed.extFields === undefined ? null : new Map(Object.entries(parsed.extFields as object)), expected.ext === null ? null : new Map(expected.ext));
    }),
    RUNS,
  );
});

test('the JSON header lists its properties in fastjson order, without the null ones', () => {
  const command = new RemotingCommand({ code: 7, opaque: 9, remark: 'r', extFields: { b: '1', a: '2' } });
  const frame = encodeCommand(command, SerializeType.JSON);
  assert.equal(
    frame.toString('utf8', 8),
    '{"code":7,"extFields":{"b":"1","a":"2"},"flag":0,"language":"JAVA","opaque":9,"remark":"r","serializeTypeCurrentRPC":"JSON","version":0}',
  );
  const bare = encodeCommand(new RemotingCommand({ code: 7, opaque: 9, language: null }), SerializeType.JSON);
  assert.equal(bare.toString('utf8', 8), '{"code":7,"flag":0,"opaque":9,"serializeTypeCurrentRPC":"JSON","version":0}');
});

test('integer-like ext keys keep their wire order in both header types', () => {
  const command = new RemotingCommand({ code: 1, opaque: 1, extFields: new Map([['b', 'x'], ['2', 'y'], ['1', 'z'], ['__proto__', 'p']]) });
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    const decoded = decodeCommand(encodeCommand(command, type));
    assert.deepStrictEqual([...decoded.extFields!.keys()], ['b', '2', '1', '__proto__']);
  }
});

test('normalisations: empty remark and ext map vanish only in ROCKETMQ; an empty body vanishes in both', () => {
  const command = new RemotingCommand({ code: 1, opaque: 1, remark: '', extFields: new Map(), body: new Uint8Array(0) });
  const json = decodeCommand(encodeCommand(command, SerializeType.JSON));
  assert.equal(json.remark, '');
  assert.deepStrictEqual(json.extFields, new Map());
  assert.equal(json.body, null);
  const binary = decodeCommand(encodeCommand(command, SerializeType.ROCKETMQ));
  assert.equal(binary.remark, null);
  assert.equal(binary.extFields, null);
  assert.equal(binary.body, null);
});

test('normalisations: an unpaired surrogate is written as ? like Java, a pair survives', () => {
  const command = new RemotingCommand({ code: 1, opaque: 1, remark: 'a\uD800b\uDC00c😀', extFields: { ['k\uDBFF']: 'v\uDFFF' } });
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    const decoded = decodeCommand(encodeCommand(command, type));
    assert.equal(decoded.remark, 'a?b?c😀');
    assert.deepStrictEqual([...decoded.extFields!], [['k?', 'v?']]);
  }
});

test('normalisations: a zero-length ROCKETMQ ext value is read as an empty string (Java reads null)', () => {
  const decoded = decodeCommand(encodeCommand(new RemotingCommand({ code: 1, opaque: 1, extFields: { k: '' } }), SerializeType.ROCKETMQ));
  assert.deepStrictEqual([...decoded.extFields!], [['k', '']]);
});

test('frames from the slab are independent: encoding more frames never changes an earlier one', () => {
  fc.assert(
    fc.property(fc.array(anyCommandCase, { minLength: 2, maxLength: 40 }), (cases) => {
      const frames = cases.map(({ command, serializeType }) => encodeCommand(command, serializeType));
      const copies = frames.map((frame) => Buffer.from(frame).toString('hex'));
      for (let i = 0; i < 200; i++) encodeCommand(cases[i % cases.length]!.command, cases[i % cases.length]!.serializeType);
      assert.deepStrictEqual(frames.map((frame) => frame.toString('hex')), copies);
    }),
    { numRuns: 50 },
  );
});

test('large frames get their own allocation, never pinning much more memory than they use', () => {
  const remark = 'r'.repeat(20_000); // bound 3 bytes per character, 1 written
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    for (const body of [null, Buffer.alloc(100_000, 7)]) {
      const frame = encodeCommand(new RemotingCommand({ code: 1, opaque: 1, remark, body }), type);
      assert.ok(frame.buffer.byteLength - frame.length <= 4096, `${frame.buffer.byteLength} bytes held for a ${frame.length}-byte frame`);
      const decoded = decodeCommand(frame);
      assert.equal(decoded.remark, remark);
      assert.deepStrictEqual(decoded.body === null ? null : Buffer.from(decoded.body), body);
    }
  }
});

test('frames of any size around the slab room encode and decode (header and body sizes near 8 KiB)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: 10_000 }),
      fc.constantFrom('a', 'é', '中', '😀', '"', '\u0001'),
      fc.constantFrom(SerializeType.JSON, SerializeType.ROCKETMQ),
      (remarkLength, bodyLength, unit, type) => {
        const remark = unit.repeat(Math.ceil(remarkLength / unit.length));
        const command = new RemotingCommand({ code: 1, opaque: 1, remark, extFields: { k: remark.slice(0, 100) }, body: Buffer.alloc(bodyLength, 1) });
        const decoded = decodeCommand(encodeCommand(command, type));
        assert.equal(decoded.remark, remark === '' && type === SerializeType.ROCKETMQ ? null : remark);
        assert.equal(decoded.body === null ? 0 : decoded.body.length, bodyLength);
      },
    ),
    { numRuns: 300 },
  );
});
