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
  single[0] = text;
  const agrees = agreesWithFastjson(quoted, text.length + 2, single);
  single[0] = '';
  return agrees ? quoted : null;
}

/** The one-element input list of `nativeQuotedJson`, reused (emptied after each call). */
const single: string[] = [''];

/**
 * The JSON array of string literals fastjson writes for `texts` (`["a","b"]`), made by one
 * `JSON.stringify` call, or null when V8's text would differ from it. One flat string: no
 * concatenation of separately quoted parts that would be copied again when written.
 */
export function nativeJsonStringArray(texts: readonly string[]): string | null {
  // `[`, `]`, two quotes per element and the commas.
  let plainLength = texts.length === 0 ? 2 : 1 + 3 * texts.length;
  for (const text of texts) {
    if (!text.isWellFormed()) return null;
    plainLength += text.length;
  }
  const json = JSON.stringify(texts);
  return agreesWithFastjson(json, plainLength, texts) ? json : null;
}

/**
 * Whether V8's `output` for `inputs` (well-formed strings) is fastjson's, `plainLength` being the
 * output's length had nothing been escaped. Records the output's UTF-8 length when it is found on
 * the way.
 */
function agreesWithFastjson(output: string, plainLength: number, inputs: readonly string[]): boolean {
  const escapes = output.length - plainLength;
  if (escapes * DENSE_ESCAPES > plainLength) {
    lastBytes = -1;
    for (const input of inputs) if (ESCAPED_DIFFERENTLY.test(input)) return false;
    return true;
  }
  if (output.includes('\\u')) return false;
  let bytes = output.length;
  for (const input of inputs) {
    const inputBytes = Buffer.byteLength(input, 'utf8');
    if (inputBytes === input.length ? input.includes('\u007f') : UNESCAPED_BY_V8.test(input)) return false;
    // Escapes replace ASCII characters by ASCII characters: only the input's own characters add bytes.
    bytes += inputBytes - input.length;
  }
  lastBytes = bytes;
  return true;
}

/** UTF-8 length of the text the last successful native call returned, when it was counted; else -1. */
export function lastNativeQuotedBytes(): number {
  return lastBytes;
}
