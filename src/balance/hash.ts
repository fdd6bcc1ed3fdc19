import { createHash } from 'node:crypto';

/**
 * The two hashes the ring uses.
 *
 * - Ring points: md5, ketama style — one digest of `"<id>#<group>"` gives four little-endian 32-bit
 *   points. md5 is slow per call but spreads near-identical ids (10.0.0.1:20880, 10.0.0.2:20880)
 *   perfectly, and points are computed only when an instance joins, then cached.
 * - Keys: MurmurHash3 x86_32 over the key's UTF-8 bytes, on every call, so it must be cheap: no
 *   allocation (the bytes go into a reused scratch buffer), integer math via Math.imul.
 *
 * Both give unsigned 32-bit integers, compared as numbers (never as strings: a ring sorted as text
 * sends most keys to a couple of hosts).
 */

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/** MurmurHash3 x86_32 of the UTF-8 encoding of `text`, as an unsigned 32-bit integer. */
export function murmur3(text: string, seed = 0): number {
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(Math.max(text.length * 3, scratch.length * 2));
  const { written } = encoder.encodeInto(text, scratch);
  return murmur3Bytes(scratch, written, seed);
}

/** MurmurHash3 x86_32 of `bytes[0..length)`. */
export function murmur3Bytes(bytes: Uint8Array, length: number = bytes.length, seed = 0): number {
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = seed >>> 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = length & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= (bytes[blocks + 2] as number) << 16;
    if (tail >= 2) k ^= (bytes[blocks + 1] as number) << 8;
    k ^= bytes[blocks] as number;
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
  }
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** `count` ring points for `id` (ketama: four per md5 digest), written into `out` from `offset`. */
export function ringPoints(id: string, count: number, out: Uint32Array, offset = 0): void {
  for (let group = 0, written = 0; written < count; group++) {
    const digest = createHash('md5').update(`${id}#${group}`).digest();
    for (let j = 0; j < 4 && written < count; j++, written++) out[offset + written] = digest.readUInt32LE(j * 4);
  }
}
