/**
 * The raw baseline's wire format, shared by its client and server: `[u32 length][u32 id][payload]`,
 * where length counts the id and the payload. It is what a hand-written Node protocol with request
 * ids looks like, and what rocket-rpc's framing is compared against.
 */

export const RAW_HEADER_LENGTH = 8;

/**
 * rocket-rpc's channel write policy, which the `raw` baseline copies: a tick's frames are flushed
 * early once this many bytes are queued, later early flushes in the same tick wait for
 * `RAW_LATER_FLUSH_BYTES`, and whatever is left goes at the end of the tick.
 */
export const RAW_EARLY_FLUSH_BYTES = 8 * 1024;
export const RAW_LATER_FLUSH_BYTES = 64 * 1024;

/** The biggest frame either side accepts (a broken peer must not make us buffer forever). */
const MAX_RAW_FRAME = 16 * 1024 * 1024;

export function encodeRawFrame(id: number, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(RAW_HEADER_LENGTH + payload.length);
  frame.writeUInt32BE(4 + payload.length, 0);
  frame.writeUInt32BE(id, 4);
  frame.set(payload, RAW_HEADER_LENGTH);
  return frame;
}

/**
 * Splits a byte stream into frames. Whole frames inside one chunk are handed out as views; a frame
 * spread over chunks is joined once, when it is complete.
 */
export class RawFrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer, onFrame: (id: number, payload: Buffer) => void): void {
    if (this.buffered > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered < 4) return;
      const head = this.chunks[0]!.length >= 4 ? this.chunks[0]! : Buffer.concat(this.chunks);
      if (this.buffered < 4 + head.readUInt32BE(0)) return;
      chunk = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
    }
    let at = 0;
    while (chunk.length - at >= 4) {
      const length = chunk.readUInt32BE(at);
      if (length < 4 || length > MAX_RAW_FRAME) throw new Error(`raw frame length ${length} out of range`);
      if (chunk.length - at - 4 < length) break;
      onFrame(chunk.readUInt32BE(at + 4), chunk.subarray(at + RAW_HEADER_LENGTH, at + 4 + length));
      at += 4 + length;
    }
    if (at < chunk.length) {
      this.chunks.push(chunk.subarray(at));
      this.buffered = chunk.length - at;
    }
  }
}
