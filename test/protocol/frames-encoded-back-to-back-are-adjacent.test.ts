import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeCommand, encodeCommand, RemotingCommand, SerializeType } from '../../src/protocol/index.js';
import { encodeFrame } from '../../src/protocol/frame.js';
import { committedFrame } from '../../src/protocol/frame-slab.js';

function command(i: number, bodyLength = 20): RemotingCommand {
  return new RemotingCommand({ code: 1, opaque: i, extFields: { i: String(i) }, body: Buffer.alloc(bodyLength, i), serializeType: i % 2 === 0 ? SerializeType.JSON : SerializeType.ROCKETMQ });
}

test('frames encoded one after another lie back to back in memory, so a writer can send them as one view', () => {
  let last: { memory: Buffer; end: number } | null = null;
  let adjacent = 0;
  for (let i = 0; i < 50; i++) {
    encodeFrame(command(i));
    const { memory, start, end } = committedFrame;
    assert.equal(decodeCommand(memory.subarray(start, end)).opaque, i);
    // Without anything in between, each frame starts where the one before ended (a new slab
    // only when one fills up).
    if (last !== null && memory === last.memory) {
      assert.equal(start, last.end);
      adjacent++;
    }
    last = { memory, end };
  }
  assert.ok(adjacent >= 40, `only ${adjacent} of 49 frames were adjacent`);
  // encodeCommand is the same frame, as a Buffer of its own.
  encodeFrame(command(7));
  const { memory, start, end } = committedFrame;
  assert.deepEqual(encodeCommand(command(7)), Buffer.from(memory.subarray(start, end)));
});

test('a frame too big for the slab gets memory of its own, at most 4 KiB bigger than the frame', () => {
  encodeFrame(command(1, 20_000));
  const { memory, start, end } = committedFrame;
  assert.equal(start, 0);
  assert.ok(memory.length - end <= 4096);
  assert.equal(decodeCommand(memory.subarray(0, end)).body?.length, 20_000);
  assert.deepEqual(encodeCommand(command(1, 20_000)), memory.subarray(0, end));
});
