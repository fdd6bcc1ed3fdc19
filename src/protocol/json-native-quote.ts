/**
 * fastjson's string escaping (docs/protocol.md §2) done by V8's `JSON.stringify`, which escapes
 * long strings several times faster than a JavaScript loop.
 *
 * The two agree on every character but these:
 * - C0 controls without a short escape: V8 writes `\u001f`, fastjson `\u001F` (upper-case hex);
 * - unpaired surrogates: V8 writes `\udXXX`, fastjson the raw unit (Java's UTF-8 then writes `?`);
 * - DEL, the C1 controls (U+007F–U+009F), U+2028 and U+2029: fastjson escapes them, V8 does not.
 * Unpaired surrogates are ruled out by `isWellFormed` (free for Latin-1 strings). The rest is looked
 * for in whichever way is cheaper for the text at hand: with few escapes, `\u` in V8's output (C0)
 * plus DEL by `indexOf` in ASCII text or one character-class test otherwise; with many escapes (JSON
 * inside JSON, where every backslash is a false start for a search of `\u`), one character-class
 * test of the input.
 */

/** Below this length the loop in json-header.ts wins over the native calls' fixed cost. */
export const NATIVE_QUOTE_MIN_LENGTH = 48;

// eslint-disable-next-line no-control-regex -- control characters are what is looked for
const ESCAPED_DIFFERENTLY = /[\u0000-\u0007\u000b\u000e-\u001f\u007f-\u009f\u2028\u2029]/;
const UNESCAPED_BY_V8 = /[\u007f-\u009f\u2028\u2029]/;
/** More than one escape per this many characters counts as dense. */
const DENSE_ESCAPES = 16;

let lastBytes = -1;

/** The JSON string literal fastjson writes for `text`, or null when V8's would differ from it. */
export function nativeQuotedJson(text: string): string | null {
  if (!text.isWellFormed()) return null;
  const quoted = JSON.stringify(text);
  const escapes = quoted.length - text.length - 2;
  if (escapes * DENSE_ESCAPES > text.length) {
    lastBytes = -1;
    return ESCAPED_DIFFERENTLY.test(text) ? null : quoted;
  }
  if (quoted.includes('\\u')) return null;
  const textBytes = Buffer.byteLength(text, 'utf8');
  if (textBytes === text.length ? text.includes('\u007f') : UNESCAPED_BY_V8.test(text)) return null;
  // Escapes replace ASCII characters by ASCII characters.
  lastBytes = textBytes + escapes;
  return quoted;
}

/** UTF-8 length of the literal the last successful `nativeQuotedJson` call returned, when it was counted; else -1. */
export function lastNativeQuotedBytes(): number {
  return lastBytes;
}
