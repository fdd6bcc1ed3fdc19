import { isUtf8 } from 'node:buffer';
import { ProtocolError } from '../errors.js';
import type { HeaderFields } from './header-fields.js';
import { readBareJsonHeader, readCanonicalJsonHeader } from './json-header-canonical.js';
import { readJsonHeaderNatively } from './json-header-native.js';
import { languageName } from './language.js';
import { utf8Text } from './buffer-methods.js';

/*
 * A reader for the JSON header (docs/protocol.md §2). Headers written the way fastjson writes them take the
 * fast path in json-header-canonical.ts; this general reader handles everything else. Compared with
 * `JSON.parse` it builds no intermediate object, keeps the wire order of ext keys (an object would move integer-like keys
 * such as "1" to the front) and finds the end of each string with one native `indexOf`.
 *
 * Accepted as Java (fastjson) does: any property order, unknown properties (skipped, still
 * syntax-checked), missing properties (0 / JAVA / null), ints written as JSON strings of digits,
 * a language given by its ordinal, ext values that are not strings (kept as their JSON text; `null`
 * means no entry), raw control characters inside strings.
 * Refused: other syntax errors (MALFORMED_JSON), invalid UTF-8 (INVALID_UTF8), known properties of
 * the wrong type (BAD_HEADER; reported only when the whole header is otherwise valid).
 */

const MAX_DEPTH = 512;

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const DOT = 0x2e;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LETTER_N = 0x6e;
const LETTER_T = 0x74;
const LETTER_F = 0x66;

const UNKNOWN = 0;
const CODE = 1;
const LANGUAGE = 2;
const VERSION = 3;
const OPAQUE = 4;
const FLAG = 5;
const REMARK = 6;
const EXT_FIELDS = 7;

const PROPERTY_IDS: Record<string, number> = {
  code: CODE,
  language: LANGUAGE,
  version: VERSION,
  opaque: OPAQUE,
  flag: FLAG,
  remark: REMARK,
  extFields: EXT_FIELDS,
};

