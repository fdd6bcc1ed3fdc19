/**
 * Memory for encoded frames. A frame's size is known only once it is written (UTF-8 lengths and
 * JSON escapes are found while writing), so the encoder writes into room that is large enough and
 * keeps exactly what it wrote:
 *
 * - small frames are written into the free part of a shared slab, like Node's own
 *   `Buffer.allocUnsafe` pool: the returned buffer is a view of the slab (do not transfer its
 *   `.buffer` to a worker), and the next frame starts right after it (see `adjacentFrames`);
 * - larger frames get their own allocation, sized by an upper bound and copied down to the exact
 *   size when the bound was loose by more than a little, so a frame never pins much memory it does
 *   not use.
 *
 * Single-threaded and synchronous: `reserveFrame` and `commitFrame` are paired within one encode
 * call (a reservation that is not committed is simply reused).
 */
import { bufferView } from './buffer-view.js';

const SLAB_SIZE = 64 * 1024;
/** Frames whose bound exceeds this get their own allocation. */
const MAX_SLAB_FRAME = 8 * 1024;
/** A private allocation this much bigger than the frame is copied down to the exact size. */
const MAX_SLACK = 4 * 1024;

let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let used = 0;
let target: Buffer = slab;
let start = 0;

/** Frames up to this size can be written into the slab without sizing them first. */
export const SLAB_FRAME_ROOM = MAX_SLAB_FRAME;

/**
 * Reserves `bound` bytes and returns the buffer to write into; writing starts at `reservedStart()`.
 * `reserveFrame(SLAB_FRAME_ROOM)` gives slab room for any small frame before its size is known.
 */
export function reserveFrame(bound: number): Buffer {
  if (bound > MAX_SLAB_FRAME) {
    target = Buffer.allocUnsafeSlow(bound);
    start = 0;
    return target;
  }
  if (used + bound > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    used = 0;
  }
  target = slab;
  start = used;
  return target;
}

/** Offset in the reserved buffer where the frame starts. */
export function reservedStart(): number {
  return start;
}

/** The frame written into the reservation, ending at `end` (an offset in the reserved buffer). */
export function commitFrame(end: number): Buffer {
  if (target === slab) {
    const frame = bufferView(slab, start, end);
    // The next frame starts right here: frames encoded one after another are adjacent, so a
    // channel can hand a tick's frames to the socket as one view instead of copying them together.
    used = end;
    return frame;
  }
  if (target.length - end > MAX_SLACK) {
    const exact = Buffer.allocUnsafeSlow(end);
    target.copy(exact, 0, 0, end);
    return exact;
  }
  return end === target.length ? target : bufferView(target, 0, end);
}

/**
 * The frames as one view when each starts where the one before it ends in the same memory (frames
 * encoded one after another into the slab), else null. Slab memory is never written twice, so the
 * view stays valid while the stream holds it.
 */
export function adjacentFrames(frames: readonly Buffer[], totalLength: number): Buffer | null {
  const first = frames[0]!;
  const memory = first.buffer;
  let end = first.byteOffset + first.length;
  for (let i = 1; i < frames.length; i++) {
    const frame = frames[i]!;
    if (frame.buffer !== memory || frame.byteOffset !== end) return null;
    end += frame.length;
  }
  return bufferView(first, 0, totalLength);
}
