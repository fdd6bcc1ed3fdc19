import { javaDoubleToString, parseJavaDouble, quoteJson } from '../protocol/index.js';
import { JavaType } from './java-type.js';
import { numberToken, toPlainValue, ValueError, writePlainJson, type JsonNode } from './json-value.js';
import { isLosslessNumber } from 'lossless-json';

type Present = Exclude<JsonNode, null>;

/** A number token, or a string that fastjson would convert (`"12"` → 12), as text; null otherwise. */
function numericText(node: Present): string | null {
  if (typeof node === 'number' || isLosslessNumber(node)) return numberToken(node);
  if (typeof node === 'string') {
    const trimmed = node.trim();
    return trimmed === '' ? null : trimmed;
  }
  return null;
}

/** What a number token without fraction and exponent looks like. */
const INTEGER_TOKEN = /^-?\d+$/;

/**
 * The whole number a JSON number token stands for (`12`, `1.0`, `1e3`), else null; what
 * {@link integerFromText} answers for the token, without its regular expressions (a token always
 * has the decimal form they check for).
 */
function integerFromToken(token: string): bigint | null {
  if (INTEGER_TOKEN.test(token)) return BigInt(token);
  const value = Number(token);
  return Number.isSafeInteger(value) ? BigInt(value) : null;
}

/** An integer from decimal text; `1.0`/`1e3` count when they are whole. Null when not an integer. */
function integerFromText(text: string): bigint | null {
  if (/^[+-]?\d+$/.test(text)) return BigInt(text);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? BigInt(value) : null;
}

/** `int`, `short`, `byte` and their boxes: a JavaScript number in the type's range. */
export class IntegerType extends JavaType<number | null> {
  constructor(
    javaName: string,
    private readonly label: string,
    private readonly min: number,
    private readonly max: number,
  ) {
    super(javaName, true);
  }

  describe(): string {
    return this.label;
  }

  override get missingFieldValue(): number | null {
    return this.isPrimitive ? 0 : null;
  }

  protected readValue(node: Present): number {
    if (typeof node === 'number' && Number.isInteger(node)) return this.checked(node);
    if (isLosslessNumber(node)) {
      // integerFromText's answer without its regular expressions: Number(token) is
      // Number(BigInt(token)) for an integer token, as both round to nearest.
      const value = Number(node.value);
      if (Number.isSafeInteger(value) || INTEGER_TOKEN.test(node.value)) return this.checked(value);
      throw this.mismatch(node);
    }
    const text = numericText(node);
    const value = text === null ? null : integerFromText(text);
    if (value === null) throw typeof node === 'string' ? new ValueError(`expected ${this.label} but got ${JSON.stringify(node)}`) : this.mismatch(node);
    return this.checked(Number(value));
  }

  protected writeValue(value: unknown): string {
    if (typeof value !== 'number' || !Number.isInteger(value)) throw this.wrongValue(value);
    return String(this.checked(value));
  }

  private checked(value: number): number {
    if (value < this.min || value > this.max) throw new ValueError(`${value} is out of range for ${this.label}`);
    return value === 0 ? 0 : value;
  }
}

/** `long`/`Long` (int64) and `BigInteger` (unbounded): a JavaScript `bigint`, exact beyond 2^53. */
export class BigIntegerType extends JavaType<bigint | null> {
  /** The range of a fixed-width type: min <= value < limit, min = -2^(bits-1), limit = 2^(bits-1). */
  private readonly limit: bigint | null;
  private readonly min: bigint | null;

  constructor(
    javaName: string,
    private readonly label: string,
    private readonly bits: number | null,
  ) {
    super(javaName, true);
    this.limit = bits === null ? null : 1n << BigInt(bits - 1);
    this.min = this.limit === null ? null : -this.limit;
  }

  describe(): string {
    return this.label;
  }

  override get missingFieldValue(): bigint | null {
    return this.isPrimitive ? 0n : null;
  }

  protected readValue(node: Present): bigint {
    if (isLosslessNumber(node)) {
      const value = integerFromToken(node.value);
      if (value === null) throw this.mismatch(node);
      return this.checked(value);
    }
    // String(node) of a safe integer is its digits: BigInt(node) is what the text would give.
    if (typeof node === 'number' && Number.isSafeInteger(node)) return this.checked(BigInt(node));
    const text = numericText(node);
    const value = text === null ? null : integerFromText(text);
    if (value === null) throw typeof node === 'string' ? new ValueError(`expected ${this.label} but got ${JSON.stringify(node)}`) : this.mismatch(node);
    return this.checked(value);
  }

  protected writeValue(value: unknown): string {
    if (typeof value === 'bigint') return this.checked(value).toString();
    // Plain JavaScript callers may pass a number; only an exactly representable one is accepted.
    if (typeof value === 'number' && Number.isSafeInteger(value)) return this.checked(BigInt(value)).toString();
    throw this.wrongValue(value, `${this.label} (bigint)`);
  }

