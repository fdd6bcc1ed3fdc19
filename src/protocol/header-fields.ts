import { ProtocolError } from '../errors.js';

/** The header fields both header types carry, as the decoders return them. */
export interface HeaderFields {
  code: number;
  language: string | null;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Map<string, string> | null;
}

/** Java `int` fields: anything else cannot be written (and would not decode on the other side). */
export function checkInt32(value: number, field: string): void {
  if (value !== (value | 0)) {
    throw new ProtocolError('VALUE_OUT_OF_RANGE', `${field} ${value} is not a 32-bit integer`, { field });
  }
}

/** Ext fields are `HashMap<String, String>` in Java; a caller may have put something else in the Map. */
export function checkExtEntry(key: unknown, value: unknown): void {
  if (typeof key !== 'string' || typeof value !== 'string') {
    throw new ProtocolError('BAD_HEADER', `ext field ${String(key)} is not a string → string entry`, { field: String(key) });
  }
}
