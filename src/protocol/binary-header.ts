import { ProtocolError } from '../errors.js';
import { RemotingCommand } from './command.js';
import { languageCode, languageName } from './language.js';
import { checkExtEntry, checkInt32 } from './header-fields.js';
import { EncodedStringCache } from './encoded-string-cache.js';
import { cachedExtKey, rememberExtKey } from './ext-key-cache.js';
import { decodeUtf8Strict, NATIVE_WRITE_MIN_LENGTH, utf8Bound, utf8Size, writeJavaUtf8 } from './utf8.js';
import { readInt16, readInt32, writeInt16, writeInt32 } from './int-bytes.js';
import { utf8Text } from './buffer-methods.js';

/** code(2) language(1) version(2) opaque(4) flag(4) remarkLength(4) extLength(4). docs/protocol.md §3. */
const MIN_HEADER_LENGTH = 21;

function checkShort(value: number, field: string): void {
  if (value !== (value << 16) >> 16) {
    // Java writes `(short) value` and silently corrupts it; refusing is the honest answer.
    throw new ProtocolError('VALUE_OUT_OF_RANGE', `${field} ${value} does not fit the ROCKETMQ header's 16 bits`, { field });
  }
}

/** Room enough for `writeBinaryHeader(command)`: an upper bound, exact for long ASCII strings (`utf8Size`). */
export function binaryHeaderBound(command: RemotingCommand): number {
  let bound = MIN_HEADER_LENGTH;
  if (command.remark !== null) bound += utf8Size(command.remark);
  const ext = command.extFields;
  if (ext !== null) {
    for (const [key, value] of ext) {
      checkExtEntry(key, value);
      bound += 6 + utf8Size(key) + utf8Size(value);
    }
  }
  return bound;
}

/**
 * Writes the header at `target[at]`; returns the offset after it, or -1 when it would pass `limit`
 * (the caller then sizes the frame with `binaryHeaderBound` and writes again). String lengths are
 * written after their strings, so each string is encoded exactly once.
 */
export function writeBinaryHeader(command: RemotingCommand, target: Buffer, at: number, limit: number): number {
  checkShort(command.code, 'code');
  checkShort(command.version, 'version');
  checkInt32(command.opaque, 'opaque');
  checkInt32(command.flag, 'flag');
  const remark = command.remark;
  if (at + MIN_HEADER_LENGTH + (remark === null ? 0 : utf8Bound(remark)) > limit) return -1;
  writeInt16(target, at, command.code);
  target[at + 2] = languageCode(command.language);
  writeInt16(target, at + 3, command.version);
  writeInt32(target, at + 5, command.opaque);
  writeInt32(target, at + 9, command.flag);
  at += 17;
  // Java writes an empty remark like a null one: length 0 (§3).
  const remarkEnd = remark === null || remark === '' ? at : writeJavaUtf8(target, at, remark);
  writeInt32(target, at - 4, remarkEnd - at);
  at = remarkEnd + 4;
  const ext = command.extFields;
  let extEnd = at;
  if (ext !== null) {
    extEnd = writeAsciiExtBlock(ext, target, at, limit);
    if (extEnd === NOT_ASCII) extEnd = writeExtBlock(ext, target, at, limit);
    if (extEnd < 0) return -1;
  }
  writeInt32(target, at - 4, extEnd - at);
  return extEnd;
}

/** `writeAsciiExtBlock` found a non-ASCII character: the block must be written as UTF-8. */
const NOT_ASCII = -2;

/**
 * Writes the ext block on the guess that it is all ASCII (the usual case): one byte per UTF-16
 * unit, no per-character branch. Returns the offset after it, -1 when it would pass `limit`, or
 * NOT_ASCII when a unit was not ASCII (what was written is then overwritten by `writeExtBlock`).
 */
function writeAsciiExtBlock(ext: Map<string, string>, target: Buffer, at: number, limit: number): number {
  let units = 0;
  for (const [key, value] of ext) {
    checkExtEntry(key, value);
    const keyLength = key.length;
    const valueLength = value.length;
    if (at + 6 + keyLength + valueLength > limit) return -1;
    if (keyLength > 0x7fff) return NOT_ASCII; // too long for its 16-bit length: writeExtBlock says so
    writeInt16(target, at, keyLength);
    units |= copyAscii(target, at + 2, key);
    at += 2 + keyLength;
    writeInt32(target, at, valueLength);
    units |= copyAscii(target, at + 4, value);
    at += 4 + valueLength;
  }
  return units < 0x80 ? at : NOT_ASCII;
}

/** ASCII ext strings that repeat (see encoded-string-cache.ts); their bytes are their units. */
const asciiCache = new EncodedStringCache(128, 256);

/** `copyUnits` for an ext string, through the cache of repeating ASCII strings. */
function copyAscii(target: Buffer, at: number, text: string): number {
  return asciiCache.copy(text, target, at) >= 0 ? 0 : writeUncachedAscii(target, at, text);
}

/**
 * The miss path of `copyAscii`, kept out of it so that the hit path stays small enough to inline.
 * A long string is written by Node's encoder: as many bytes as units means every unit was ASCII
 * (anything else, an unpaired surrogate included, takes more than one byte). A longer write may run
 * past the room checked for ASCII, but only into free memory after the frame (frame-slab.ts), and
 * the block is then rewritten by `writeExtBlock`.
 */
