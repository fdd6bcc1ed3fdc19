/*
 * Frames' parts as Java writes them, built without the codec's writers (and without its caches),
 * for tests that compare bytes.
 */

/** Java's UTF-8: an unpaired surrogate becomes '?'. */
export function javaUtf8(text: string): Buffer {
  let wire = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
    if (unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      wire += text[i]! + text[i + 1]!;
      i++;
    } else {
      wire += unit >= 0xd800 && unit <= 0xdfff ? '?' : text[i]!;
    }
  }
  return Buffer.from(wire, 'utf8');
}

/** The ROCKETMQ ext block (RocketMQSerializable.mapSerialize). */
export function javaExtBlock(ext: Map<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of ext) {
    const keyBytes = javaUtf8(key);
    const valueBytes = javaUtf8(value);
    const lengths = Buffer.alloc(6);
    lengths.writeInt16BE(keyBytes.length, 0);
    lengths.writeInt32BE(valueBytes.length, 2);
    parts.push(lengths.subarray(0, 2), keyBytes, lengths.subarray(2), valueBytes);
  }
  return Buffer.concat(parts);
}

/** The ext block of a ROCKETMQ frame whose remark is null or empty. */
export function extBlockOf(frame: Buffer): Buffer {
  const headerLength = frame.readUInt32BE(4) & 0xffffff;
  return frame.subarray(8 + 21, 8 + headerLength);
}

const SHORT_ESCAPES: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };

/**
 * fastjson's string literal for `text`, one UTF-16 unit at a time, straight from its rules: the
 * short escapes, `\uXXXX` (upper-case hex) for the other C0 controls, DEL, C1 controls and
 * U+2028/U+2029; everything else (unpaired surrogates included) as it is.
 */
export function fastjsonQuote(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) out += short;
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16).toUpperCase().padStart(4, '0');
    else out += text[i];
  }
  return out + '"';
}

/** The JSON header fastjson writes for a request with language JAVA, flag 0 and version 0. */
export function javaJsonHeader(code: number, opaque: number, ext: Map<string, string> | null, remark: string | null): Buffer {
  const entries = ext === null ? null : [...ext].map(([key, value]) => `${fastjsonQuote(key)}:${fastjsonQuote(value)}`).join(',');
  const text =
    `{"code":${code}` +
    (entries === null ? '' : `,"extFields":{${entries}}`) +
    `,"flag":0,"language":"JAVA","opaque":${opaque}` +
    (remark === null ? '' : `,"remark":${fastjsonQuote(remark)}`) +
    ',"serializeTypeCurrentRPC":"JSON","version":0}';
  return javaUtf8(text);
}

/** The header bytes of a frame. */
export function headerOf(frame: Buffer): Buffer {
  return frame.subarray(8, 8 + (frame.readUInt32BE(4) & 0xffffff));
}
