import { Buffer } from 'node:buffer';

/*
 * Buffer methods called through constants on the decoders' hot paths. Optimized code looked
 * `subarray` and `toString` up on each call with a generic property load (an inline-cache call,
 * about 5 ns of a 40 ns view); a constant function is called directly.
 */
const subarray = Buffer.prototype.subarray;
const toString = Buffer.prototype.toString;

/** `bytes.subarray(start, end)`: a view, not a copy. */
export function bufferView(bytes: Buffer, start: number, end: number): Buffer {
  return subarray.call(bytes, start, end);
}

/** `bytes.toString('utf8', start, end)`. */
export function utf8Text(bytes: Buffer, start: number, end: number): string {
  return toString.call(bytes, 'utf8', start, end);
}
