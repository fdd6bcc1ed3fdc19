import { Buffer } from 'node:buffer';
import { ProtocolError } from '../errors.js';
import { copyBytes } from './copy-bytes.js';
import { RemotingCommand } from './command.js';
import { DEFAULT_MAX_FRAME_LENGTH, SerializeType } from './codes.js';
import { binaryHeaderBound, decodeBinaryHeader, writeBinaryHeader } from './binary-header.js';
import { readInt32, writeInt32 } from './int-bytes.js';
import { commitFrame, committedFrameBuffer, reservedStart, reserveFrame, SLAB_FRAME_ROOM } from './frame-slab.js';
import { jsonHeaderBound, writeJsonHeader } from './json-header.js';
import { readJsonHeader } from './json-header-reader.js';
import { bufferView } from './buffer-methods.js';

const MAX_HEADER_LENGTH = 0xffffff;

/**
 * The whole frame for `command` (length prefix included), with the header in `serializeType`
 * (default: the command's own). docs/protocol.md §1. The header is written straight into the frame, each
 * string encoded once. A small frame is written into slab room without being sized first; one that
 * does not fit is sized (an upper bound) and written again into its own memory (frame-slab.ts).
 */
export function encodeCommand(command: RemotingCommand, serializeType: SerializeType = command.serializeType): Buffer {
  encodeFrame(command, serializeType);
  return committedFrameBuffer();
}

/**
 * `encodeCommand` without a Buffer for the result: the frame is at `committedFrame` (frame-slab.ts)
 * until the next encode. For writers that join frames, such as the channel.
 */
export function encodeFrame(command: RemotingCommand, serializeType: SerializeType = command.serializeType): void {
  if (serializeType !== SerializeType.JSON && serializeType !== SerializeType.ROCKETMQ) {
    throw new ProtocolError('UNKNOWN_SERIALIZE_TYPE', `unknown serialize type ${String(serializeType)}`);
  }
  const bodyLength = command.body === null ? 0 : command.body.length;
  if (8 + bodyLength < SLAB_FRAME_ROOM) {
    const target = reserveFrame(SLAB_FRAME_ROOM);
    const start = reservedStart();
    const headerEnd = writeHeader(command, serializeType, target, start + 8, start + SLAB_FRAME_ROOM - bodyLength);
    if (headerEnd >= 0) {
      finishFrame(command, serializeType, target, start, headerEnd);
      return;
    }
  }
  // A large frame: size it (an upper bound), then write it; with room for the bound it cannot run out.
  const target = reserveFrame(8 + headerBound(command, serializeType) + bodyLength);
  const start = reservedStart();
  finishFrame(command, serializeType, target, start, writeHeader(command, serializeType, target, start + 8, Number.POSITIVE_INFINITY));
}

function writeHeader(command: RemotingCommand, serializeType: SerializeType, target: Buffer, at: number, limit: number): number {
  return serializeType === SerializeType.JSON ? writeJsonHeader(command, target, at, limit) : writeBinaryHeader(command, target, at, limit);
}

/** Writes the length words and the body after a header written at `start + 8`, and commits the frame. */
function finishFrame(command: RemotingCommand, serializeType: SerializeType, target: Buffer, start: number, headerEnd: number): void {
  const body = command.body;
  const bodyLength = body === null ? 0 : body.length;
  const headerLength = headerEnd - start - 8;
  checkHeaderLength(headerLength);
  writeInt32(target, start, 4 + headerLength + bodyLength);
  writeInt32(target, start + 4, (serializeType << 24) | headerLength);
  if (body !== null) copyBytes(target, headerEnd, body);
  commitFrame(headerEnd + bodyLength);
}

function headerBound(command: RemotingCommand, serializeType: SerializeType): number {
  return serializeType === SerializeType.JSON ? jsonHeaderBound(command) : binaryHeaderBound(command);
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
export function decodeCommand(frame: Uint8Array, options?: DecodeOptions): RemotingCommand {
  const bytes = Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (bytes.length < 4) throw new ProtocolError('BAD_HEADER_LENGTH', `frame of ${bytes.length} bytes has no length field`);
  const length = checkFrameLength(readInt32(bytes, 0), options?.maxFrameLength ?? DEFAULT_MAX_FRAME_LENGTH);
  if (bytes.length !== length + 4) {
    throw new ProtocolError('BAD_HEADER_LENGTH', `frame length field says ${length + 4} bytes but ${bytes.length} were given`);
  }
  return decodeFrameContent(bytes, 4, bytes.length);
}

/** Decodes the part of a frame after its length field: `bytes[start, end)`. */
export function decodeFrameContent(bytes: Buffer, start: number, end: number): RemotingCommand {
  const word = readInt32(bytes, start);
  const type = word >>> 24;
  const headerLength = word & 0xffffff;
  const headerStart = start + 4;
  if (headerLength > end - headerStart) {
    throw new ProtocolError('BAD_HEADER_LENGTH', `decode error, bad header length: ${headerLength}`);
  }
  const headerEnd = headerStart + headerLength;
  // The binary decoder builds the command itself; the JSON readers return fields (decodeJsonHeader
  // hands those to users as they are).
  let command: RemotingCommand;
  if (type === SerializeType.ROCKETMQ) command = decodeBinaryHeader(bytes, headerStart, headerEnd);
  else if (type === SerializeType.JSON) command = new RemotingCommand(readJsonHeader(bytes, headerStart, headerEnd));
  else throw new ProtocolError('UNKNOWN_SERIALIZE_TYPE', `unknown serialize type ${type}`);
  // A plain Buffer view: a faster Uint8Array subclass with Buffer.prototype in its chain would not
  // be deepStrictEqual to Buffer.from(...) in users' tests (docs/codec.md).
  command.body = headerEnd < end ? bufferView(bytes, headerEnd, end) : null;
  command.serializeType = type;
  return command;
}
