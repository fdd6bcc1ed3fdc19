import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCommand, encodeCommand, FrameDecoder, RemotingCommand, SerializeType } from '../../src/protocol/index.js';

// Frames and bodies are views of the frame memory; users hold ordinary Buffers.
function checkIsBuffer(value: Uint8Array | null, expected: string): void {
  assert.ok(value !== null);
  assert.ok(Buffer.isBuffer(value));
  assert.ok(value instanceof Buffer);
  assert.equal(value.constructor, Buffer);
  assert.equal(Object.getPrototypeOf(value), Buffer.prototype);
  // What users write in their tests: strict deep equality compares prototypes too.
  assert.deepStrictEqual(value, Buffer.from(expected));
  const buffer = value as Buffer;
  assert.equal(buffer.toString('utf8'), expected);
  assert.ok(Buffer.isBuffer(buffer.subarray(1)));
  assert.ok(Buffer.isBuffer(buffer.slice(1)));
  assert.equal(Buffer.concat([buffer, buffer]).toString(), expected + expected);
  assert.equal(JSON.stringify(buffer), JSON.stringify(Buffer.from(expected)));
}

test('encoded frames and decoded bodies are Buffers that share the frame memory', () => {
  for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
    const frame = encodeCommand(new RemotingCommand({ code: 7, extFields: { a: 'b' }, body: Buffer.from('héllo') }), type);
    assert.ok(Buffer.isBuffer(frame));
    assert.equal(frame.constructor, Buffer);
    const decoded = decodeCommand(frame);
    checkIsBuffer(decoded.body, 'héllo');
    // A view, not a copy: the body's bytes are the frame's.
    assert.equal(decoded.body!.buffer, frame.buffer);
    assert.equal(decoded.body!.byteOffset + decoded.body!.length, frame.byteOffset + frame.length);
  }
});

test('the stream decoder hands out Buffer bodies for frames split across chunks and packed in one', () => {
  const frames = ['one', 'two', 'three'].map((text) => encodeCommand(new RemotingCommand({ code: 1, body: Buffer.from(text) }), SerializeType.ROCKETMQ));
  const stream = Buffer.concat(frames);
  const bodies: (Uint8Array | null)[] = [];
  const decoder = new FrameDecoder();
  decoder.push(stream.subarray(0, 5), (command) => bodies.push(command.body));
  decoder.push(stream.subarray(5), (command) => bodies.push(command.body));
  assert.equal(bodies.length, 3);
  bodies.forEach((body, i) => checkIsBuffer(body, ['one', 'two', 'three'][i]!));
});
