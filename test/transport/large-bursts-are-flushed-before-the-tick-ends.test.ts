import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { test } from 'node:test';
import { FrameDecoder, RemotingCommand, SerializeType } from '../../src/protocol/index.js';
import { Channel } from '../../src/transport/channel.js';

/** A stream that keeps what is written to it, recording how many writes it got. */
class RecordingStream extends Duplex {
  readonly writes: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writes.push(chunk);
    callback();
  }
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    for (const { chunk } of chunks) this.writes.push(chunk);
    callback();
  }
  override _read(): void {}
}

function burst(count: number): RemotingCommand[] {
  return Array.from({ length: count }, (_, i) => new RemotingCommand({ code: 1, opaque: i, extFields: { i: String(i) }, body: Buffer.alloc(1000, i), serializeType: SerializeType.ROCKETMQ }));
}

test('a burst of 100 KiB written in one tick reaches the stream in pieces before the tick ends, in order', async () => {
  const stream = new RecordingStream();
  const channel = new Channel(stream, { remoteAddress: 'test' });
  const commands = burst(100);
  for (const command of commands) channel.write(command);
  // Still inside the writing tick: the peer already has most of the burst to work on.
  const early = stream.writes.length;
  assert.ok(early >= 10, `expected early flushes, got ${early} writes`);
  assert.ok(Buffer.concat(stream.writes).length >= 90 * 1000);
  await new Promise((resolve) => setImmediate(resolve));
  const decoded: number[] = [];
  new FrameDecoder().push(Buffer.concat(stream.writes), (command) => decoded.push(command.opaque));
  assert.deepEqual(decoded, commands.map((command) => command.opaque));
  channel.close();
});

test('a small burst is still one write at the end of the tick', async () => {
  const stream = new RecordingStream();
  const channel = new Channel(stream, { remoteAddress: 'test' });
  for (const command of burst(5)) channel.write(command);
  assert.equal(stream.writes.length, 0);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(stream.writes.length, 1);
  channel.close();
});
