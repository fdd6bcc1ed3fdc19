import type { HeaderFields } from './header-fields.js';

/*
 * Fast path for the JSON header as fastjson (and our encoder) writes it: fixed property order, no
 * whitespace, no escapes, ext values that are strings (REMOTING.md §2.1). Such a header is a
 * sequence of known fragments, ints and strings. Fragments and digits are compared on the bytes
 * (a typed-array loop is cheaper than `charCodeAt`, which re-checks the string's representation on
 * every call); string ends are found with `indexOf` and strings cut out of the decoded text.
 * Anything else returns null and goes through the general reader, which also reports errors.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const CLOSE_BRACE = 0x7d;

const fragment = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const CODE = fragment('{"code":');
const EXT_FIELDS = fragment(',"extFields":{');
const FLAG = fragment(',"flag":');
const LANGUAGE = fragment(',"language":"');
const OPAQUE = fragment(',"opaque":');
const REMARK = fragment(',"remark":"');
const SERIALIZE_TYPE = fragment(',"serializeTypeCurrentRPC":"');
const VERSION = fragment(',"version":');

/** Where the last `readInt` stopped; -1 when the number was not a plain int32. */
let intEnd = -1;

/**
 * The fields of a canonical header, or null when it is not one. `text` is the header decoded, and
 * all ASCII, so that its character offsets are byte offsets from `start` in `bytes`.
 */
export function readCanonicalJsonHeader(bytes: Buffer, start: number, text: string): HeaderFields | null {
  if (!fragmentAt(bytes, start, CODE) || text.includes('\\')) return null;
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
        const keyEnd = text.indexOf('"', at + 1);
        if (keyEnd < 0 || bytes[start + keyEnd + 1] !== COLON || bytes[start + keyEnd + 2] !== QUOTE) return null;
        const valueEnd = text.indexOf('"', keyEnd + 3);
        if (valueEnd < 0) return null;
        extFields.set(text.substring(at + 1, keyEnd), text.substring(keyEnd + 3, valueEnd));
        at = valueEnd + 2;
        const next = bytes[start + valueEnd + 1];
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
    const end = text.indexOf('"', at + LANGUAGE.length);
    if (end < 0) return null;
    language = text.substring(at + LANGUAGE.length, end);
    at = end + 1;
  }
  if (!fragmentAt(bytes, start + at, OPAQUE)) return null;
  const opaque = readInt(bytes, start, at + OPAQUE.length);
  at = intEnd;
  if (at < 0) return null;
  let remark: string | null = null;
  if (fragmentAt(bytes, start + at, REMARK)) {
    const end = text.indexOf('"', at + REMARK.length);
    if (end < 0) return null;
    remark = text.substring(at + REMARK.length, end);
    at = end + 1;
  }
  if (!fragmentAt(bytes, start + at, SERIALIZE_TYPE)) return null;
  at = text.indexOf('"', at + SERIALIZE_TYPE.length) + 1;
  if (at === 0 || !fragmentAt(bytes, start + at, VERSION)) return null;
  const version = readInt(bytes, start, at + VERSION.length);
  at = intEnd;
  if (at < 0 || at !== text.length - 1 || bytes[start + at] !== CLOSE_BRACE) return null;
  // A null language is left out by the writer; the reader then uses the default, as fastjson does.
  return { code, language: language ?? 'JAVA', version, opaque, flag, remark, extFields };
}

function fragmentAt(bytes: Buffer, at: number, expected: Uint8Array): boolean {
  if (at + expected.length > bytes.length) return false;
  for (let i = 0; i < expected.length; i++) if (bytes[at + i] !== expected[i]) return false;
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
