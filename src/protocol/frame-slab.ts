import { Buffer } from 'node:buffer';

/**
 * Memory for encoded frames. A frame's size is known only once it is written (UTF-8 lengths and
 * JSON escapes are found while writing), so the encoder writes into room that is large enough and
 * keeps exactly what it wrote:
 *
 * - small frames are written into the free part of a shared slab, like Node's own
 *   `Buffer.allocUnsafe` pool: the returned buffer is a view of the slab (do not transfer its
 *   `.buffer` to a worker), and the next frame starts right after it (see `commitFrame`);
 * - larger frames get their own allocation, sized by an upper bound and copied down to the exact
 *   size when the bound was loose by more than a little, so a frame never pins much memory it does
 *   not use.
 *
 * Single-threaded and synchronous: `reserveFrame` and `commitFrame` are paired within one encode
 * call (a reservation that is not committed is simply reused).
 */
const SLAB_SIZE = 64 * 1024;
/** Frames whose bound exceeds this get their own allocation. */
const MAX_SLAB_FRAME = 8 * 1024;
/** A private allocation this much bigger than the frame is copied down to the exact size. */
const MAX_SLACK = 4 * 1024;

let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
/** The slab's memory, kept so that views of it skip the `buffer` getter (a call into C++ each time). */
let slabMemory = slab.buffer;
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
    slabMemory = slab.buffer;
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

/**
 * Where the last committed frame is: `memory[start, end)`. One shared object, overwritten by every
 * commit: read it right after encoding.
 */
export const committedFrame: { memory: Buffer; start: number; end: number } = { memory: slab, start: 0, end: 0 };

/**
 * Keeps the frame written into the reservation, ending at `end` (an offset in the reserved
 * buffer), and records it in `committedFrame`. A slab frame leaves the slab's next frame to start
 * right after it: frames encoded one after another are adjacent, so a channel hands a tick's frames
 * to the socket as one view, without a Buffer per frame or a copy to join them.
 */
export function commitFrame(end: number): void {
  if (target === slab) {
    used = end;
    setCommitted(slab, start, end);
  } else if (target.length - end > MAX_SLACK) {
    const exact = Buffer.allocUnsafeSlow(end);
    target.copy(exact, 0, 0, end);
    setCommitted(exact, 0, end);
  } else {
    setCommitted(target, 0, end);
  }
}

/** The committed frame as a Buffer of its own. */
export function committedFrameBuffer(): Buffer {
  const { memory, start: from, end } = committedFrame;
  // allocUnsafeSlow gives a Buffer at offset 0 of its own memory.
  if (memory === slab) return Buffer.from(slabMemory, from, end - from);
  return from === 0 && end === memory.length ? memory : memory.subarray(from, end);
}

function setCommitted(memory: Buffer, from: number, end: number): void {
  // Stored only when it changes: a store of a young slab into this old object costs a write barrier.
  if (committedFrame.memory !== memory) committedFrame.memory = memory;
  committedFrame.start = from;
  committedFrame.end = end;
}
