import type { HeaderFields } from './header-fields.js';
import { cachedExtKey, rememberExtKey } from './ext-key-cache.js';
import { readInt32 } from './int-bytes.js';

/*
 * Fast path for the JSON header as fastjson (and our encoder) writes it: fixed property order, no
 * whitespace, ext values that are strings (docs/protocol.md §2). Such a header is a sequence of known
 * fragments, ints and strings. Fragments and digits are compared on the bytes (a typed-array loop
 * is cheaper than `charCodeAt`, which re-checks the string's representation on every call); string
 * ends are found with `indexOf` and strings cut out of the decoded text. A string with escapes (seed
 * RPC's `argsJsonJson` is full of them) has its end found past escaped quotes and is unescaped by
 * `JSON.parse` of that one literal. Anything else returns null and goes through the general reader,
 * which also reports errors.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const CLOSE_BRACE = 0x7d;

/** Constant header text, compared four bytes per step (about twice as fast as byte by byte). */
interface Fragment {
  readonly length: number;
  /** The text's bytes as big-endian int32 words; the last 0-3 bytes are in `tail`. */
  readonly words: Int32Array;
  readonly tail: Uint8Array;
}

function fragment(text: string): Fragment {
  const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
  const words = new Int32Array(bytes.length >> 2).map((_, i) => readInt32(bytes, 4 * i));
  return { length: bytes.length, words, tail: bytes.subarray(4 * words.length) };
}
const CODE = fragment('{"code":');
const EXT_FIELDS = fragment(',"extFields":{');
const FLAG = fragment(',"flag":');
const LANGUAGE = fragment(',"language":"');
const OPAQUE = fragment(',"opaque":');
const REMARK = fragment(',"remark":"');
const SERIALIZE_TYPE = fragment(',"serializeTypeCurrentRPC":"');
const VERSION = fragment(',"version":');
const LANGUAGE_JAVA_OPAQUE = fragment(',"language":"JAVA","opaque":');
const SERIALIZE_JSON_VERSION = fragment(',"serializeTypeCurrentRPC":"JSON","version":');

/** Where the last `readInt` stopped; -1 when the number was not a plain int32. */
let intEnd = -1;
/** Offset after the closing quote of the last `readString`; -1 when there was no valid string. */
let stringEnd = -1;
/** Offset of the next backslash at or after the string being read (the text's length when none). */
let nextEscape = 0;

/**
 * The fields of a canonical header, or null when it is not one. `text` is the header decoded, and
 * all ASCII, so that its character offsets are byte offsets from `start` in `bytes`.
 */
export function readCanonicalJsonHeader(bytes: Buffer, start: number, text: string): HeaderFields | null {
  if (!fragmentAt(bytes, start, CODE)) return null;
  const firstEscape = text.indexOf('\\');
  nextEscape = firstEscape < 0 ? text.length : firstEscape;
  const code = readInt(bytes, start, CODE.length);
  let at = intEnd;
  if (at < 0) return null;
  let extFields: Map<string, string> | null = null;
  if (fragmentAt(bytes, start + at, EXT_FIELDS)) {
    at += EXT_FIELDS.length;
    extFields = new Map();
    if (bytes[start + at] === CLOSE_BRACE) {
      at++;
    } else {
      for (;;) {
        if (bytes[start + at] !== QUOTE) return null;
        const key = readKey(bytes, start, text, at);
        if (stringEnd < 0 || bytes[start + stringEnd] !== COLON || bytes[start + stringEnd + 1] !== QUOTE) return null;
        const value = readString(text, stringEnd + 1);
        if (stringEnd < 0) return null;
        extFields.set(key, value);
        const next = bytes[start + stringEnd];
        at = stringEnd + 1;
        if (next === CLOSE_BRACE) break;
        if (next !== COMMA) return null;
      }
    }
  }
  if (!fragmentAt(bytes, start + at, FLAG)) return null;
  const flag = readInt(bytes, start, at + FLAG.length);
  at = intEnd;
  if (at < 0) return null;
  let language: string | null = null;
  if (fragmentAt(bytes, start + at, LANGUAGE)) {
    language = readString(text, at + LANGUAGE.length - 1);
    at = stringEnd;
    if (at < 0) return null;
  }
  if (!fragmentAt(bytes, start + at, OPAQUE)) return null;
  const opaque = readInt(bytes, start, at + OPAQUE.length);
  at = intEnd;
  if (at < 0) return null;
  let remark: string | null = null;
  if (fragmentAt(bytes, start + at, REMARK)) {
    remark = readString(text, at + REMARK.length - 1);
    at = stringEnd;
    if (at < 0) return null;
  }
  if (!fragmentAt(bytes, start + at, SERIALIZE_TYPE)) return null;
  readString(text, at + SERIALIZE_TYPE.length - 1);
  at = stringEnd;
  if (at < 0 || !fragmentAt(bytes, start + at, VERSION)) return null;
  const version = readInt(bytes, start, at + VERSION.length);
  at = intEnd;
  if (at < 0 || at !== text.length - 1 || bytes[start + at] !== CLOSE_BRACE) return null;
  // A null language is left out by the writer; the reader then uses the default, as fastjson does.
  return { code, language: language ?? 'JAVA', version, opaque, flag, remark, extFields };
}

