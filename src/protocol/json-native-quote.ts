/**
 * fastjson's string escaping (REMOTING.md §2) done by V8's `JSON.stringify`, which escapes at memory
 * speed where a JavaScript loop costs a few nanoseconds per character.
 *
 * The two agree on every character but these:
 * - C0 controls without a short escape: V8 writes `\u001f`, fastjson `\u001F` (upper-case hex);
 * - unpaired surrogates: V8 writes `\udXXX`, fastjson the raw unit (Java's UTF-8 then writes `?`);
 * - DEL, the C1 controls (U+007F–U+009F), U+2028 and U+2029: fastjson escapes them, V8 does not.
 * The first two show as `\u` in V8's output; the last are looked for in the input: none can occur in
 * ASCII text but DEL, found by `indexOf`; other text is checked by one character-class test.
 */

/** Below this length the loop in json-header.ts wins over the native calls' fixed cost. */
export const NATIVE_QUOTE_MIN_LENGTH = 48;

const UNESCAPED_BY_V8 = /[\u007f-\u009f\u2028\u2029]/;

/** The JSON string literal fastjson writes for `text`, or null when V8's would differ from it. */
export function nativeQuotedJson(text: string): string | null {
  const quoted = JSON.stringify(text);
  if (quoted.includes('\\u')) return null;
  if (Buffer.byteLength(text, 'utf8') === text.length) return text.includes('\u007f') ? null : quoted;
  return UNESCAPED_BY_V8.test(text) ? null : quoted;
}