  private checked(value: bigint): bigint {
    const limit = this.limit;
    if (limit !== null && (value < this.min! || value >= limit)) throw new ValueError(`${value} is out of range for ${this.label}`);
    return value;
  }
}

/** `double`/`float` and their boxes. Written as Java's `Double.toString`/`Float.toString`; NaN and ±Infinity as null (fastjson). */
export class FloatingType extends JavaType<number | null> {
  constructor(
    javaName: string,
    private readonly label: string,
    private readonly single: boolean,
  ) {
    super(javaName, true);
  }

  describe(): string {
    return this.label;
  }

  override get missingFieldValue(): number | null {
    return this.isPrimitive ? 0 : null;
  }

  protected readValue(node: Present): number {
    // A number token is in the decimal form parseJavaDouble checks for, so it reads as Number(token).
    if (isLosslessNumber(node)) return this.single ? Math.fround(Number(node.value)) : Number(node.value);
    const text = typeof node === 'number' ? null : numericText(node);
    const value = typeof node === 'number' ? node : text === null ? null : parseJavaDouble(text);
    if (value === null) throw typeof node === 'string' ? new ValueError(`expected ${this.label} but got ${JSON.stringify(node)}`) : this.mismatch(node);
    // A float is what Java holds after reading: "0.1" becomes 0.100000001490116…
    return this.single ? Math.fround(value) : value;
  }

  protected writeValue(value: unknown): string {
    if (typeof value !== 'number') throw this.wrongValue(value);
    if (!Number.isFinite(value)) return 'null';
    return this.single ? javaFloatToString(value) : javaDoubleToString(value);
  }
}

/** Java's `Float.toString`: the shortest decimal that reads back as the same 32-bit float. */
export function javaFloatToString(value: number): string {
  const float = Math.fround(value);
  if (!Number.isFinite(float)) throw new ValueError(`${value} is out of range for float`);
  if (float === 0) return javaDoubleToString(float);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(float.toPrecision(digits));
    if (Math.fround(candidate) === float) return javaDoubleToString(candidate);
  }
  return javaDoubleToString(float);
}

/** `boolean`/`Boolean`. Reading also takes `"true"`/`"false"` and 1/0, as fastjson does. */
export class BooleanType extends JavaType<boolean | null> {
  describe(): string {
    return this.isPrimitive ? 'boolean' : 'Boolean';
  }

  override get missingFieldValue(): boolean | null {
    return this.isPrimitive ? false : null;
  }

  protected readValue(node: Present): boolean {
    if (typeof node === 'boolean') return node;
    if (typeof node === 'string') {
      const lower = node.trim().toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
    }
    if (typeof node === 'number' || isLosslessNumber(node)) {
      const text = numberToken(node);
      if (text === '1') return true;
      if (text === '0') return false;
    }
    throw this.mismatch(node);
  }

  protected writeValue(value: unknown): string {
    if (typeof value !== 'boolean') throw this.wrongValue(value);
    return value ? 'true' : 'false';
  }
}

/** `char`/`Character`: a one-character (one UTF-16 unit) string. */
export class CharType extends JavaType<string | null> {
  describe(): string {
    return this.isPrimitive ? 'char' : 'Character';
  }

  override get missingFieldValue(): string | null {
    return this.isPrimitive ? '\u0000' : null;
  }

  protected readValue(node: Present): string {
    if (typeof node === 'string' && node.length === 1) return node;
    throw typeof node === 'string' ? new ValueError(`expected ${this.describe()} but got a string of length ${node.length}`) : this.mismatch(node);
  }

  protected writeValue(value: unknown): string {
    if (typeof value !== 'string' || value.length !== 1) throw this.wrongValue(value, `${this.describe()} (a one-character string)`);
    return quoteJson(value);
  }
}

/** `java.lang.String`. Reading also takes numbers and booleans as their text (fastjson). */
export class StringType extends JavaType<string | null> {
  describe(): string {
    return 'String';
  }

  protected readValue(node: Present): string {
    if (typeof node === 'string') return node;
    if (typeof node === 'number' || isLosslessNumber(node)) return numberToken(node);
    if (typeof node === 'boolean') return String(node);
    throw this.mismatch(node);
  }

