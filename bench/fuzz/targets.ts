/**
 * What the fuzzer drives, and what each target must do with any input: give a valid result or
 * throw a typed error with a stable `code`, never another exception, within a time bound, and with
 * a result no larger than the input allows.
 *
 * - `frame`: `decodeCommand` on one whole frame — both header readers (JSON and ROCKETMQ).
 * - `stream`: `FrameDecoder` fed a byte stream in chunks, checked against decoding frame by frame.
 * - `args`: the provider's argument decoder (`decodeArguments`: argsJsonJson, then each argument's
 *   JSON against its contract type, Java types and a Standard Schema).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ProtocolError, RemotingError } from '../../src/errors.js';
import { RemotingCommand } from '../../src/protocol/command.js';
import { DEFAULT_MAX_FRAME_LENGTH } from '../../src/protocol/codes.js';
import { FrameDecoder } from '../../src/protocol/frame-decoder.js';
import { checkFrameLength, decodeCommand } from '../../src/protocol/frame.js';
import { encodeArgsJsonJson } from '../../src/rpc/args-json.js';
import { defineContract, method, type ContractMethod } from '../../src/rpc/contract.js';
import { InvalidArgumentError } from '../../src/rpc/errors.js';
import { J } from '../../src/rpc/java-types.js';
import { decodeArguments } from '../../src/rpc/provider.js';

/** A broken promise: the input and what went wrong. */
export class FuzzViolation extends Error {
  constructor(
    /** Stable part, for grouping findings: e.g. `exception:TypeError`, `oversized-result`. */
    readonly kind: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface FuzzTarget {
  readonly name: 'frame' | 'stream' | 'args';
  /** Valid inputs to start from. */
  readonly seeds: readonly Buffer[];
  /** Where a frame's length word sits in the input (mutations lie about lengths there), or null. */
  readonly frameOffset: number | null;
  /** Where a JSON array of strings starts in the input (mutations may edit one element), or null. */
  readonly textOffset: number | null;
  /** Runs one input; returns the outcome (`ok` or the typed error's code/reason) or throws FuzzViolation. */
  run(input: Buffer): string;
}

interface JavaVector {
  name: string;
  frameHex: string;
  command: { extFields: Record<string, string> | null };
}

function loadVectors(file: string): JavaVector[] {
  return JSON.parse(readFileSync(file, 'utf8')) as JavaVector[];
}

/** The exception a decoder may throw: a ProtocolError (or a RemotingError of another stable code). */
function typedOutcome(error: unknown, allowed: (error: RemotingError) => boolean): string {
  if (error instanceof FuzzViolation) throw error;
  if (error instanceof RemotingError && allowed(error)) return error instanceof ProtocolError ? `${error.code}:${error.reason}` : error.code;
  const name = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  throw new FuzzViolation(`exception:${name}`, `${name}: ${message}`, { cause: error });
}

/** A decoded command is well-formed and no larger than the bytes it came from. */
function checkCommand(command: RemotingCommand, inputLength: number): void {
  if (!(command instanceof RemotingCommand)) throw new FuzzViolation('bad-result', 'not a RemotingCommand');
  for (const field of ['code', 'version', 'opaque', 'flag'] as const) {
    if (!Number.isInteger(command[field])) throw new FuzzViolation('bad-result', `${field} is ${String(command[field])}`);
  }
  let size = (command.remark?.length ?? 0) + (command.body?.length ?? 0) + (command.language?.length ?? 0);
  if (command.extFields !== null) for (const [key, value] of command.extFields) size += key.length + value.length;
  // Each UTF-16 unit of a decoded string takes at least one input byte (an escape takes several).
  if (size > inputLength) throw new FuzzViolation('oversized-result', `decoded ${size} units from ${inputLength} bytes`);
}

/** What a test compares: a command's fields, its ext entries in order and its body as hex. */
function signature(command: RemotingCommand): string {
  return JSON.stringify([
    command.code,
    command.language,
    command.version,
    command.opaque,
    command.flag,
    command.remark,
    command.serializeType,
    command.extFields === null ? null : [...command.extFields],
    command.body === null ? null : Buffer.from(command.body).toString('hex'),
  ]);
}

export function frameTarget(vectorsFile: string): FuzzTarget {
  return {
    name: 'frame',
    seeds: loadVectors(vectorsFile).map((vector) => Buffer.from(vector.frameHex, 'hex')),
    frameOffset: 0,
    textOffset: null,
    run(input) {
      let command: RemotingCommand;
      try {
        command = decodeCommand(input);
      } catch (error) {
        return typedOutcome(error, (e) => e instanceof ProtocolError);
      }
      checkCommand(command, input.length);
      return 'ok';
    },
  };
}

/** Frame limits the stream target picks from (its input's second byte), small ones to reach FRAME_TOO_LARGE. */
const STREAM_LIMITS = [DEFAULT_MAX_FRAME_LENGTH, 64, 256, 4096];

/**
 * Input: [chunking seed][limit selector][stream bytes]. The stream is cut into chunks (sizes from the
 * seed) and pushed into a FrameDecoder; the commands and the error must be exactly those of decoding
 * the frames one by one with `checkFrameLength` + `decodeCommand`, and the decoder must stay failed.
 */
export function streamTarget(vectorsFile: string): FuzzTarget {
  const frames = loadVectors(vectorsFile).map((vector) => Buffer.from(vector.frameHex, 'hex'));
  const seeds: Buffer[] = [];
  for (let i = 0; i < frames.length; i++) {
    seeds.push(Buffer.concat([Buffer.from([i * 37, 0]), frames[i]!, frames[(i + 5) % frames.length]!]));
    seeds.push(Buffer.concat([Buffer.from([i * 11 + 1, 3]), frames[i]!]));
  }
  return {
    name: 'stream',
    seeds,
    frameOffset: 2,
    textOffset: null,
    run(input) {
      if (input.length < 2) return 'short';
      const maxFrameLength = STREAM_LIMITS[input[1]! % STREAM_LIMITS.length]!;
      const stream = input.subarray(2);
      const expected = decodeOneByOne(stream, maxFrameLength);
      const decoder = new FrameDecoder({ maxFrameLength });
      const got: string[] = [];
      let failure: unknown = null;
      let state = input[0]! * 2654435761;
      for (let at = 0; at < stream.length; ) {
        state = (Math.imul(state ^ (state >>> 15), 2246822519) + 0x9e3779b9) >>> 0;
        const size = 1 + (state % 23 === 0 ? stream.length : state % 61);
        const chunk = stream.subarray(at, at + size);
        at += size;
        try {
          decoder.push(chunk, (command) => {
            checkCommand(command, stream.length);
            got.push(signature(command));
          });
          if (failure !== null) throw new FuzzViolation('not-sticky', 'a push after a ProtocolError did not throw');
        } catch (error) {
          if (error instanceof FuzzViolation) throw error;
          if (failure !== null && error !== failure) throw new FuzzViolation('not-sticky', 'a push after a ProtocolError threw another error');
          if (failure === null) typedOutcome(error, (e) => e instanceof ProtocolError);
          failure = error;
        }
        if (decoder.pendingBytes > maxFrameLength) throw new FuzzViolation('oversized-buffer', `${decoder.pendingBytes} bytes held, limit ${maxFrameLength}`);
      }
      if (got.length !== expected.commands.length || got.some((s, i) => s !== expected.commands[i])) {
        throw new FuzzViolation('stream-differs', `stream decoded ${got.length} commands, frame by frame ${expected.commands.length}`);
      }
      const reason = failure instanceof ProtocolError ? failure.reason : null;
      if (reason !== expected.reason) throw new FuzzViolation('stream-differs', `stream failed with ${String(reason)}, frame by frame with ${String(expected.reason)}`);
      if (failure === null && decoder.pendingBytes !== expected.rest) {
        throw new FuzzViolation('stream-differs', `stream holds ${decoder.pendingBytes} bytes, ${expected.rest} are left after the last whole frame`);
      }
      return reason === null ? 'ok' : `PROTOCOL:${reason}`;
    },
  };
}

/** The reference: whole frames cut from `stream` by their length words and decoded one at a time. */
function decodeOneByOne(stream: Buffer, maxFrameLength: number): { commands: string[]; reason: string | null; rest: number } {
  const commands: string[] = [];
  let at = 0;
  try {
    while (stream.length - at >= 4) {
      const length = checkFrameLength(stream.readInt32BE(at), maxFrameLength);
      if (stream.length - at - 4 < length) break;
      commands.push(signature(decodeCommand(stream.subarray(at, at + 4 + length), { maxFrameLength })));
      at += 4 + length;
    }
  } catch (error) {
    typedOutcome(error, (e) => e instanceof ProtocolError);
    return { commands, reason: (error as ProtocolError).reason, rest: 0 };
  }
  return { commands, reason: null, rest: stream.length - at };
}

/** A contract with one method per family of argument types the decoder knows. */
const FuzzService = defineContract('com.example.FuzzService', {
  sayHello: method([J.String, J.String], J.String),
  sayHelloInteger: method([J.Integer, J.Integer], J.Integer),
  scalars: method([J.int, J.long, J.double, J.float, J.boolean, J.char, J.short, J.byte], J.void),
  exact: method([J.BigDecimal, J.BigInteger, J.Long, J.Date, J.bytes], J.void),
  nested: method(
    [
      J.list(J.pojo('com.example.Item', { name: J.String, count: J.int, tags: J.set(J.String), price: J.BigDecimal })),
      J.map(J.list(J.Integer)),
      J.enumOf('com.example.Color', ['RED', 'GREEN', 'BLUE']),
      J.array(J.Double),
    ],
    J.void,
  ),
  anything: method([J.Object, J.named('java.lang.Comparable', J.String)], J.void),
  schema: method([z.object({ id: z.string(), n: z.number().int(), tags: z.array(z.string()).optional() }), z.bigint()], J.void),
});

const ARGS_METHODS: ContractMethod[] = [...FuzzService.methodsByKey.values()];

/** Valid argsJsonJson for each method (the method is the input's first byte). */
function argsSeeds(vectorsFile: string): Buffer[] {
  const texts: Array<[number, string]> = [];
  const add = (key: string, values: unknown[]): void => {
    const index = ARGS_METHODS.findIndex((m) => m.key === key);
    const m = ARGS_METHODS[index]!;
    texts.push([index, encodeArgsJsonJson(values.map((value, i) => m.args[i]!.encode(value)))]);
  };
  for (const vector of loadVectors(vectorsFile)) {
    const args = vector.command.extFields?.['argsJsonJson'];
    if (args !== undefined) texts.push([vector.name.includes('integer') ? 1 : 0, args]);
  }
  add('sayHello', ['héllo "world"', 'line\nbreak \\ \u2028 😀']);
  add('scalars', [-2147483648, 9007199254740993n, 1.5e300, 3.25, true, '\u00e9', -32768, 127]);
  add('exact', ['-1234567890.000000000001', 123456789012345678901234567890n, -9223372036854775808n, new Date(0), new Uint8Array([0, 1, 254, 255])]);
  add('nested', [[{ name: 'a', count: 1, tags: ['x', 'y'], price: '0.10' }, null], { k: [1, null, 3] }, 'GREEN', [1.5, null, -0]]);
  add('anything', [{ a: [1, 'two', null, { b: true }] }, 'comparable']);
  add('schema', [{ id: 'x', n: 3, tags: ['t'] }, 12345678901234567890n]);
  return texts.map(([index, text]) => Buffer.concat([Buffer.from([index]), Buffer.from(text, 'utf8')]));
}

/** An upper bound of the memory a decoded value holds, in "units" (string chars, bytes, digits). */
function sizeOf(value: unknown, depth = 0): number {
  if (depth > 10_000) throw new FuzzViolation('deep-result', 'decoded value nested more than 10 000 levels');
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number') return 1;
  if (typeof value === 'string') return value.length;
  if (typeof value === 'bigint') return Math.ceil(value.toString(16).length / 2);
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof Date) return 1;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + 1 + sizeOf(item, depth + 1), 1);
  if (typeof value === 'object') return Object.entries(value).reduce((sum, [key, item]) => sum + key.length + sizeOf(item, depth + 1), 1);
  return 1;
}

