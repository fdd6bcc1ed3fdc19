import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { encodeCommand, FrameDecoder, type RemotingCommand } from '../../src/index.js';
import { anyCommandCase, type CommandCase, observed } from './arbitraries.js';

/** The stream of frames for `cases`, and what each frame decodes to on its own. */
function stream(cases: CommandCase[]): { bytes: Buffer; frames: Buffer[] } {
  const frames = cases.map(({ command, serializeType }) => Buffer.from(encodeCommand(command, serializeType)));
  return { bytes: Buffer.concat(frames), frames };
}

/** Feeds `chunks` and returns the observed commands; checks nothing is left over. */
function feed(chunks: Buffer[]): ReturnType<typeof observed>[] {
  const decoder = new FrameDecoder();
  const seen: RemotingCommand[] = [];
  for (const chunk of chunks) decoder.push(chunk, (command) => seen.push(command));
  assert.equal(decoder.pendingBytes, 0);
  return seen.map(observed);
}

function whole(frames: Buffer[]): ReturnType<typeof observed>[] {
  return frames.map((frame) => feed([frame])[0]!);
}

/** Cuts `bytes` at the given positions (any order, duplicates allowed: empty chunks are fed too). */
function cut(bytes: Buffer, positions: number[]): Buffer[] {
  const points = [0, ...positions.map((p) => p % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
  return points.slice(1).map((end, i) => bytes.subarray(points[i]!, end));
}

const streams = fc.array(anyCommandCase, { minLength: 1, maxLength: 8 });

test('any split of a stream of frames yields the same commands in order', () => {
  fc.assert(
    fc.property(streams, fc.array(fc.nat(), { maxLength: 40 }), (cases, positions) => {
      const { bytes, frames } = stream(cases);
      assert.deepStrictEqual(feed(cut(bytes, positions)), whole(frames));
    }),
    { numRuns: 500 },
  );
});

test('a stream fed one byte at a time yields the same commands in order', () => {
  fc.assert(
    fc.property(streams, (cases) => {
      const { bytes, frames } = stream(cases);
      const bytewise = [...bytes].map((_, i) => bytes.subarray(i, i + 1));
      assert.deepStrictEqual(feed(bytewise), whole(frames));
    }),
    { numRuns: 100 },
  );
});

test('many frames in one chunk are all decoded, in order', () => {
  fc.assert(
    fc.property(fc.array(anyCommandCase, { minLength: 20, maxLength: 60 }), (cases) => {
      const { bytes, frames } = stream(cases);
      assert.deepStrictEqual(feed([bytes]), whole(frames));
    }),
    { numRuns: 30 },
  );
});

test('a prefix of the stream yields exactly the complete frames and keeps the rest pending', () => {
  fc.assert(
    fc.property(streams, fc.nat(), (cases, at) => {
      const { bytes, frames } = stream(cases);
      const end = at % (bytes.length + 1);
      const decoder = new FrameDecoder();
      let count = 0;
      decoder.push(bytes.subarray(0, end), () => count++);
      let complete = 0;
      let offset = 0;
      for (const frame of frames) {
        if (offset + frame.length > end) break;
        offset += frame.length;
        complete++;
      }
      assert.equal(count, complete);
      assert.equal(decoder.pendingBytes, end - offset);
    }),
    { numRuns: 300 },
  );
});

test('chunks that are views into one larger buffer decode the same as copies', () => {
  fc.assert(
    fc.property(streams, fc.array(fc.nat(), { maxLength: 10 }), (cases, positions) => {
      const { bytes, frames } = stream(cases);
      const backing = Buffer.concat([Buffer.from('garbage-before'), bytes, Buffer.from('garbage-after')]);
      const view = backing.subarray(14, 14 + bytes.length);
      assert.deepStrictEqual(feed(cut(view, positions)), whole(frames));
    }),
    { numRuns: 100 },
  );
});