function writeUncachedAscii(target: Buffer, at: number, text: string): number {
  const length = text.length;
  const units = length >= NATIVE_WRITE_MIN_LENGTH ? (target.write(text, at, 'utf8') === length ? 0 : 0x80) : copyUnits(target, at, text);
  if (units < 0x80) asciiCache.offer(text, target, at, at + length);
  return units;
}

/** Stores the low byte of each UTF-16 unit of `text` at `target[at]`; returns all units OR-ed. */
function copyUnits(target: Buffer, at: number, text: string): number {
  const length = text.length;
  let units = 0;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    units |= unit;
    target[at + i] = unit;
  }
  return units;
}

/** Writes the ext block in Java's UTF-8; returns the offset after it, or -1 when it would pass `limit`. */
function writeExtBlock(ext: Map<string, string>, target: Buffer, at: number, limit: number): number {
  for (const [key, value] of ext) {
    if (at + 6 + utf8Bound(key) + utf8Bound(value) > limit) return -1;
    const keyEnd = writeJavaUtf8(target, at + 2, key);
    const keyLength = keyEnd - at - 2;
    if (keyLength > 0x7fff) {
      throw new ProtocolError('VALUE_OUT_OF_RANGE', `ext key of ${keyLength} bytes does not fit the 16-bit key length`, { field: key.slice(0, 64) });
    }
    writeInt16(target, at, keyLength);
    const valueEnd = writeJavaUtf8(target, keyEnd + 4, value);
    writeInt32(target, keyEnd, valueEnd - keyEnd - 4);
    at = valueEnd;
  }
  return at;
}

/**
 * Reads a ROCKETMQ binary header occupying `bytes[start, end)` into a new command (body and
 * serialize type left for the caller): built here rather than from a returned fields object,
 * which V8 could not elide across the call.
 */
export function decodeBinaryHeader(bytes: Buffer, start: number, end: number): RemotingCommand {
  if (end - start < MIN_HEADER_LENGTH) {
    throw new ProtocolError('BAD_HEADER', `ROCKETMQ header of ${end - start} bytes is shorter than the minimum ${MIN_HEADER_LENGTH}`);
  }
  let at = start;
  const code = readInt16(bytes, at);
  const language = languageName(bytes[at + 2]!);
  const version = readInt16(bytes, at + 3);
  const opaque = readInt32(bytes, at + 5);
  const flag = readInt32(bytes, at + 9);
  const remarkLength = readInt32(bytes, at + 13);
  at += 17;
  if (remarkLength < 0 || at + remarkLength > end - 4) throw spanError('remark', remarkLength, end - 4 - at);
  const remark = remarkLength === 0 ? null : decodeUtf8Strict(bytes, at, at + remarkLength, 'remark');
  at += remarkLength;
  const extLength = readInt32(bytes, at);
  at += 4;
  if (extLength < 0 || at + extLength > end) throw spanError('ext block', extLength, end - at);
  if (at + extLength !== end) {
    throw new ProtocolError('BAD_HEADER', `ROCKETMQ header has ${end - at - extLength} bytes after its ext block`);
  }
  const extFields = extLength === 0 ? null : decodeExtBlock(bytes, at, end);
  return new RemotingCommand({ code, language, version, opaque, flag, remark, extFields });
}

/**
 * The ext block is decoded to text with one native call. When it is all ASCII (short lengths, ASCII
 * keys and values: the usual case) every string is a `substring` of that text at its byte offsets;
 * otherwise each string is decoded on its own.
 */
function decodeExtBlock(bytes: Buffer, start: number, end: number): Map<string, string> {
  let text: string | null = utf8Text(bytes, start, end);
  // As many characters as bytes and no replacement character: every byte was ASCII.
  if (text.length !== end - start || text.includes('\uFFFD')) text = null;
  const ext = new Map<string, string>();
  let at = start;
  while (at < end) {
    if (at + 2 > end) throw spanError('ext key length', 2, end - at);
    const keyLength = readInt16(bytes, at);
    at += 2;
    if (keyLength < 0 || at + keyLength > end) throw spanError('ext key', keyLength, end - at);
    const key =
      cachedExtKey(bytes, at, keyLength) ??
      rememberExtKey(bytes, at, keyLength, text !== null ? text.substring(at - start, at - start + keyLength) : decodeUtf8Strict(bytes, at, at + keyLength, 'ext key'));
    at += keyLength;
    if (at + 4 > end) throw spanError('ext value length', 4, end - at);
    const valueLength = readInt32(bytes, at);
    at += 4;
    if (valueLength < 0 || at + valueLength > end) throw spanError('ext value', valueLength, end - at);
    // Java reads a zero-length value as null; we keep '' so the frame re-encodes to the same bytes.
    const value = text !== null ? text.substring(at - start, at - start + valueLength) : decodeUtf8Strict(bytes, at, at + valueLength, 'ext value');
    ext.set(key, value);
    at += valueLength;
  }
  return ext;
}

function spanError(what: string, length: number, left: number): ProtocolError {
  return new ProtocolError('BAD_HEADER', `ROCKETMQ header ${what} length ${length} exceeds the header (${left} bytes left)`);
}
