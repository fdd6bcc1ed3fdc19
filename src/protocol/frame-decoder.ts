import { ProtocolError } from '../errors.js';
import type { RemotingCommand } from './command.js';
import { DEFAULT_MAX_FRAME_LENGTH } from './codes.js';
import { checkFrameLength, decodeFrameContent, type DecodeOptions } from './frame.js';
import { readInt32 } from './int-bytes.js';
import { bufferView } from './buffer-methods.js';

/**
 * Turns a byte stream, cut into arbitrary chunks, into commands in order.
 *
 * - Chunks are kept in a list and joined only once per frame, when the frame is complete, so a large
 *   body arriving in many small chunks is copied once (no quadratic re-buffering). A frame wholly
 *   inside one chunk is decoded in place (its body is a view of the chunk).
 * - A frame's length is checked as soon as its 4 length bytes are in, before any of it is buffered.
 * - After a `ProtocolError` the stream is unusable (Java closes the connection, docs/protocol.md §1) and
 *   every further `push` throws the same error.
 * - An exception thrown by `onCommand` propagates out of `push`; the decoder stays consistent (the
 *   bytes after that frame are kept) and the next `push` carries on.
 * - `pause()` (typically called from inside `onCommand`) stops decoding after the current frame:
 *   the bytes after it, and any pushed while paused, are kept until `resume()` decodes them, so a
 *   reader that stops mid-chunk loses no frame.
 */
export class FrameDecoder {
  private readonly maxFrameLength: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes after the length field of the frame being collected, once its length is known. */
  private expected = -1;
  private failure: ProtocolError | null = null;
  private paused = false;
  private decodedCount = 0;

  constructor(options: DecodeOptions = {}) {
    this.maxFrameLength = options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH;
  }

  /** Bytes held for an incomplete frame. */
  get pendingBytes(): number {
    return this.buffered;
  }

  /** Frames decoded so far; a change across a `push` tells that a new frame may have started. */
  get framesDecoded(): number {
    return this.decodedCount;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Stops handing out commands after the current one; later bytes are kept for `resume`. */
  pause(): void {
    this.paused = true;
  }

  /** Decodes what was kept while paused (it may pause again from inside `onCommand`). */
  resume(onCommand: (command: RemotingCommand) => void): void {
    if (this.failure !== null) throw this.failure;
    this.paused = false;
    this.drain(onCommand);
  }

  /** Feeds a chunk; `onCommand` runs for every command it completes, in order. */
  push(chunk: Buffer, onCommand: (command: RemotingCommand) => void): void {
    if (this.failure !== null) throw this.failure;
    if (chunk.length === 0) return;
    if (this.paused) {
      this.keep(chunk);
      return;
    }
    if (this.buffered === 0) {
      chunk = this.decodeInPlace(chunk, onCommand);
      if (chunk.length === 0) return;
    }
    this.keep(chunk);
    this.drain(onCommand);
  }

  /** Decodes the whole frames at the start of `chunk` without copying; returns the rest. */
  private decodeInPlace(chunk: Buffer, onCommand: (command: RemotingCommand) => void): Buffer {
    let at = 0;
    while (!this.paused && chunk.length - at >= 4) {
      const length = this.frameLength(readInt32(chunk, at));
      if (chunk.length - at - 4 < length) break;
      const command = this.decode(chunk, at + 4, at + 4 + length);
      at += 4 + length;
      try {
        onCommand(command);
      } catch (error) {
        this.keep(bufferView(chunk, at, chunk.length));
        throw error;
      }
    }
    return at === 0 ? chunk : bufferView(chunk, at, chunk.length);
  }

  private drain(onCommand: (command: RemotingCommand) => void): void {
    while (!this.paused) {
      if (this.expected < 0) {
        if (this.buffered < 4) return;
        this.expected = this.frameLength(this.peekInt32());
      }
      const frameLength = 4 + this.expected;
      if (this.buffered < frameLength) return;
      const frame = this.take(frameLength);
      this.expected = -1;
      onCommand(this.decode(frame, 4, frameLength));
      if (this.chunks.length === 1) {
        // The rest sits in one chunk: decode what it holds in place.
        const rest = this.chunks[0]!;
        this.chunks = [];
        this.buffered = 0;
        const tail = this.decodeInPlace(rest, onCommand);
        if (tail.length > 0) this.keep(tail);
      }
    }
  }

  private keep(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  private frameLength(value: number): number {
    try {
      return checkFrameLength(value, this.maxFrameLength);
    } catch (error) {
      throw this.fail(error);
    }
  }

  private decode(bytes: Buffer, start: number, end: number): RemotingCommand {
    try {
      const command = decodeFrameContent(bytes, start, end);
      this.decodedCount++;
      return command;
    } catch (error) {
      throw this.fail(error);
    }
  }

  /** Records a decoding failure (the stream is then dead) and drops what was buffered. */
  private fail(error: unknown): unknown {
    if (error instanceof ProtocolError) {
      this.failure = error;
      this.chunks = [];
      this.buffered = 0;
    }
    return error;
  }

  private peekInt32(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return readInt32(first, 0);
    const head = Buffer.allocUnsafe(4);
    let at = 0;
    for (const chunk of this.chunks) {
      const n = Math.min(4 - at, chunk.length);
      chunk.copy(head, at, 0, n);
      at += n;
      if (at === 4) break;
    }
    return readInt32(head, 0);
  }

  /** Removes and returns the first `length` buffered bytes, copying only if they span chunks. */
  private take(length: number): Buffer {
    const first = this.chunks[0]!;
    let result: Buffer;
    if (first.length >= length) {
      result = first.subarray(0, length);
      if (first.length === length) this.chunks.shift();
      else this.chunks[0] = first.subarray(length);
    } else {
      result = Buffer.allocUnsafe(length);
      let at = 0;
      let used = 0;
      while (at < length) {
        const chunk = this.chunks[used]!;
        const n = Math.min(length - at, chunk.length);
        chunk.copy(result, at, 0, n);
        at += n;
        if (n === chunk.length) used++;
        else this.chunks[used] = chunk.subarray(n);
      }
      // One splice per frame (not a shift per chunk): a frame that arrived a byte at a time stays linear.
      this.chunks.splice(0, used);
    }
    this.buffered -= length;
    return result;
  }
}
