/**
 * The exact JSON parser: what `lossless-json`'s `parse(text, null, (token) => new LosslessNumber(token))`
 * returns, built faster. Every number becomes a `LosslessNumber` holding its token text; the
 * accepted syntax, the duplicate-key rule and the `__proto__` handling are lossless-json 4.3's
 * (test/rpc/exact-json-parses-as-lossless-json-does.test.ts compares both on random and broken texts).
 *
 * Why not lossless-json itself: it appends strings character by character and re-checks each
 * number token with a regular expression in the `LosslessNumber` constructor. Measured on the
 * payloads of bench/rpc-payload-cases.ts (CPU time per parse, best of 15 interleaved rounds,
 * Node 20): the 10-item order (0.9 kB) takes 11.8 µs with lossless-json and 3.1 µs here, the
 * 20-entry ledger of longs and BigDecimals (2.2 kB) 24.5 µs and 8.7 µs; `JSON.parse`, which
 * loses digits, takes 3.7 µs and 7.2 µs. Strings are cut out with `indexOf` and `slice` (only
 * the few with escapes are decoded by `JSON.parse`), number tokens are scanned by character
 * code and wrapped without a second check, and keys that repeat the previous object's are
 * matched in place.
 */
import { LosslessNumber } from 'lossless-json';
import type { JsonNode, JsonObject } from './json-value.js';

const TAB = 0x09;
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const ONE = 0x31;
const NINE = 0x39;
const COLON = 0x3a;
const UPPER_E = 0x45;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const LOWER_E = 0x65;
const LOWER_F = 0x66;
const LOWER_N = 0x6e;
const LOWER_T = 0x74;
const LOWER_U = 0x75;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * Builds `LosslessNumber`s without the constructor's regular expression (the scanner has already
 * checked the token): same prototype and the same own properties in the same order, so
 * `instanceof`, `isLosslessNumber` and deep equality see no difference.
 */
const ExactNumber = function (this: { value: string; isLosslessNumber: boolean }, token: string) {
  this.value = token;
  this.isLosslessNumber = true;
} as unknown as { new (token: string): LosslessNumber; prototype: object };
ExactNumber.prototype = LosslessNumber.prototype;

// The parser's state. Parsing is synchronous and never calls out, so one set serves all calls.
let text = '';
let at = 0;
/** Position of the first backslash at or after the string being read (text.length: none). */
let nextBackslash = -1;
/** Position of the first control character at or after the string being read (text.length: none). */
let nextControl = -1;
// Raw control characters are what JSON forbids inside strings; finding them is this pattern's job.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f]/g;

/**
 * Parses JSON text with every number as a `LosslessNumber` of its token.
 * Throws `SyntaxError` (with the position) on malformed text and on a key repeated with a
 * different value, as lossless-json does.
 */
export function parseExactJson(source: string): JsonNode {
  text = source;
  at = 0;
  depth = 0;
  nextBackslash = -1;
  nextControl = -1;
  try {
    const value = readValue();
    skipWhitespace();
    if (at < text.length) throw failure('Expected end of input');
    return value;
  } finally {
    text = ''; // do not keep the last (possibly large) text alive
  }
}

function failure(what: string, position = at): SyntaxError {
  const found = position < text.length ? `but got ${JSON.stringify(text[position])}` : 'but reached end of input';
  return new SyntaxError(`${what} ${found} at position ${position}`);
}

/** Skips JSON whitespace; returns the code of the character after it (NaN at the end). */
function skipWhitespace(): number {
  let code = text.charCodeAt(at);
  while (code === SPACE || code === NEWLINE || code === RETURN || code === TAB) code = text.charCodeAt(++at);
  return code;
}

