import { needsJsonEscape, quoteJson } from '../protocol/index.js';
import { nativeJsonStringArray, NATIVE_QUOTE_MIN_LENGTH } from '../protocol/json-native-quote.js';
import { ValueError } from './json-value.js';

/**
 * `argsJsonJson` (docs/protocol.md §7.1): a JSON array of strings, element i being the JSON text of
 * argument i. `["\"a\"","\"b\""]` for `sayHello("a", "b")`.
 */
export function encodeArgsJsonJson(argumentTexts: readonly string[]): string {
  if (argumentTexts.length === 1) {
    const text = argumentTexts[0]!;
    if (text.length < NATIVE_QUOTE_MIN_LENGTH) return '[' + quoteArgument(text) + ']';
  }
  // Long arguments: the whole array by V8 in one flat string (see json-native-quote.ts).
  if (hasLongText(argumentTexts)) {
    const native = nativeJsonStringArray(argumentTexts);
    if (native !== null) return native;
  }
  let out = '[';
  for (let i = 0; i < argumentTexts.length; i++) out += (i === 0 ? '' : ',') + quoteArgument(argumentTexts[i]!);
  return out + ']';
}

/**
 * The `argsJsonJson` of one argument whose JSON text is a string literal with `content` inside that
 * needs no escaping (see `ValueCodec.encodeContent`): `"abc"` goes in as `"\"abc\""`, its quotes
 * being the only characters to escape.
 */
export function literalArgsJsonJson(content: string): string {
  return '["\\"' + content + '\\""]';
}

/**
 * The `argsJsonJson` of one argument whose text has every character where V8 and fastjson differ
 * already escaped (see `ValueCodec.writesEscapedText`): V8's quoting is then fastjson's as long as
 * the text is well formed, with no check of its characters.
 */
export function escapedArgsJsonJson(text: string): string {
  return text.length >= NATIVE_QUOTE_MIN_LENGTH && text.isWellFormed() ? JSON.stringify([text]) : encodeArgsJsonJson([text]);
}

function hasLongText(texts: readonly string[]): boolean {
  for (const text of texts) if (text.length >= NATIVE_QUOTE_MIN_LENGTH) return true;
  return false;
}

/** `quoteJson(text)`, with shortcuts for the two common shapes: a number-like text and a plain string literal. */
function quoteArgument(text: string): string {
  // Long texts: V8's escaping (see json-native-quote.ts) beats any scan written here.
  if (text.length >= NATIVE_QUOTE_MIN_LENGTH) return quoteJson(text);
  if (!needsJsonEscape(text)) return '"' + text + '"';
  const last = text.length - 1;
  if (last >= 1 && text.charCodeAt(0) === 0x22 && text.charCodeAt(last) === 0x22) {
    if (!needsJsonEscape(text, 1, last)) return '"\\"' + text.slice(1, last) + '\\""';
  }
  return quoteJson(text);
}

/** Longest `argsJsonJson` read by `scanStringArray`; longer ones go to `JSON.parse`. */
const SCAN_MAX_LENGTH = 256;

/**
 * The argument texts of an `argsJsonJson` value. Lenient as fastjson's `List<String>` reading is:
 * a missing value is no arguments (the Java consumer cannot even send a no-argument call), a null
 * element is the argument `null`, a number or boolean element is its own text.
 */
export function decodeArgsJsonJson(text: string | undefined | null): string[] {
  if (text === undefined || text === null) return [];
  // Short arrays are read faster by the scan than by a JSON.parse call; long ones the other way round.
  if (text.length < SCAN_MAX_LENGTH) {
    const fast = scanStringArray(text);
    if (fast !== null) return fast;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValueError(`argsJsonJson is not JSON: ${(error as Error).message}`);
  }
  if (parsed === null) return [];
  if (!Array.isArray(parsed)) throw new ValueError('argsJsonJson is not a JSON array');
  let allStrings = true;
  for (let i = 0; i < parsed.length && allStrings; i++) allStrings = typeof parsed[i] === 'string';
  if (allStrings) return parsed as string[];
  return parsed.map((item, i) => {
    if (typeof item === 'string') return item;
    if (item === null) return 'null';
    if (typeof item === 'boolean' || (typeof item === 'number' && Number.isSafeInteger(item))) return String(item);
    throw new ValueError(`argsJsonJson element ${i} is not a string`);
  });
}

/**
 * The content of the one argument of `["\"…\""]`, a string literal without escapes inside, found
 * by two character searches instead of a parse of the whole value; null for any other shape. Meant
 * for arguments whose codec reads such content (`ValueCodec.decodeContent`: `byte[]`): raw control
 * characters are not looked for here, that codec refuses them.
 */
export function literalArgumentContent(text: string): string | null {
  const end = text.length - 4;
  if (!text.startsWith('["\\"') || !text.endsWith('\\""]')) return null;
  if (text.indexOf('\\', 4) !== end || text.indexOf('"', 4) !== end + 1) return null;
  return text.slice(4, end);
}

/**
 * A JSON array of strings without whitespace, whose strings use only the escapes `\"` and
 * `\\` (what fastjson and we write for string, number and bean arguments), read without
 * `JSON.parse`. Anything else returns null (and goes through `JSON.parse`).
 */
function scanStringArray(text: string): string[] | null {
  const end = text.length;
  if (end < 2 || text.charCodeAt(0) !== 0x5b || text.charCodeAt(end - 1) !== 0x5d) return null;
  const out: string[] = [];
  let i = 1;
  if (i === end - 1) return out;
  for (;;) {
    if (text.charCodeAt(i) !== 0x22) return null;
    i++;
    let value = '';
    let from = i;
    for (;;) {
      if (i >= end) return null;
      const c = text.charCodeAt(i);
      if (c === 0x22) break;
      if (c < 0x20) return null;
      if (c === 0x5c) {
        const next = text.charCodeAt(i + 1);
        if (next !== 0x22 && next !== 0x5c) return null;
        value += text.slice(from, i) + (next === 0x22 ? '"' : '\\');
        i += 2;
        from = i;
        continue;
      }
      i++;
    }
    out.push(value + text.slice(from, i));
    i++;
    const c = text.charCodeAt(i);
    if (c === 0x5d) return i === end - 1 ? out : null;
    if (c !== 0x2c) return null;
    i++;
  }
}
