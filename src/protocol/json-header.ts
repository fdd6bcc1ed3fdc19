import type { RemotingCommand } from './command.js';
import { checkExtEntry, checkInt32, type HeaderFields } from './header-fields.js';
import { readJsonHeader } from './json-header-reader.js';
import { copyBytes } from './copy-bytes.js';
import { EncodedStringCache } from './encoded-string-cache.js';
import { lastNativeQuotedBytes, nativeQuotedJson, NATIVE_QUOTE_MIN_LENGTH } from './json-native-quote.js';
import { javaWireText, NATIVE_WRITE_MIN_LENGTH, writeAsciiQuads, writeNonAscii } from './utf8.js';

/*
 * The JSON header (docs/protocol.md §2) as fastjson 1.2.69 writes it: properties in alphabetical order,
 * null properties left out, no whitespace, raw UTF-8 for non-ASCII text, fastjson's escapes.
 * It is written straight into the frame's bytes: no intermediate string, no second encoding pass.
 */

/** Most bytes before the first ext entry: `{"code":<int32>,"extFields":{`. */
const HEAD_BOUND = 40;
/** Most bytes after the last ext entry, strings aside: `},"flag":<int32>,…,"version":<int32>}`. */
const TAIL_BOUND = 128;
/** Longest form of one UTF-16 unit in a JSON string: `\u0000`. */
const MAX_ESCAPED_UNIT = 6;

// Characters fastjson escapes: the two JSON specials, C0 controls, DEL, C1 controls, U+2028/U+2029.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** 1 for the ASCII characters written as they are in a JSON string: printable, not `"` or `\\`. */
const PLAIN = Uint8Array.from({ length: 0x80 }, (_, c) => (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x7f ? 1 : 0));
const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };
const HEX_DIGITS = '0123456789ABCDEF';

const fragment = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const CODE = fragment('{"code":');
const EXT_FIELDS = fragment(',"extFields":{');
const FLAG = fragment(',"flag":');
const LANGUAGE = fragment(',"language":');
const OPAQUE = fragment(',"opaque":');
/** The usual language and the opaque's name in one copy. */
const LANGUAGE_JAVA_OPAQUE = fragment(',"language":"JAVA","opaque":');
const REMARK = fragment(',"remark":');
const SERIALIZE_TYPE_AND_VERSION = fragment(',"serializeTypeCurrentRPC":"JSON","version":');

function stringBound(text: string): number {
  return 2 + MAX_ESCAPED_UNIT * text.length;
}

/**
 * The last long string escaped while sizing a header, kept for the write that follows so it is
 * escaped once. A one-entry memo that the write empties: at most one sized-but-unwritten string
 * (a header that failed between sizing and writing) stays referenced, until the next long one.
 */
let sizedText: string | null = null;
let sizedQuoted: string | null = null;

/**
 * Room enough for `writeJsonString(text)`, for sizing a frame: the bound for short strings; long
 * ones (escaped natively when written) are escaped now and measured, so a frame carrying a large
 * value gets the memory it needs instead of six times its length.
 */
function stringSize(text: string): number {
  if (text.length <= jsonStringCache.maxLength) return stringBound(text);
  const quoted = nativeQuotedJson(text);
  if (quoted === null) return stringBound(text);
  sizedText = text;
  sizedQuoted = quoted;
  const bytes = lastNativeQuotedBytes();
  return bytes >= 0 ? bytes : Buffer.byteLength(quoted, 'utf8');
}

/** The native literal for a long `text`: the one `stringSize` just made, or a new one (null: take the loop). */
function longQuoted(text: string): string | null {
  if (sizedText !== text) return nativeQuotedJson(text);
  const quoted = sizedQuoted;
  sizedText = null;
  sizedQuoted = null;
  return quoted;
}