function readValue(): JsonNode {
  const code = skipWhitespace();
  if (code === QUOTE) return readString();
  if (code === OPEN_BRACE) return readObject();
  if (code === OPEN_BRACKET) return readArray();
  if ((code >= ZERO && code <= NINE) || code === MINUS) return readNumber();
  if (code === LOWER_T && text.startsWith('true', at)) {
    at += 4;
    return true;
  }
  if (code === LOWER_F && text.startsWith('false', at)) {
    at += 5;
    return false;
  }
  if (code === LOWER_N && text.startsWith('null', at)) {
    at += 4;
    return null;
  }
  throw failure('JSON value expected');
}

/**
 * The keys of the last object read at each nesting depth, when they were distinct, plain (no
 * escapes, not `__proto__`) and few. Objects in an array mostly repeat their neighbour's keys: a
 * key that matches its hint is taken without slicing it out, and while every key so far matched
 * its hint, none can have come before, so the duplicate check is skipped.
 */
const keyHints: string[][] = [];
const MAX_HINTED_DEPTH = 32;
const MAX_HINTED_KEYS = 64;
// A key with a quote, backslash or control character is written differently on the wire.
// eslint-disable-next-line no-control-regex
const NOT_PLAIN_KEY = /["\\\u0000-\u001f]/;
let depth = 0;

function readObject(): JsonObject {
  at++;
  const object: JsonObject = {};
  let code = skipWhitespace();
  if (code === CLOSE_BRACE) {
    at++;
    return object;
  }
  const hints = depth < MAX_HINTED_DEPTH ? (keyHints[depth] ??= []) : [];
  depth++;
  let count = 0;
  let hinted = true;
  for (;;) {
    if (code !== QUOTE) throw failure('Quoted object key expected');
    const hint = hinted ? hints[count] : undefined;
    if (hint !== undefined && text.startsWith(hint, at + 1) && text.charCodeAt(at + 1 + hint.length) === QUOTE) {
      at += hint.length + 2;
      if (skipWhitespace() !== COLON) throw failure("Colon ':' expected after property name");
      at++;
      object[hint] = readValue();
    } else {
      hinted = false;
      const keyAt = at;
      const key = readString();
      if (skipWhitespace() !== COLON) throw failure("Colon ':' expected after property name");
      at++;
      addProperty(object, key, readValue(), keyAt);
    }
    count++;
    code = skipWhitespace();
    if (code === COMMA) {
      at++;
      code = skipWhitespace();
    } else if (code === CLOSE_BRACE) {
      at++;
      depth--;
      if (!hinted || count !== hints.length) rememberKeys(Object.keys(object));
      return object;
    } else {
      throw failure("Comma ',' or end of object '}' expected");
    }
  }
}

/** Makes `keys` (of an object just read at `depth`) the hints for the next object there. */
function rememberKeys(keys: string[]): void {
  if (depth >= MAX_HINTED_DEPTH) return;
  const plain = keys.length <= MAX_HINTED_KEYS && keys.every((key) => key !== '__proto__' && !NOT_PLAIN_KEY.test(key));
  keyHints[depth] = plain ? keys : [];
}

/**
 * A key seen twice takes the later value when both values are deep-equal and is an error
 * otherwise (lossless-json's default). `__proto__` becomes an own property, never a prototype.
 */
function addProperty(object: JsonObject, key: string, value: JsonNode, keyAt: number): void {
  if (Object.hasOwn(object, key) && !isDeepEqual(value, object[key])) throw duplicate(key, keyAt);
  if (key === '__proto__') Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  else object[key] = value;
}

function duplicate(key: string, keyAt: number): SyntaxError {
  return new SyntaxError(`Duplicate key '${key}' encountered at position ${keyAt + 1}`);
}

function readArray(): JsonNode[] {
  at++;
  const array: JsonNode[] = [];
  if (skipWhitespace() === CLOSE_BRACKET) {
    at++;
    return array;
  }
  for (;;) {
    array.push(readValue());
    const code = skipWhitespace();
    if (code === COMMA) {
      at++;
    } else if (code === CLOSE_BRACKET) {
      at++;
      return array;
    } else {
      throw failure("Comma ',' or end of array ']' expected");
    }
  }
}

/** Reads the string literal at `at` (its opening quote). */
function readString(): string {
  const start = at + 1;
  const end = text.indexOf('"', start);
  if (end === -1) throw failure(`End of string '"' expected`, text.length);
  // The next backslash and control character are looked up once and reused until passed, so
  // the whole text is searched at most once for each.
  if (nextBackslash < start) {
    const found = text.indexOf('\\', start);
    nextBackslash = found === -1 ? text.length : found;
  }
  if (nextBackslash > end) {
    if (nextControl < start) {
      CONTROL.lastIndex = start;
      nextControl = CONTROL.exec(text)?.index ?? text.length;
    }
    if (nextControl < end) throw failure('Invalid character in string', nextControl);
    at = end + 1;
    return text.slice(start, end);
  }
  return readEscapedString(start);
}

/** A string with escapes: checked here character by character, decoded by `JSON.parse`. */
function readEscapedString(start: number): string {
  let i = start;
  for (;;) {
    const code = text.charCodeAt(i);
    if (code === QUOTE) break;
    if (code === BACKSLASH) {
      const escaped = text.charCodeAt(i + 1);
      if (escaped === LOWER_U) {
        if (!(isHex(text.charCodeAt(i + 2)) && isHex(text.charCodeAt(i + 3)) && isHex(text.charCodeAt(i + 4)) && isHex(text.charCodeAt(i + 5)))) {
          throw new SyntaxError(`Invalid unicode escape ${JSON.stringify(text.slice(i, i + 6))} at position ${i}`);
        }
        i += 6;
      } else if (isSimpleEscape(escaped)) {
        i += 2;
      } else {
        throw new SyntaxError(`Invalid escape character ${JSON.stringify(text.slice(i, i + 2))} at position ${i}`);
      }
    } else if (code < SPACE) {
      throw failure('Invalid character in string', i);
    } else if (Number.isNaN(code)) {
      throw failure(`End of string '"' expected`, i);
    } else {
      i++;
    }
  }
  at = i + 1;
  return JSON.parse(text.slice(start - 1, at)) as string;
}

function isHex(code: number): boolean {
  return (code >= ZERO && code <= NINE) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= LOWER_F);
}

