import { ProtocolError } from '../errors.js';
import type { RemotingCommand } from './command.js';
import { languageCode, languageName } from './language.js';
import type { JsonHeaderFields } from './json-header.js';
import { decodeUtf8Strict, javaWireText } from './utf8.js';

/** code(2) language(1) version(2) opaque(4) flag(4) remarkLength(4) extLength(4). REMOTING.md §3. */
const MIN_HEADER_LENGTH = 21;

/** The wire texts of a command's remark and ext entries, and the header's byte length. */
export interface BinaryHeaderPlan {
  length: number;
  remark: string | null;
  remarkLength: number;
  ext: string[];
  extLengths: number[];
  extLength: number;
}

function checkShort(value: number, field: string): void {
  if (!Number.isInteger(value) || value < -0x8000 || value > 0x7fff) {
    // Java writes `(short) value` and silently corrupts it; refusing is the honest answer.
    throw new ProtocolError('VALUE_OUT_OF_RANGE', `${field} ${value} does not fit the ROCKETMQ header's 16 bits`, { field });
  }
}

/** Measures the header; the two-step plan avoids encoding any string twice. */
export function planBinaryHeader(command: RemotingCommand): BinaryHeaderPlan {
  checkShort(command.code, 'code');
  checkShort(command.version, 'version');
  let length = MIN_HEADER_LENGTH;
  const remark = command.remark === null || command.remark === '' ? null : javaWireText(command.remark);
  const remarkLength = remark === null ? 0 : Buffer.byteLength(remark, 'utf8');
  length += remarkLength;
  const ext: string[] = [];
  const extLengths: number[] = [];
  let extLength = 0;
  if (command.extFields !== null) {
    for (const [rawKey, rawValue] of command.extFields) {
      const key = javaWireText(rawKey);
      const value = javaWireText(rawValue);
      const keyLength = Buffer.byteLength(key, 'utf8');
      if (keyLength > 0x7fff) {
        throw new ProtocolError('VALUE_OUT_OF_RANGE', `ext key of ${keyLength} bytes does not fit the 16-bit key length`, { field: rawKey.slice(0, 64) });
      }
      const valueLength = Buffer.byteLength(value, 'utf8');
      ext.push(key, value);
      extLengths.push(keyLength, valueLength);
      extLength += 6 + keyLength + valueLength;
    }
  }
  length += extLength;
  return { length, remark, remarkLength, ext, extLengths, extLength };
}

/** Writes the planned header at `offset` of `target`. */
export function writeBinaryHeader(command: RemotingCommand, plan: BinaryHeaderPlan, target: Buffer, offset: number): void {
  let at = target.writeInt16BE(command.code, offset);
  at = target.writeUInt8(languageCode(command.language), at);
  at = target.writeInt16BE(command.version, at);
  at = target.writeInt32BE(command.opaque | 0, at);
  at = target.writeInt32BE(command.flag | 0, at);
  at = target.writeInt32BE(plan.remarkLength, at);
  if (plan.remark !== null) at += target.write(plan.remark, at, 'utf8');
  at = target.writeInt32BE(plan.extLength, at);
  const { ext, extLengths } = plan;
  for (let i = 0; i < ext.length; i += 2) {
    at = target.writeInt16BE(extLengths[i]!, at);
    at += target.write(ext[i]!, at, 'utf8');
    at = target.writeInt32BE(extLengths[i + 1]!, at);
    at += target.write(ext[i + 1]!, at, 'utf8');
  }
}

/** Reads a ROCKETMQ binary header occupying `bytes[start, end)`. */
export function decodeBinaryHeader(bytes: Buffer, start: number, end: number): JsonHeaderFields {
  if (end - start < MIN_HEADER_LENGTH) {
    throw new ProtocolError('BAD_HEADER', `ROCKETMQ header of ${end - start} bytes is shorter than the minimum ${MIN_HEADER_LENGTH}`);
  }
  let at = start;
  const code = bytes.readInt16BE(at);
  const language = languageName(bytes.readUInt8(at + 2));
  const version = bytes.readInt16BE(at + 3);
  const opaque = bytes.readInt32BE(at + 5);
  const flag = bytes.readInt32BE(at + 9);
  const remarkLength = bytes.readInt32BE(at + 13);
  at += 17;
  checkSpan(remarkLength, at, end - 4, 'remark');
  const remark = remarkLength === 0 ? null : decodeUtf8Strict(bytes, at, at + remarkLength, 'remark');
  at += remarkLength;
  const extLength = bytes.readInt32BE(at);
  at += 4;
  checkSpan(extLength, at, end, 'ext block');
  if (at + extLength !== end) {
    throw new ProtocolError('BAD_HEADER', `ROCKETMQ header has ${end - at - extLength} bytes after its ext block`);
  }
  return { code, language, version, opaque, flag, remark, extFields: extLength === 0 ? null : decodeExtBlock(bytes, at, end) };
}

function decodeExtBlock(bytes: Buffer, start: number, end: number): Map<string, string> {
  const ext = new Map<string, string>();
  let at = start;
  while (at < end) {
    checkSpan(2, at, end, 'ext key length');
    const keyLength = bytes.readInt16BE(at);
    at += 2;
    checkSpan(keyLength, at, end, 'ext key');
    const key = decodeUtf8Strict(bytes, at, at + keyLength, 'ext key');
    at += keyLength;
    checkSpan(4, at, end, 'ext value length');
    const valueLength = bytes.readInt32BE(at);
    at += 4;
    checkSpan(valueLength, at, end, 'ext value');
    // Java reads a zero-length value as null; we keep '' so the frame re-encodes to the same bytes.
    ext.set(key, decodeUtf8Strict(bytes, at, at + valueLength, 'ext value'));
    at += valueLength;
  }
  return ext;
}

function checkSpan(length: number, at: number, end: number, what: string): void {
  if (length < 0 || at + length > end) {
    throw new ProtocolError('BAD_HEADER', `ROCKETMQ header ${what} length ${length} exceeds the header (${end - at} bytes left)`);
  }
}
