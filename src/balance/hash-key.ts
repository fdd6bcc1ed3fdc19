import { RemotingError } from '../errors.js';

/**
 * The hash key of a call, from some of its arguments (Dubbo's `hash.arguments`, default the first).
 *
 * Each chosen argument is turned into text the same way in every process, so two consumers send the
 * same call to the same provider: strings as they are; numbers, bigints and booleans via String();
 * null and undefined as "null" (Java's String.valueOf); byte arrays as hex; dates as ISO text;
 * other objects as JSON with keys sorted. Several arguments are joined with U+001F (unit separator)
 * so ("a", "bc") and ("ab", "c") differ.
 */
export function hashKeyOf(args: readonly unknown[], indexes: readonly number[] = [0]): string | undefined {
  if (args.length === 0) return undefined;
  if (indexes.length === 1) return keyText(args[indexes[0] as number]);
  let key = '';
  for (let i = 0; i < indexes.length; i++) {
    if (i > 0) key += '\u001f';
    key += keyText(args[indexes[i] as number]);
  }
  return key;
}

export function keyText(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'null';
    case 'symbol':
    case 'function':
      throw new RemotingError('INVALID_ARGUMENT', `a ${typeof value} cannot be a hash key`);
    default:
      if (value === null) return 'null';
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
      if (value instanceof Date) return value.toISOString();
      return canonicalJson(value, new Set());
  }
}

function canonicalJson(value: unknown, path: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'boolean':
      return String(value);
    case 'undefined':
      return 'null';
    case 'symbol':
    case 'function':
      throw new RemotingError('INVALID_ARGUMENT', `a ${typeof value} cannot be part of a hash key`);
  }
  if (value === null) return 'null';
  const object = value as object;
  if (object instanceof Uint8Array) return JSON.stringify(keyText(object));
  if (object instanceof Date) return JSON.stringify(object.toISOString());
  if (path.has(object)) throw new RemotingError('INVALID_ARGUMENT', 'a cyclic object cannot be a hash key');
  path.add(object);
  let text: string;
  if (Array.isArray(object)) {
    text = '[' + object.map((item) => canonicalJson(item, path)).join(',') + ']';
  } else if (object instanceof Map) {
    const entries = [...object.entries()].map(([k, v]) => [keyText(k), canonicalJson(v, path)] as const);
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    text = '{' + entries.map(([k, v]) => JSON.stringify(k) + ':' + v).join(',') + '}';
  } else if (object instanceof Set) {
    const items = [...object].map((item) => canonicalJson(item, path)).sort();
    text = '[' + items.join(',') + ']';
  } else {
    const record = object as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    text = '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(record[k], path)).join(',') + '}';
  }
  path.delete(object);
  return text;
}