const ESCAPED: Record<number, string> = { 0x22: '"', 0x5c: '\\', 0x2f: '/', 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t' };

/** Reads the JSON header occupying `bytes[start, end)`. */
export function readJsonHeader(bytes: Buffer, start: number, end: number): HeaderFields {
  const bare = readBareJsonHeader(bytes, start, end);
  if (bare !== null) return bare;
  const text = utf8Text(bytes, start, end);
  // As many characters as bytes and no replacement character: every byte was ASCII. (On an
  // ASCII-only string V8 answers `includes` of a non-Latin-1 character without scanning.)
  const ascii = text.length === end - start && !text.includes('\uFFFD');
  if (ascii) {
    const fields = readCanonicalJsonHeader(bytes, start, text);
    if (fields !== null) return fields;
  } else if (text.includes('\uFFFD') && !isUtf8(bytes.subarray(start, end))) {
    throw new ProtocolError('INVALID_UTF8', 'invalid UTF-8 in JSON header');
  }
  return readJsonHeaderNatively(text) ?? new JsonHeaderReader(text).read();
}

/** The character reader alone, without the canonical and native fast paths (tests compare them). */
export function readJsonHeaderText(text: string): HeaderFields {
  return new JsonHeaderReader(text).read();
}

class JsonHeaderReader {
  private pos = 0;
  /** Position of the next backslash at or after the last string start (text.length when none). */
  private nextBackslash = -1;
  /** The first wrongly typed known property; reported only if the whole header is valid JSON. */
  private fieldError: ProtocolError | null = null;

  constructor(private readonly text: string) {}

  read(): HeaderFields {
    const fields: HeaderFields = { code: 0, language: 'JAVA', version: 0, opaque: 0, flag: 0, remark: null, extFields: null };
    this.skipWhitespace();
    if (this.peek() !== OPEN_BRACE) this.fail('the header is not an object');
    this.pos++;
    this.skipWhitespace();
    if (this.peek() === CLOSE_BRACE) {
      this.pos++;
    } else {
      for (;;) {
        const property = this.readPropertyName();
        this.skipWhitespace();
        this.expect(COLON);
        this.skipWhitespace();
        switch (property) {
          case CODE:
            fields.code = this.readInt32('code');
            break;
          case LANGUAGE:
            fields.language = this.readLanguage();
            break;
          case VERSION:
            fields.version = this.readInt32('version');
            break;
          case OPAQUE:
            fields.opaque = this.readInt32('opaque');
            break;
          case FLAG:
            fields.flag = this.readInt32('flag');
            break;
          case REMARK:
            fields.remark = this.readRemark();
            break;
          case EXT_FIELDS:
            fields.extFields = this.readExtFields();
            break;
          default:
            this.skipValue(1);
        }
        if (!this.endOfMember(CLOSE_BRACE)) break;
      }
    }
    this.skipWhitespace();
    if (this.pos !== this.text.length) this.fail('unexpected data after the header object');
    if (this.fieldError !== null) throw this.fieldError;
    return fields;
  }

  /** After a member: true at `,` (more follow), false at the closing bracket. */
  private endOfMember(close: number): boolean {
    this.skipWhitespace();
    const next = this.next();
    if (next === COMMA) {
      this.skipWhitespace();
      return true;
    }
    if (next !== close) this.fail(`expected ',' or '${String.fromCharCode(close)}'`, this.pos - 1);
    return false;
  }

  // ---- known properties ----

  /** Which known property the next key names (UNKNOWN for any other key). */
  private readPropertyName(): number {
    if (this.peek() !== QUOTE) this.fail('expected a property name');
    const from = this.pos + 1;
    const close = this.closingQuote(from);
    if (close < 0) return PROPERTY_IDS[this.readString()] ?? UNKNOWN;
    this.pos = close + 1;
    const { text } = this;
    switch (close - from) {
      case 4:
        if (text.startsWith('code', from)) return CODE;
        return text.startsWith('flag', from) ? FLAG : UNKNOWN;
      case 6:
        if (text.startsWith('opaque', from)) return OPAQUE;
        return text.startsWith('remark', from) ? REMARK : UNKNOWN;
      case 7:
        return text.startsWith('version', from) ? VERSION : UNKNOWN;
      case 8:
        return text.startsWith('language', from) ? LANGUAGE : UNKNOWN;
      case 9:
        return text.startsWith('extFields', from) ? EXT_FIELDS : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private readInt32(field: string): number {
    const c = this.peek();
    let value: number;
    if (c === MINUS || isDigit(c)) {
      value = this.readNumber();
    } else if (c === QUOTE) {
      const digits = this.readString();
      value = /^-?\d+$/.test(digits) ? Number(digits) : NaN;
    } else if (c === LETTER_N) {
      this.readLiteral('null');
      return 0;
    } else {
      this.skipValue(1);
      value = NaN;
    }
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      this.fieldError ??= new ProtocolError('BAD_HEADER', `JSON header field ${field} is not an int32`, { field });
      return 0;
    }
    return value | 0;
  }

  private readLanguage(): string | null {
    const c = this.peek();
    if (c === QUOTE) return this.readString();
    if (c === LETTER_N) {
      this.readLiteral('null');
      return null;
    }
    // fastjson maps an enum from its ordinal too.
    if (c === MINUS || isDigit(c)) {
      const name = languageName(this.readNumber());
      if (name !== null) return name;
    } else {
      this.skipValue(1);
    }
    this.fieldError ??= new ProtocolError('BAD_HEADER', 'JSON header field language is not a language', { field: 'language' });
    return 'JAVA';
  }

  private readRemark(): string | null {
    const c = this.peek();
    if (c === QUOTE) return this.readString();
    if (c === MINUS || isDigit(c)) return String(this.readNumber());
    if (c === LETTER_N) return this.readLiteral('null');
    if (c === LETTER_T) return this.readLiteral('true');
    if (c === LETTER_F) return this.readLiteral('false');
    this.skipValue(1);
    this.fieldError ??= new ProtocolError('BAD_HEADER', 'JSON header field remark is not a string', { field: 'remark' });
    return null;
  }

  private readExtFields(): Map<string, string> | null {
    const c = this.peek();
    if (c === LETTER_N) {
      this.readLiteral('null');
      return null;
    }
    if (c !== OPEN_BRACE) {
      this.skipValue(1);
      this.fieldError ??= new ProtocolError('BAD_HEADER', 'JSON header field extFields is not an object', { field: 'extFields' });
      return null;
    }
    this.pos++;
    const ext = new Map<string, string>();
    this.skipWhitespace();
    if (this.peek() === CLOSE_BRACE) {
      this.pos++;
      return ext;
    }
    do {
      if (this.peek() !== QUOTE) this.fail('expected an ext key');
      const key = this.readString();
      this.skipWhitespace();
      this.expect(COLON);
      this.skipWhitespace();
      const value = this.readExtValue();
      // A Java HashMap entry with a null value is no entry at all.
      if (value === null) ext.delete(key);
      else ext.set(key, value);
    } while (this.endOfMember(CLOSE_BRACE));
    return ext;
  }

  /** A string as is; any other scalar or structure as its JSON text (fastjson's coercion to String). */
  private readExtValue(): string | null {
    const c = this.peek();
    if (c === QUOTE) return this.readString();
    if (c === LETTER_N) {
      this.readLiteral('null');
      return null;
    }
    const from = this.pos;
    this.skipValue(1);
    return this.text.slice(from, this.pos);
  }

  // ---- JSON tokens ----

  /**
   * The position of the quote closing the string that starts at `from`, or -1 when the string has
   * escapes (then the quote found may itself be escaped, and the string needs the slow path).
   */
  private closingQuote(from: number): number {
    const { text } = this;
    const close = text.indexOf('"', from);
    if (close < 0) this.fail('unterminated string', from - 1);
    if (this.nextBackslash < from) {
      const backslash = text.indexOf('\\', from);
      this.nextBackslash = backslash < 0 ? text.length : backslash;
    }
    return this.nextBackslash < close ? -1 : close;
  }

  /** A string token starting at the current quote. */
  private readString(): string {
    const from = this.pos + 1;
    const close = this.closingQuote(from);
    if (close >= 0) {
      this.pos = close + 1;
      return this.text.substring(from, close);
    }
    return this.readEscapedString(from);
  }

  private readEscapedString(from: number): string {
    const { text } = this;
    let out = '';
    let run = from;
    let at = from;
    for (;;) {
      if (at >= text.length) this.fail('unterminated string', from - 1);
      const c = text.charCodeAt(at);
      if (c === QUOTE) break;
      if (c !== BACKSLASH) {
        at++;
        continue;
      }
      out += text.substring(run, at);
      const kind = text.charCodeAt(at + 1);
      const simple = ESCAPED[kind];
      if (simple !== undefined) {
        out += simple;
        at += 2;
      } else if (kind === 0x75 && /^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) {
        // Lone surrogates are kept, as JSON.parse does; the encoder writes them as '?' like Java.
        out += String.fromCharCode(parseInt(text.slice(at + 2, at + 6), 16));
        at += 6;
      } else {
        this.fail('bad escape', at);
      }
      run = at;
    }
    this.pos = at + 1;
    return out + text.substring(run, at);
  }

  /** A number token (strict JSON grammar), as a JS number. */
  private readNumber(): number {
    const { text } = this;
    const from = this.pos;
    let at = from;
    if (text.charCodeAt(at) === MINUS) at++;
    const first = text.charCodeAt(at);
    if (first === 0x30) at++;
    else if (isDigit(first)) at = this.digits(at);
    else this.fail('bad number', from);
    let simple = at - from <= 10;
    if (text.charCodeAt(at) === DOT) {
      simple = false;
      at = this.digits(at + 1);
    }
    const e = text.charCodeAt(at);
    if (e === 0x65 || e === 0x45) {
      simple = false;
      at++;
      const sign = text.charCodeAt(at);
      if (sign === 0x2b || sign === MINUS) at++;
      at = this.digits(at);
    }
    this.pos = at;
    if (!simple) return Number(text.slice(from, at));
    const negative = text.charCodeAt(from) === MINUS;
    let value = 0;
    for (let i = negative ? from + 1 : from; i < at; i++) value = value * 10 + text.charCodeAt(i) - 0x30;
    return negative ? -value : value;
  }

  /** One or more digits starting at `at`; returns the position after them. */
  private digits(at: number): number {
    const { text } = this;
    if (!isDigit(text.charCodeAt(at))) this.fail('bad number', at);
    while (isDigit(text.charCodeAt(at))) at++;
    return at;
  }

  /** `null`, `true` or `false`; returns null for `null`, else the literal's text. */
  private readLiteral(literal: 'null' | 'true' | 'false'): string | null {
    if (!this.text.startsWith(literal, this.pos)) this.fail('bad literal');
    this.pos += literal.length;
    return literal === 'null' ? null : literal;
  }

  /** Skips any JSON value, checking its syntax. */
  private skipValue(depth: number): void {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH}`);
    const c = this.peek();
    if (c === QUOTE) {
      const from = this.pos + 1;
      const close = this.closingQuote(from);
      if (close >= 0) this.pos = close + 1;
      else this.readEscapedString(from);
    } else if (c === MINUS || isDigit(c)) {
      this.readNumber();
    } else if (c === LETTER_N) {
      this.readLiteral('null');
    } else if (c === LETTER_T) {
      this.readLiteral('true');
    } else if (c === LETTER_F) {
      this.readLiteral('false');
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const close = c === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      this.pos++;
      this.skipWhitespace();
      if (this.peek() === close) {
        this.pos++;
        return;
      }
      do {
        if (close === CLOSE_BRACE) {
          if (this.peek() !== QUOTE) this.fail('expected a property name');
          this.skipValue(depth + 1);
          this.skipWhitespace();
          this.expect(COLON);
          this.skipWhitespace();
        }
        this.skipValue(depth + 1);
      } while (this.endOfMember(close));
    } else {
      this.fail(c < 0 ? 'unexpected end' : `unexpected character ${JSON.stringify(String.fromCharCode(c))}`);
    }
  }

  // ---- characters ----

  /** The current character code, or -1 at the end. */
  private peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  private next(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos++) : -1;
  }

  private expect(c: number): void {
    if (this.next() !== c) this.fail(`expected '${String.fromCharCode(c)}'`, this.pos - 1);
  }

  private skipWhitespace(): void {
    const { text } = this;
    let at = this.pos;
    for (;;) {
      const c = text.charCodeAt(at);
      if (c !== SPACE && c !== LF && c !== CR && c !== TAB) break;
      at++;
    }
    this.pos = at;
  }

  private fail(message: string, at: number = this.pos): never {
    throw new ProtocolError('MALFORMED_JSON', `malformed JSON header: ${message} at character ${at}`);
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