/** Room enough for `writeJsonHeader(command)`: an upper bound, exact for long values (`stringSize`). */
export function jsonHeaderBound(command: RemotingCommand): number {
  let bound = HEAD_BOUND + TAIL_BOUND;
  if (command.language !== null) bound += stringBound(command.language);
  if (command.remark !== null) bound += stringSize(command.remark);
  const ext = command.extFields;
  if (ext !== null) {
    for (const [key, value] of ext) {
      checkExtEntry(key, value);
      bound += 2 + stringBound(key) + stringSize(value);
    }
  }
  return bound;
}

/**
 * Writes the header at `target[at]`; returns the offset after it, or -1 when it would pass `limit`
 * (the caller then sizes the frame with `jsonHeaderBound` and writes again).
 */
export function writeJsonHeader(command: RemotingCommand, target: Buffer, at: number, limit: number): number {
  checkInt32(command.code, 'code');
  checkInt32(command.version, 'version');
  checkInt32(command.opaque, 'opaque');
  checkInt32(command.flag, 'flag');
  const { language, remark } = command;
  // Room for everything after the ext entries, kept free while they are written.
  const rest = TAIL_BOUND + (language === null ? 0 : stringBound(language)) + (remark === null ? 0 : stringBound(remark));
  if (at + HEAD_BOUND + rest > limit) return -1;
  at = writeFragment(target, at, CODE);
  at = writeInt(target, at, command.code);
  const ext = command.extFields;
  if (ext !== null) {
    at = writeFragment(target, at, EXT_FIELDS);
    let first = true;
    for (const [key, value] of ext) {
      checkExtEntry(key, value);
      if (at + 2 + stringBound(key) + stringBound(value) + rest > limit) return -1;
      if (!first) target[at++] = 0x2c;
      first = false;
      at = writeJsonString(target, at, key);
      target[at++] = 0x3a;
      at = writeJsonString(target, at, value);
    }
    target[at++] = 0x7d;
  }
  at = writeFragment(target, at, FLAG);
  at = writeInt(target, at, command.flag);
  if (language === 'JAVA') {
    at = writeFragment(target, at, LANGUAGE_JAVA_OPAQUE);
  } else {
    if (language !== null) {
      at = writeFragment(target, at, LANGUAGE);
      at = writeJsonString(target, at, language);
    }
    at = writeFragment(target, at, OPAQUE);
  }
  at = writeInt(target, at, command.opaque);
  if (remark !== null) {
    at = writeFragment(target, at, REMARK);
    at = writeJsonString(target, at, remark);
  }
  at = writeFragment(target, at, SERIALIZE_TYPE_AND_VERSION);
  at = writeInt(target, at, command.version);
  target[at++] = 0x7d;
  return at;
}

/** The header text exactly as it goes on the wire (unpaired surrogates already `?`). */
export function encodeJsonHeader(command: RemotingCommand): string {
  const bound = jsonHeaderBound(command);
  const buffer = Buffer.allocUnsafe(bound);
  return buffer.toString('utf8', 0, writeJsonHeader(command, buffer, 0, bound));
}

/** Reads a JSON header given as text or bytes; see `readJsonHeader`. */
export function decodeJsonHeader(header: string | Uint8Array): HeaderFields {
  const bytes = typeof header === 'string' ? Buffer.from(header, 'utf8') : Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  return readJsonHeader(bytes, 0, bytes.length);
}

/** Copies a constant fragment (cheaper from bytes than from a string, see json-header-canonical.ts). */
function writeFragment(target: Buffer, at: number, bytes: Uint8Array): number {
  copyBytes(target, at, bytes);
  return at + bytes.length;
}

function writeAscii(target: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) target[at++] = text.charCodeAt(i);
  return at;
}

/** Decimal digits of an int32. */
function writeInt(target: Buffer, at: number, value: number): number {
  // flag, version and most codes are one digit.
  if (value >= 0 && value < 10) {
    target[at] = 0x30 + value;
    return at + 1;
  }
  if (value < 0) {
    target[at++] = 0x2d;
    value = -value;
  }
  let digits = 1;
  for (let power = 10; power <= value; power *= 10) digits++;
  const end = at + digits;
  let i = end;
  do {
    const next = Math.floor(value / 10);
    target[--i] = 0x30 + value - next * 10;
    value = next;
  } while (value > 0);
  return end;
}

