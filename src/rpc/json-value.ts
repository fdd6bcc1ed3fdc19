import { isLosslessNumber, LosslessNumber } from 'lossless-json';
import { javaDoubleToString, quoteJson } from '../protocol/index.js';
import { parseExactJson } from './exact-json.js';

export { LosslessNumber, isLosslessNumber };

/**
 * A parsed JSON value. Numbers are plain `number`s when the text was parsed on the fast path and
 * `LosslessNumber`s (the exact token text) when exactness mattered; readers accept both.
 */
export type JsonNode = null | boolean | number | string | LosslessNumber | JsonNode[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonNode;
}

// A run of 16 digits is the shortest text JSON.parse can round incorrectly (2^53 has 16 digits).
const LONG_DIGIT_RUN = /\d{16}/;

/**
 * Parses JSON text. `JSON.parse` is used unless `exact` is set or the text holds a number long
 * enough to lose digits; then every number keeps its token text (exact-json.ts, which reads as
 * lossless-json does, duplicate keys with different values refused). Both parsers create `__proto__`
 * keys as own properties, so parsing alone cannot pollute a prototype.
 * Throws `SyntaxError` on malformed text.
 */
export function parseJson(text: string, exact = false): JsonNode {
  if (!exact && !LONG_DIGIT_RUN.test(text)) return JSON.parse(text) as JsonNode;
  return parseExactJson(text);
}

/** True for a JSON object node (not an array, not a number wrapper). */
export function isJsonObject(node: JsonNode | undefined): node is JsonObject {
  return typeof node === 'object' && node !== null && !Array.isArray(node) && !isLosslessNumber(node);
}

/** An own property of a parsed object, never one inherited from `Object.prototype`. */
export function ownValue(node: JsonObject, key: string): JsonNode | undefined {
  return Object.hasOwn(node, key) ? node[key] : undefined;
}

/**
 * Sets `key` as an own data property. Plain assignment would turn a `__proto__` key from the wire
 * into a prototype change; this never does.
 */
export function setOwn(target: object, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else (target as Record<string, unknown>)[key] = value;
}

/** Short name of a node's JSON type, for error messages. */
export function jsonKind(node: JsonNode | undefined): string {
  if (node === undefined) return 'nothing';
  if (node === null) return 'null';
  if (Array.isArray(node)) return 'array';
  if (isLosslessNumber(node)) return 'number';
  return typeof node === 'object' ? 'object' : typeof node;
}

/** The exact source text of a number node. */
export function numberToken(node: number | LosslessNumber): string {
  return typeof node === 'number' ? String(node) : node.value;
}

/**
 * A parsed JSON value as a plain JavaScript value: integers beyond 2^53 become `bigint`, other
 * numbers `number`; objects get own properties only (a `__proto__` key stays a key).
 */
export function toPlainValue(node: JsonNode): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (isLosslessNumber(node)) {
    const text = node.value;
    if (/^-?\d+$/.test(text)) {
      const value = Number(text);
      return Number.isSafeInteger(value) ? value : BigInt(text);
    }
    return Number(text);
  }
  if (Array.isArray(node)) return node.map(toPlainValue);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(node)) setOwn(out, key, toPlainValue(node[key]!));
  return out;
}

/** Why a value could not be read or written; the path is filled in while the error unwinds. */
export class ValueError extends Error {
  /** Property names and indexes from the top value down to the offending one. */
  readonly segments: Array<string | number> = [];

  constructor(readonly detail: string) {
    super(detail);
  }

  /** `[1].name` style path, empty for the top value. */
  get path(): string {
    return formatPath(this.segments);
  }

  /** Records that the failing value sits under `segment` of its parent. */
  prepend(segment: string | number): void {
    this.segments.unshift(segment);
    this.message = `${this.path}: ${this.detail}`;
  }
}

export function formatPath(segments: ReadonlyArray<string | number | symbol>): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) out += (out === '' ? '' : '.') + segment;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** Runs `read`, adding `segment` to the path of a `ValueError` it throws. */
export function within<T>(segment: string | number, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ValueError) error.prepend(segment);
    throw error;
  }
}

export interface PlainJsonOptions {
  /**
   * Leave out object properties whose value is null, as fastjson does for maps and beans. Off keeps
   * `JSON.stringify`'s behaviour (only `undefined` is left out).
   */
  omitNullProperties: boolean;
}

/**
 * JSON text for an arbitrary JavaScript value, with fastjson's string escaping and Java-compatible
 * numbers: `bigint` as all its digits, non-finite numbers as `null`, `Date` as epoch milliseconds,
 * bytes as Base64. Cycles, functions and symbols are refused.
 */
export function writePlainJson(value: unknown, options: PlainJsonOptions, seen: Set<object> = new Set()): string {
  switch (typeof value) {
    case 'string':
      return quoteJson(value);
    case 'number':
      if (!Number.isFinite(value)) return 'null';
      return Number.isSafeInteger(value) ? String(value) : javaDoubleToString(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    case 'object':
      break;
    default:
      throw new ValueError(`a ${typeof value} cannot be written as JSON`);
  }
  if (value === null) return 'null';
  if (value instanceof Date) {
    const time = value.getTime();
    if (Number.isNaN(time)) throw new ValueError('an invalid Date cannot be written as JSON');
    return String(time);
  }
  if (value instanceof Uint8Array) return '"' + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') + '"';
  if (isLosslessNumber(value)) return value.value;
  if (seen.has(value)) throw new ValueError('a value that contains itself cannot be written as JSON');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      let out = '[';
      for (let i = 0; i < value.length; i++) {
        out += (i === 0 ? '' : ',') + within(i, () => writePlainJson(value[i], options, seen));
      }
      return out + ']';
    }
    const entries: Iterable<[unknown, unknown]> = value instanceof Map ? value : Object.entries(value);
    let out = '{';
    let first = true;
    for (const [key, item] of entries) {
      if (item === undefined || (item === null && options.omitNullProperties) || typeof item === 'function') continue;
      const name = String(key);
      out += (first ? '' : ',') + quoteJson(name) + ':' + within(name, () => writePlainJson(item, options, seen));
      first = false;
    }
    return out + '}';
  } finally {
    seen.delete(value);
  }
}

/**
 * Parses JSON text into plain JavaScript values (see {@link toPlainValue}): `JSON.parse` output
 * as is when no number can lose digits, else the lossless tree converted.
 */
export function parsePlainJson(text: string): unknown {
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text);
  return toPlainValue(parseExactJson(text));
}
