import { ProtocolError } from '../errors.js';

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The text Java would put on the wire: its UTF-8 encoder writes an unpaired surrogate as `?`,
 * where Node would write U+FFFD (3 bytes), which would change lengths and bytes.
 */
export function javaWireText(text: string): string {
  return text.isWellFormed() ? text : text.replace(LONE_SURROGATE, '?');
}

/** UTF-8 byte length of `text` as Java would encode it. */
export function javaUtf8Length(text: string): number {
  return Buffer.byteLength(javaWireText(text), 'utf8');
}

/**
 * Strict UTF-8 decoding of `bytes[start, end)`. The common case goes through Node's fast decoder; only
 * text that contains U+FFFD (a replacement, or a genuine U+FFFD) is checked with a fatal decoder.
 */
export function decodeUtf8Strict(bytes: Buffer, start: number, end: number, what: string): string {
  const text = bytes.toString('utf8', start, end);
  if (text.includes('\uFFFD')) {
    try {
      fatalDecoder.decode(bytes.subarray(start, end));
    } catch (cause) {
      throw new ProtocolError('INVALID_UTF8', `invalid UTF-8 in ${what}`, { cause });
    }
  }
  return text;
}
