import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { test } from 'node:test';
import { FrameDecoder, RemotingCommand, SerializeType } from '../../src/protocol/index.js';
import { Channel } from '../../src/transport/channel.js';

/** A stream that keeps what is written to it, one entry per write (or writev) it got. */
class RecordingStream extends Duplex {
  readonly writes: Buffer[] = [];
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writes.push(chunk);
    callback();
  }
  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    // One writev is one syscall: record it as one write.
    this.writes.push(Buffer.concat(chunks.map(({ chunk }) => chunk)));
    callback();
  }
  override _read(): void {}
}

function burst(count: number): RemotingCommand[] {
  return Array.from({ length: count }, (_, i) => new RemotingCommand({ code: 1, opaque: i, extFields: { i: String(i) }, body: Buffer.alloc(1000, i), serializeType: SerializeType.ROCKETMQ }));
}

test('a burst of 100 KiB written in one tick reaches the stream in pieces before the tick ends, in order, the first 8 KiB first', async () => {
  const stream = new RecordingStream();
  const channel = new Channel(stream, { remoteAddress: 'test' });
  const commands = burst(100);
  for (const command of commands) channel.write(command);
  // Still inside the writing tick: the first 8 KiB went out early, so the peer could start on
  // them; later early flushes wait for 64 KiB, so big frames do not cost a syscall every few frames.
  const early = stream.writes.map((chunk) => chunk.length);
  assert.ok(early.length >= 2, `expected early flushes, got ${early.length} writes`);
  assert.ok(early[0]! >= 8 * 1024 && early[0]! < 10 * 1024, `first early write of ${early[0]} bytes`);
  assert.ok(early[1]! >= 64 * 1024 && early[1]! < 66 * 1024, `second early write of ${early[1]} bytes`);
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
