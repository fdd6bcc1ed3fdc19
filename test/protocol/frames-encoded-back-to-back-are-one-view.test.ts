import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCommand, RemotingCommand, SerializeType } from '../../src/protocol/index.js';
import { adjacentFrames } from '../../src/protocol/frame-slab.js';

function frame(i: number, bodyLength = 20): Buffer {
  return encodeCommand(new RemotingCommand({ code: 1, opaque: i, extFields: { i: String(i) }, body: Buffer.alloc(bodyLength, i) }), i % 2 === 0 ? SerializeType.JSON : SerializeType.ROCKETMQ);
}

test('frames encoded one after another are one view of the same bytes (a channel writes them without copying)', () => {
  const frames = Array.from({ length: 50 }, (_, i) => frame(i));
  // The slab may fill up on the way (a new one then starts): take the run in the same memory.
  const runs = new Map<ArrayBufferLike, Buffer[]>();
  for (const f of frames) runs.set(f.buffer, [...(runs.get(f.buffer) ?? []), f]);
  assert.ok(runs.size <= 2);
  const run = [...runs.values()].sort((x, y) => y.length - x.length)[0]!;
  assert.ok(run.length >= 25);
  const total = run.reduce((sum, f) => sum + f.length, 0);
  const joined = adjacentFrames(run, total);
  assert.ok(joined !== null);
  assert.ok(Buffer.isBuffer(joined));
  assert.deepEqual(joined, Buffer.concat(run));
});

test('frames that are not adjacent (another frame in between, or a big frame in its own memory) are not joined', () => {
  const a = frame(1);
  frame(2); // written between a and b, not queued with them
  const b = frame(3);
  assert.equal(adjacentFrames([a, b], a.length + b.length), null);
  const c = frame(4);
  const big = frame(5, 20_000);
  assert.equal(adjacentFrames([c, big], c.length + big.length), null);
});