/**
 * A header with no ext fields and no remark, language JAVA (most responses:
 * `{"code":0,"flag":1,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":0}`),
 * read from `bytes[start, end)` alone: nothing in it needs to become a string, so the header is not
 * decoded to text at all. Null for anything else.
 */
export function readBareJsonHeader(bytes: Buffer, start: number, end: number): HeaderFields | null {
  if (!fragmentAt(bytes, start, CODE)) return null;
  const code = readInt(bytes, start, CODE.length);
  let at = intEnd;
  if (at < 0 || !fragmentAt(bytes, start + at, FLAG)) return null;
  const flag = readInt(bytes, start, at + FLAG.length);
  at = intEnd;
  if (at < 0 || !fragmentAt(bytes, start + at, LANGUAGE_JAVA_OPAQUE)) return null;
  const opaque = readInt(bytes, start, at + LANGUAGE_JAVA_OPAQUE.length);
  at = intEnd;
  if (at < 0 || !fragmentAt(bytes, start + at, SERIALIZE_JSON_VERSION)) return null;
  const version = readInt(bytes, start, at + SERIALIZE_JSON_VERSION.length);
  at = intEnd;
  // Fragments and digits may have matched bytes past the header (the body): only an exact end counts.
  if (at < 0 || start + at !== end - 1 || bytes[start + at] !== CLOSE_BRACE) return null;
  return { code, language: 'JAVA', version, opaque, flag, remark: null, extFields: null };
}

/**
 * The JSON string whose opening quote is at `open`; sets `stringEnd` (-1 when there is none, or
 * when `JSON.parse` refuses its escapes: raw control characters, which fastjson accepts, or broken
 * escapes; the general reader decides those).
 */
function readString(text: string, open: number): string {
  let close = text.indexOf('"', open + 1);
  if (close < 0) {
    stringEnd = -1;
    return '';
  }
  if (close < nextEscape) {
    stringEnd = close + 1;
    return text.substring(open + 1, close);
  }
  while (close >= 0 && escapedQuote(text, open, close)) close = text.indexOf('"', close + 1);
  if (close < 0) {
    stringEnd = -1;
    return '';
  }
  const following = text.indexOf('\\', close);
  nextEscape = following < 0 ? text.length : following;
  let value: unknown;
  try {
    value = JSON.parse(text.substring(open, close + 1));
  } catch {
    stringEnd = -1;
    return '';
  }
  stringEnd = close + 1;
  return value as string;
}

/** `readString` for an ext key: one without escapes comes from the key cache (ext-key-cache.ts). */
function readKey(bytes: Buffer, start: number, text: string, open: number): string {
  const close = text.indexOf('"', open + 1);
  if (close < 0 || close >= nextEscape) return readString(text, open);
  stringEnd = close + 1;
  const from = start + open + 1;
  const length = close - open - 1;
  return cachedExtKey(bytes, from, length) ?? rememberExtKey(bytes, from, length, text.substring(open + 1, close));
}

/** Whether the quote at `quote` is escaped: an odd run of backslashes before it, inside the string. */
function escapedQuote(text: string, open: number, quote: number): boolean {
  let backslashes = 0;
  for (let i = quote - 1; i > open && text.charCodeAt(i) === 0x5c; i--) backslashes++;
  return (backslashes & 1) === 1;
}

function fragmentAt(bytes: Buffer, at: number, expected: Fragment): boolean {
  if (at + expected.length > bytes.length) return false;
  const words = expected.words;
  for (let i = 0; i < words.length; i++) if (readInt32(bytes, at + 4 * i) !== words[i]) return false;
  const tail = expected.tail;
  const tailAt = at + 4 * words.length;
  for (let i = 0; i < tail.length; i++) if (bytes[tailAt + i] !== tail[i]) return false;
  return true;
}

/**
 * A plain JSON int32 (no leading zeros) at text offset `at`; sets `intEnd` to the offset after it,
 * or to -1 when there is none.
 */
function readInt(bytes: Buffer, start: number, at: number): number {
  let i = start + at;
  const negative = bytes[i] === MINUS;
  if (negative) i++;
  const from = i;
  let value = 0;
  for (;;) {
    const digit = bytes[i]! - 0x30;
    if (!(digit >= 0 && digit <= 9)) break;
    value = value * 10 + digit;
    i++;
  }
  const digits = i - from;
  if (digits === 0 || digits > 10 || (digits > 1 && bytes[from] === 0x30)) {
    intEnd = -1;
    return 0;
  }
  if (negative) value = -value;
  if (value < -0x80000000 || value > 0x7fffffff) {
    intEnd = -1;
    return 0;
  }
  intEnd = i - start;
  return value | 0;
}
