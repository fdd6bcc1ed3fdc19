import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCommand, FrameDecoder, RemotingCommand, SerializeType, type RemotingCommand as Command } from '../../src/index.js';

const MIB = 1024 * 1024;
const CHUNK = 64 * 1024;

/** Counts `Buffer.allocUnsafe` calls (and their sizes) while `run` runs. */
function countAllocations(run: () => void): number[] {
  const original = Buffer.allocUnsafe;
  const sizes: number[] = [];
  Buffer.allocUnsafe = (size: number) => {
    sizes.push(size);
    return original(size);
  };
  try {
    run();
  } finally {
    Buffer.allocUnsafe = original;
  }
  return sizes;
}

for (const type of [SerializeType.JSON, SerializeType.ROCKETMQ]) {
  test(`an 8 MiB body arriving in 64 KiB chunks is copied once, into one buffer (${type === SerializeType.JSON ? 'JSON' : 'ROCKETMQ'})`, () => {
    const body = Buffer.alloc(8 * MIB);
    for (let i = 0; i < body.length; i += 4096) body.writeUInt32BE(i, i);
    const frame = Buffer.from(encodeCommand(new RemotingCommand({ code: 1, opaque: 42, extFields: { k: 'v' }, body }), type));
    const decoder = new FrameDecoder();
    const seen: Command[] = [];
    const pending: number[] = [];
    const sizes = countAllocations(() => {
      for (let at = 0; at < frame.length; at += CHUNK) {
        decoder.push(frame.subarray(at, at + CHUNK), (command) => seen.push(command));
        pending.push(decoder.pendingBytes);
      }
    });
    assert.deepEqual(sizes, [frame.length], 'one allocation, of exactly the frame');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.opaque, 42);
    assert.ok(Buffer.from(seen[0]!.body!).equals(body), 'body intact');
    assert.equal(decoder.pendingBytes, 0, 'nothing left over');
    // While collecting, the decoder holds exactly the bytes received so far (the chunks, not copies).
    assert.deepEqual(pending.slice(0, -1), pending.slice(0, -1).map((_, i) => (i + 1) * CHUNK));
  });
}

test('a frame inside one chunk is decoded in place: no allocation, the body is a view of the chunk', () => {
  const frame = Buffer.from(encodeCommand(new RemotingCommand({ code: 1, opaque: 1, body: Buffer.from('payload') }), SerializeType.ROCKETMQ));
  let body: Uint8Array | null = null;
  const sizes = countAllocations(() => new FrameDecoder().push(frame, (command) => (body = command.body)));
  assert.deepEqual(sizes, []);
  assert.equal((body as Uint8Array | null)?.buffer, frame.buffer);
});
