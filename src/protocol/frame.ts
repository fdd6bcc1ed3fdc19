import { ProtocolError } from '../errors.js';
import { RemotingCommand } from './command.js';
import { DEFAULT_MAX_FRAME_LENGTH, SerializeType } from './codes.js';
import { decodeBinaryHeader, planBinaryHeader, writeBinaryHeader } from './binary-header.js';
import { decodeJsonHeader, encodeJsonHeader } from './json-header.js';
import { decodeUtf8Strict, javaWireText } from './utf8.js';

const MAX_HEADER_LENGTH = 0xffffff;

/**
 * The whole frame for `command` (length prefix included), with the header in `serializeType`
 * (default: the command's own). REMOTING.md §1. One allocation; strings are written in place.
 */
export function encodeCommand(command: RemotingCommand, serializeType: SerializeType = command.serializeType): Buffer {
  const body = command.body;
  const bodyLength = body === null ? 0 : body.length;
  let frame: Buffer;
  let headerLength: number;
  if (serializeType === SerializeType.JSON) {
    const header = javaWireText(encodeJsonHeader(command));
    headerLength = Buffer.byteLength(header, 'utf8');
    checkHeaderLength(headerLength);
    frame = Buffer.allocUnsafe(8 + headerLength + bodyLength);
    frame.write(header, 8, 'utf8');
  } else if (serializeType === SerializeType.ROCKETMQ) {
    const plan = planBinaryHeader(command);
    headerLength = plan.length;
    checkHeaderLength(headerLength);
    frame = Buffer.allocUnsafe(8 + headerLength + bodyLength);
    writeBinaryHeader(command, plan, frame, 8);
  } else {
    throw new ProtocolError('UNKNOWN_SERIALIZE_TYPE', `unknown serialize type ${String(serializeType)}`);
  }
  frame.writeInt32BE(4 + headerLength + bodyLength, 0);
  frame.writeUInt32BE(((serializeType << 24) | headerLength) >>> 0, 4);
  if (body !== null) frame.set(body, 8 + headerLength);
  return frame;
}

function checkHeaderLength(length: number): void {
  if (length > MAX_HEADER_LENGTH) {
    throw new ProtocolError('VALUE_OUT_OF_RANGE', `header of ${length} bytes exceeds the 24-bit header length`);
  }
}

export interface DecodeOptions {
  /** Largest accepted frame, length field included (Java: 16 MiB). */
  maxFrameLength?: number;
}

/**
 * Checks a frame's 4-byte length value against the limits, as the stream decoder does before it
 * buffers the frame. Returns the number of bytes that follow the length field.
 */
export function checkFrameLength(length: number, maxFrameLength: number): number {
  if (length < 0) throw new ProtocolError('NEGATIVE_LENGTH', `negative frame length ${length}`);
  if (length + 4 > maxFrameLength) {
    throw new ProtocolError('FRAME_TOO_LARGE', `frame of ${length + 4} bytes exceeds the limit of ${maxFrameLength}`);
  }
  if (length < 4) throw new ProtocolError('BAD_HEADER_LENGTH', `frame length ${length} leaves no room for the header length`);
  return length;
}

/**
 * Decodes one whole frame (length prefix included). The command's `serializeType` tells which
 * header type the frame used. The body is a view into `frame`, not a copy.
 */
export function decodeCommand(frame: Uint8Array, options: DecodeOptions = {}): RemotingCommand {
  const bytes = Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (bytes.length < 4) throw new ProtocolError('BAD_HEADER_LENGTH', `frame of ${bytes.length} bytes has no length field`);
  const length = checkFrameLength(bytes.readInt32BE(0), options.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH);
  if (bytes.length !== length + 4) {
    throw new ProtocolError('BAD_HEADER_LENGTH', `frame length field says ${length + 4} bytes but ${bytes.length} were given`);
  }
  return decodeFrameContent(bytes, 4, bytes.length);
}

/** Decodes the part of a frame after its length field: `bytes[start, end)`. */
export function decodeFrameContent(bytes: Buffer, start: number, end: number): RemotingCommand {
  const word = bytes.readUInt32BE(start);
  const type = word >>> 24;
  const headerLength = word & 0xffffff;
  const headerStart = start + 4;
  if (headerLength > end - headerStart) {
    throw new ProtocolError('BAD_HEADER_LENGTH', `decode error, bad header length: ${headerLength}`);
  }
  const headerEnd = headerStart + headerLength;
  let fields;
  if (type === SerializeType.JSON) {
    fields = decodeJsonHeader(decodeUtf8Strict(bytes, headerStart, headerEnd, 'JSON header'));
  } else if (type === SerializeType.ROCKETMQ) {
    fields = decodeBinaryHeader(bytes, headerStart, headerEnd);
  } else {
    throw new ProtocolError('UNKNOWN_SERIALIZE_TYPE', `unknown serialize type ${type}`);
  }
  const command = new RemotingCommand({ ...fields, serializeType: type });
  command.body = headerEnd < end ? bytes.subarray(headerEnd, end) : null;
  return command;
}