/** Escaped contents of JSON strings that repeat (see encoded-string-cache.ts). */
const jsonStringCache = new EncodedStringCache(128, 256);

/** A JSON string literal with fastjson's escaping and Java's UTF-8 (unpaired surrogate → `?`). */
function writeJsonString(target: Buffer, at: number, text: string): number {
  if (text.length > jsonStringCache.maxLength) {
    // Long values (RPC arguments) are escaped by V8 and written by Node's encoder in one call each.
    const quoted = longQuoted(text);
    if (quoted !== null) return at + target.write(quoted, at, 'utf8');
  }
  target[at++] = 0x22;
  const cached = jsonStringCache.copy(text, target, at);
  if (cached >= 0) {
    at += cached;
  } else {
    const start = at;
    at = writeJsonStringContent(target, at, text);
    jsonStringCache.offer(text, target, start, at);
  }
  target[at++] = 0x22;
  return at;
}

/** The contents of the JSON string literal for `text`, quotes left out. */
function writeJsonStringContent(target: Buffer, at: number, text: string): number {
  const length = text.length;
  if (length >= NATIVE_WRITE_MIN_LENGTH && !NEEDS_ESCAPE.test(text)) return at + target.write(javaWireText(text), at, 'utf8');
  // Printable ASCII run (usually the whole string) first.
  let i = writeAsciiQuads(target, at, text, PLAIN);
  at += i;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x7f) target[at++] = c;
      else at = writeEscape(target, at, c);
    } else if (c <= 0x9f || c === 0x2028 || c === 0x2029) {
      at = writeEscape(target, at, c);
    } else {
      const next = writeNonAscii(target, at, text, i);
      if (next - at === 4) i++; // a surrogate pair: its low half is written too
      at = next;
    }
  }
  return at;
}

function writeEscape(target: Buffer, at: number, c: number): number {
  const short = SHORT_ESCAPES[c];
  if (short !== undefined) return writeAscii(target, at, short);
  target[at] = 0x5c;
  target[at + 1] = 0x75;
  target[at + 2] = HEX_DIGITS.charCodeAt(c >> 12);
  target[at + 3] = HEX_DIGITS.charCodeAt((c >> 8) & 0xf);
  target[at + 4] = HEX_DIGITS.charCodeAt((c >> 4) & 0xf);
  target[at + 5] = HEX_DIGITS.charCodeAt(c & 0xf);
  return at + 6;
}

/**
 * Whether fastjson would escape anything in `text[from, to)`. Short texts are scanned by a loop (a
 * regular expression call costs more than the scan at that size), long ones by the expression.
 */
export function needsJsonEscape(text: string, from = 0, to = text.length): boolean {
  if (to - from > 32) return NEEDS_ESCAPE.test(from === 0 && to === text.length ? text : text.slice(from, to));
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80 ? PLAIN[c] === 0 : c <= 0x9f || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/** A JSON string literal with fastjson's escaping (upper-case `\uXXXX`, `/` left alone), as text. */
export function quoteJson(text: string): string {
  if (text.length >= NATIVE_QUOTE_MIN_LENGTH) return nativeQuotedJson(text) ?? quoteJsonByLoop(text);
  return quoteJsonByLoop(text);
}

function quoteJsonByLoop(text: string): string {
  if (!needsJsonEscape(text)) return '"' + text + '"';
  let out = '"';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (c < 0x7f || c > 0x9f) && c !== 0x2028 && c !== 0x2029) continue;
    out += text.slice(from, i) + (SHORT_ESCAPES[c] ?? '\\u' + c.toString(16).toUpperCase().padStart(4, '0'));
    from = i + 1;
  }
  return out + text.slice(from) + '"';
}
