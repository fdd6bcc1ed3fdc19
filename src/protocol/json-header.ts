import { parse as parseLossless } from 'lossless-json';
import { ProtocolError } from '../errors.js';
import { languageName } from './language.js';
import type { RemotingCommand } from './command.js';

/**
 * The JSON header (REMOTING.md §2) as fastjson 1.2.69 writes it: properties in alphabetical order,
 * null properties left out, no whitespace, raw UTF-8 for non-ASCII text.
 */
export function encodeJsonHeader(command: RemotingCommand): string {
  let out = '{"code":' + command.code;
  const ext = command.extFields;
  if (ext !== null) {
    out += ',"extFields":{';
    let first = true;
    for (const [key, value] of ext) {
      out += (first ? '' : ',') + quoteJson(key) + ':' + quoteJson(value);
      first = false;
    }
    out += '}';
  }
  out += ',"flag":' + command.flag;
  if (command.language !== null) out += ',"language":' + quoteJson(command.language);
  out += ',"opaque":' + command.opaque;
  if (command.remark !== null) out += ',"remark":' + quoteJson(command.remark);
  return out + ',"serializeTypeCurrentRPC":"JSON","version":' + command.version + '}';
}

// Characters fastjson escapes: the two JSON specials, C0 controls, DEL, C1 controls, U+2028/U+2029.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };

/** A JSON string literal with fastjson's escaping (upper-case `\uXXXX`, `/` left alone). */
export function quoteJson(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return '"' + text + '"';
  let out = '"';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c && (c < 0x7f || c > 0x9f) && c !== 0x2028 && c !== 0x2029) continue;
    out += text.slice(from, i) + (SHORT_ESCAPES[c] ?? '\\u' + c.toString(16).toUpperCase().padStart(4, '0'));
    from = i + 1;
  }
  return out + text.slice(from) + '"';
}

export interface JsonHeaderFields {
  code: number;
  language: string | null;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Map<string, string> | null;
}

/**
 * Reads a JSON header. Accepts any property order, unknown properties, and missing ones (defaults
 * 0 / JAVA). Ext values that are not strings are converted to their JSON text as fastjson does;
 * that path keeps long numbers exact.
 */
export function decodeJsonHeader(text: string): JsonHeaderFields {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new ProtocolError('MALFORMED_JSON', `malformed JSON header: ${(cause as Error).message}`, { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ProtocolError('MALFORMED_JSON', 'JSON header is not an object');
  }
  const header = parsed as Record<string, unknown>;
  return {
    code: readInt32(header, 'code'),
    language: readLanguage(header.language),
    version: readInt32(header, 'version'),
    opaque: readInt32(header, 'opaque'),
    flag: readInt32(header, 'flag'),
    remark: readOptionalString(header, 'remark'),
    extFields: readExtFields(header.extFields, text),
  };
}

function readInt32(header: Record<string, unknown>, field: string): number {
  const value = header[field];
  if (value === undefined || value === null) return 0;
  const number = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < -0x80000000 || number > 0x7fffffff) {
    throw new ProtocolError('BAD_HEADER', `JSON header field ${field} is not an int32: ${JSON.stringify(value)}`, { field });
  }
  return number;
}

function readLanguage(value: unknown): string | null {
  if (value === undefined) return 'JAVA';
  if (value === null) return null;
  if (typeof value === 'string') return value;
  // fastjson maps an enum from its ordinal too.
  if (typeof value === 'number') {
    const name = languageName(value);
    if (name !== null) return name;
  }
  throw new ProtocolError('BAD_HEADER', `JSON header field language is not a language: ${JSON.stringify(value)}`, { field: 'language' });
}

function readOptionalString(header: Record<string, unknown>, field: string): string | null {
  const value = header[field];
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ProtocolError('BAD_HEADER', `JSON header field ${field} is not a string`, { field });
}

function readExtFields(value: unknown, text: string): Map<string, string> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ProtocolError('BAD_HEADER', 'JSON header field extFields is not an object', { field: 'extFields' });
  }
  const ext = new Map<string, string>();
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (typeof item === 'string') ext.set(key, item);
    else if (item === null) continue; // a Java HashMap entry with a null value is no entry at all
    else return readExtFieldsLossless(text);
  }
  return ext;
}

/** Slow path for non-string ext values: re-parse keeping number tokens as their source text. */
function readExtFieldsLossless(text: string): Map<string, string> {
  const header = parseLossless(text, null, (raw) => raw) as Record<string, unknown>;
  const ext = new Map<string, string>();
  for (const [key, item] of Object.entries(header.extFields as Record<string, unknown>)) {
    if (item === null) continue;
    if (typeof item === 'string' || typeof item === 'boolean') ext.set(key, String(item));
    else ext.set(key, JSON.stringify(item));
  }
  return ext;
}
