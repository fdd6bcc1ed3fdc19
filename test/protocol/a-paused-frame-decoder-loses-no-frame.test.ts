import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeCommand, FrameDecoder, type RemotingCommand } from '../../src/index.js';
import { anyCommandCase, observed } from './arbitraries.js';

const streams = fc.array(anyCommandCase, { minLength: 1, maxLength: 8 });

/** Cuts `bytes` at the given positions (any order, duplicates allowed). */
function cut(bytes: Buffer, positions: number[]): Buffer[] {
  const points = [0, ...positions.map((p) => p % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i]!, end));
}

/**
 * The engine pauses a decoder from inside its command callback (a connection at its write
 * high-water mark or its cap of requests in progress) and resumes it later. Whatever frames it
 * pauses after, and whatever chunks arrive meanwhile, resuming yields every command once, in order.
 */
test('a decoder paused after any frame, fed more while paused, yields every frame once and in order after resume', () => {
  fc.assert(
    fc.property(streams, fc.array(fc.nat(), { maxLength: 20 }), fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), (cases, positions, pauseAfter) => {
      const frames = cases.map(({ command, serializeType }) => Buffer.from(encodeCommand(command, serializeType)));
      const expected = frames.map((frame) => {
        const seen: RemotingCommand[] = [];
        new FrameDecoder().push(frame, (command) => seen.push(command));
        return observed(seen[0]!);
      });
      const decoder = new FrameDecoder();
      const seen: RemotingCommand[] = [];
      const onCommand = (command: RemotingCommand): void => {
        assert.equal(decoder.isPaused, false, 'a paused decoder handed out a command');
        seen.push(command);
        // Pause after the frames the property picks; no command may be handed out while paused.
        if (pauseAfter[seen.length - 1] === true) decoder.pause();
      };
      const resumeAll = (): void => {
        while (decoder.isPaused) decoder.resume(onCommand);
      };
      for (const chunk of cut(Buffer.concat(frames), positions)) {
        const before = seen.length;
        const wasPaused = decoder.isPaused;
        decoder.push(chunk, onCommand);
        if (wasPaused) assert.equal(seen.length, before, 'a paused decoder handed out a command');
        // Resume only sometimes before the next chunk, so chunks also pile up while paused.
        if (chunk.length % 2 === 0) resumeAll();
      }
      resumeAll();
      assert.equal(decoder.pendingBytes, 0);
      assert.equal(decoder.framesDecoded, frames.length);
      assert.deepStrictEqual(seen.map(observed), expected);
    }),
    { numRuns: 500 },
  );
});