  protected writeValue(value: unknown): string {
    if (typeof value !== 'string') throw this.wrongValue(value);
    return quoteJson(value);
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** JSON's number grammar: a BigDecimal text that needs no normalising. */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * `java.math.BigDecimal` as its decimal text (`"1.10"`, `"1E+3"`), written as a plain number token
 * like fastjson does, so no digit is ever lost.
 */
export class BigDecimalType extends JavaType<string | null> {
  describe(): string {
    return 'BigDecimal';
  }

  override get exactNumbers(): boolean {
    return true;
  }

  protected readValue(node: Present): string {
    // A number token always has the DECIMAL form.
    if (isLosslessNumber(node)) return node.value;
    const text = numericText(node);
    if (text === null || !DECIMAL.test(text)) throw typeof node === 'string' ? new ValueError(`expected BigDecimal but got ${JSON.stringify(node)}`) : this.mismatch(node);
    return text;
  }

  protected writeValue(value: unknown): string {
    if (typeof value === 'bigint') return value.toString();
    // Already a JSON number token (what reading gives): nothing to normalise.
    if (typeof value === 'string' && JSON_NUMBER.test(value)) return value;
    if (typeof value !== 'string' || !DECIMAL.test(value)) throw this.wrongValue(value, 'BigDecimal (a decimal string)');
    // JSON has no leading '+' nor bare '.5' / '5.': normalise those spellings, keep every digit.
    let text = value.startsWith('+') ? value.slice(1) : value;
    text = text.replace(/^(-?)\./, '$10.').replace(/\.(?=[eE]|$)/, '');
    return text;
  }
}

/** `java.util.Date`: epoch milliseconds on the wire; reading also takes date strings. */
export class DateType extends JavaType<Date | null> {
  describe(): string {
    return 'Date';
  }

  protected readValue(node: Present): Date {
    let time: number;
    if (typeof node === 'number' || isLosslessNumber(node)) time = Number(numberToken(node));
    else if (typeof node === 'string') time = /^-?\d+$/.test(node.trim()) ? Number(node.trim()) : Date.parse(node);
    else throw this.mismatch(node);
    if (!Number.isFinite(time) || Math.abs(time) > 8.64e15) throw new ValueError(`expected Date but got ${JSON.stringify(numberOrText(node))}`);
    return new Date(Math.trunc(time));
  }

  protected writeValue(value: unknown): string {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw this.wrongValue(value, 'a valid Date');
    return String(value.getTime());
  }
}

function numberOrText(node: Present): unknown {
  return typeof node === 'number' || isLosslessNumber(node) ? numberToken(node) : node;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Padding characters at the end of a Base64 text (0, 1 or 2). */
function padding(text: string): number {
  const end = text.length;
  if (end === 0 || text.charCodeAt(end - 1) !== 0x3d) return 0;
  return end > 1 && text.charCodeAt(end - 2) === 0x3d ? 2 : 1;
}

/** `byte[]`: Base64 (standard alphabet, padded) on the wire; reading also takes an array of numbers. */
export class BytesType extends JavaType<Uint8Array | null> {
  describe(): string {
    return 'byte[]';
  }

  protected readValue(node: Present): Uint8Array {
    if (typeof node === 'string') {
      // What fastjson and we write: canonical padded Base64, which re-encodes to itself. Checked
      // by Node's encoder instead of a regular expression over the whole value.
      const decoded = Buffer.from(node, 'base64');
      if (decoded.length === (node.length >> 2) * 3 - padding(node) && decoded.toString('base64') === node) {
        return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
      }
      const compact = node.replace(/\s+/g, '');
      if (compact.length % 4 === 1 || !BASE64.test(compact)) throw new ValueError('expected byte[] (Base64) but got a string that is not Base64');
      const buffer = Buffer.from(compact, 'base64');
      return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
    if (Array.isArray(node)) {
      const bytes = new Uint8Array(node.length);
      node.forEach((item, i) => {
        const value = typeof item === 'number' ? item : isLosslessNumber(item) ? Number(item.value) : NaN;
        if (!Number.isInteger(value) || value < -128 || value > 255) throw new ValueError(`[${i}]: expected a byte but got ${JSON.stringify(toPlainValue(item))}`);
        bytes[i] = value & 0xff;
      });
      return bytes;
    }
    throw this.mismatch(node);
  }

  protected writeValue(value: unknown): string {
    return '"' + this.base64Content(value)! + '"';
  }

  /** The Base64 text `write(value)` puts between quotes; null where it writes `null`. Throws as `write` does. */
  base64Content(value: unknown): string | null {
    if (value === null || value === undefined) {
      this.write(value);
      return null;
    }
    if (!(value instanceof Uint8Array)) throw this.wrongValue(value, 'byte[] (Uint8Array)');
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  }
}

/** `java.lang.Object` (and anything you do not want typed): any JSON value. */
export class ObjectType extends JavaType<unknown> {
  describe(): string {
    return 'Object';
  }

  protected readValue(node: Present): unknown {
    return toPlainValue(node);
  }

  protected writeValue(value: unknown): string {
    return writePlainJson(value, { omitNullProperties: true });
  }
}

/** `void`: only as a result; no body on the wire. */
export class VoidType extends JavaType<void> {
  constructor() {
    super('void', true);
  }

  describe(): string {
    return 'void';
  }

  protected readValue(): void {
    return undefined;
  }

  protected writeValue(): string {
    return 'null';
  }
}
