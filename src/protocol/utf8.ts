import { ProtocolError } from '../errors.js';
import { utf8Text } from './buffer-methods.js';

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Strings at least this long are handed to Node's native encoder; shorter ones are written by a JS loop. */
export const NATIVE_WRITE_MIN_LENGTH = 48;

/**
 * The text Java would put on the wire: its UTF-8 encoder writes an unpaired surrogate as `?`,
 * where Node would write U+FFFD (3 bytes), which would change lengths and bytes.
 */
export function javaWireText(text: string): string {
  return text.isWellFormed() ? text : text.replace(LONE_SURROGATE, '?');
}

/** UTF-8 byte length of `text` as Java would encode it. */
export function javaUtf8Length(text: string): number {
  return Buffer.byteLength(javaWireText(text), 'utf8');
}

/** Most bytes `writeJavaUtf8` can write for `text` (3 per UTF-16 unit). */
export function utf8Bound(text: string): number {
  return 3 * text.length;
}

/** Strings at least this long are sized by counting their bytes (see `utf8Size`). */
const COUNTED_SIZE_MIN_LENGTH = 1024;

/**
 * Room enough for `writeJavaUtf8(text)`, for sizing a frame: `utf8Bound` for short strings, the
 * counted UTF-8 length for long ones (one native pass), so that a frame carrying a large ASCII
 * value does not allocate three times its size and copy it down afterwards. Node counts an
 * unpaired surrogate as 3 bytes where Java writes `?`: still room enough.
 */
export function utf8Size(text: string): number {
  return text.length < COUNTED_SIZE_MIN_LENGTH ? 3 * text.length : Buffer.byteLength(text, 'utf8');
}

/**
 * Writes `text` as Java's UTF-8 encoder would (unpaired surrogate → `?`) at `target[at]`; returns
 * the offset after it. The caller guarantees `utf8Bound(text)` bytes of room.
 *
 * Short strings, the usual case for header fields, are written by a loop: a call into native code
 * costs more than the copy itself at that size.
 */
export function writeJavaUtf8(target: Buffer, at: number, text: string): number {
  const length = text.length;
  if (length >= NATIVE_WRITE_MIN_LENGTH) return at + target.write(javaWireText(text), at, 'utf8');
  // ASCII prefix (usually the whole string): one byte per unit, offsets known in advance.
  let i = writeAsciiQuads(target, at, text, ASCII);
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) break;
    target[at + i] = c;
  }
  if (i === length) return at + length;
  at += i;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      target[at++] = c;
    } else {
      const next = writeNonAscii(target, at, text, i);
      if (next - at === 4) i++; // a surrogate pair: its low half is written too
      at = next;
    }
  }
  return at;
}

/** 1 for every ASCII unit: `writeAsciiQuads` with it writes any ASCII run. */
export const ASCII = new Uint8Array(0x80).fill(1);

/**
 * Writes `text` from its start, four units per step with one test for all four (about 15 % faster
 * than one at a time), while all four are ASCII and `allowed[c]` is 1 for each. Returns how many
 * units it wrote (a multiple of 4); the caller writes the rest its own way.
 */
export function writeAsciiQuads(target: Buffer, at: number, text: string, allowed: Uint8Array): number {
  const length = text.length;
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const c0 = text.charCodeAt(i);
    const c1 = text.charCodeAt(i + 1);
    const c2 = text.charCodeAt(i + 2);
    const c3 = text.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80 || (allowed[c0]! & allowed[c1]! & allowed[c2]! & allowed[c3]!) === 0) break;
    target[at + i] = c0;
    target[at + i + 1] = c1;
    target[at + i + 2] = c2;
    target[at + i + 3] = c3;
  }
  return i;
}

/**
 * Writes the non-ASCII UTF-16 unit at `text[i]` as Java's UTF-8: 2 or 3 bytes, a surrogate pair as
 * its 4-byte code point (then `text[i + 1]` is consumed too), an unpaired surrogate as `?`.
 * Returns the offset after what it wrote.
 */
export function writeNonAscii(target: Buffer, at: number, text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0x800) {
    target[at] = 0xc0 | (c >> 6);
    target[at + 1] = 0x80 | (c & 0x3f);
    return at + 2;
  }
  if (c < 0xd800 || c > 0xdfff) {
    target[at] = 0xe0 | (c >> 12);
    target[at + 1] = 0x80 | ((c >> 6) & 0x3f);
    target[at + 2] = 0x80 | (c & 0x3f);
    return at + 3;
  }
  return writeSurrogate(target, at, text, i);
}

/**
 * Writes the surrogate at `text[i]`: a pair as its 4-byte code point, an unpaired one as `?` (one
 * byte). Returns the new offset, so 4 bytes written means `text[i + 1]` was consumed too.
 */
function writeSurrogate(target: Buffer, at: number, text: string, i: number): number {
  const high = text.charCodeAt(i);
  const low = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
  if (high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
    const point = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
    target[at] = 0xf0 | (point >> 18);
    target[at + 1] = 0x80 | ((point >> 12) & 0x3f);
    target[at + 2] = 0x80 | ((point >> 6) & 0x3f);
    target[at + 3] = 0x80 | (point & 0x3f);
    return at + 4;
  }
  target[at] = 0x3f;
  return at + 1;
}

/**
 * Strict UTF-8 decoding of `bytes[start, end)`. The common case goes through Node's fast decoder; only
 * text that contains U+FFFD (a replacement, or a genuine U+FFFD) is checked with a fatal decoder.
 */
export function decodeUtf8Strict(bytes: Buffer, start: number, end: number, what: string): string {
  const text = utf8Text(bytes, start, end);
  if (text.includes('\uFFFD')) {
    try {
      fatalDecoder.decode(bytes.subarray(start, end));
    } catch (cause) {
      throw new ProtocolError('INVALID_UTF8', `invalid UTF-8 in ${what}`, { cause });
    }
  }
  return text;
}