/** `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`. */
function isSimpleEscape(code: number): boolean {
  return code === QUOTE || code === BACKSLASH || code === 0x2f || code === 0x62 || code === LOWER_F || code === LOWER_N || code === 0x72 || code === LOWER_T;
}

/** Reads the number token at `at`: `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`. */
function readNumber(): LosslessNumber {
  const start = at;
  let code = text.charCodeAt(at);
  if (code === MINUS) code = text.charCodeAt(++at);
  if (code === ZERO) {
    code = text.charCodeAt(++at);
  } else if (code >= ONE && code <= NINE) {
    do code = text.charCodeAt(++at);
    while (code >= ZERO && code <= NINE);
  } else {
    throw digitExpected(start);
  }
  if (code === DOT) {
    code = text.charCodeAt(++at);
    if (!(code >= ZERO && code <= NINE)) throw digitExpected(start);
    do code = text.charCodeAt(++at);
    while (code >= ZERO && code <= NINE);
  }
  if (code === LOWER_E || code === UPPER_E) {
    code = text.charCodeAt(++at);
    if (code === PLUS || code === MINUS) code = text.charCodeAt(++at);
    if (!(code >= ZERO && code <= NINE)) throw digitExpected(start);
    do code = text.charCodeAt(++at);
    while (code >= ZERO && code <= NINE);
  }
  return new ExactNumber(text.slice(start, at));
}

function digitExpected(start: number): SyntaxError {
  return failure(`Invalid number '${text.slice(start, at)}', expecting a digit`);
}

/**
 * lossless-json's duplicate-key comparison, kept as it is: arrays item by item, other objects
 * (a `LosslessNumber` too) by the union of their own enumerable keys.
 */
function isDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => isDeepEqual(item, b[index]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])];
    return keys.every((key) => isDeepEqual(left[key], right[key]));
  }
  return false;
}