export function argsTarget(vectorsFile: string): FuzzTarget {
  return {
    name: 'args',
    seeds: argsSeeds(vectorsFile),
    frameOffset: null,
    textOffset: 1,
    run(input) {
      if (input.length === 0) return 'short';
      const m = ARGS_METHODS[input[0]! % ARGS_METHODS.length]!;
      const text = input.toString('utf8', 1);
      let args: unknown[] | Promise<unknown[]>;
      try {
        args = decodeArguments(FuzzService.serviceName, m, text);
      } catch (error) {
        return typedOutcome(error, (e) => e instanceof InvalidArgumentError && e.code === 'INVALID_ARGUMENT');
      }
      if (args instanceof Promise) throw new FuzzViolation('bad-result', 'synchronous types decoded asynchronously');
      if (!Array.isArray(args) || args.length !== m.args.length) throw new FuzzViolation('bad-result', `${String(args)} for ${m.args.length} arguments`);
      // Base64 and escapes only shrink; a number's digits are in the input. A generous bound that a
      // blow-up (an exponent expanded into digits, a repeated value) would pass at once.
      const size = sizeOf(args);
      if (size > 4 * text.length + 64) throw new FuzzViolation('oversized-result', `decoded ${size} units from ${text.length} chars`);
      return 'ok';
    },
  };
}

export function allTargets(vectorsFile: string): FuzzTarget[] {
  return [frameTarget(vectorsFile), streamTarget(vectorsFile), argsTarget(vectorsFile)];
}
