import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeCommand, encodeCommand, FrameDecoder, ProtocolError, RemotingCommand, SerializeType } from '../../src/index.js';
import { anyCommandCase } from './arbitraries.js';

/** Runs `decode`; passes when it returns or throws a ProtocolError, fails on any other exception. */
function onlyCommandsOrProtocolErrors(decode: () => void): void {
  try {
    decode();
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw new Error(`not a ProtocolError: ${String(error)}`, { cause: error });
  }
}

/** A frame whose length word is right for its size, so the mutations reach the header decoders. */
function framed(type: number, header: Uint8Array, body: Uint8Array = new Uint8Array(0)): Buffer {
  const frame = Buffer.alloc(8 + header.length + body.length);
  frame.writeInt32BE(4 + header.length + body.length, 0);
  frame.writeUInt32BE(((type << 24) | header.length) >>> 0, 4);
  frame.set(header, 8);
  frame.set(body, 8 + header.length);
  return frame;
}

interface Mutation {
  kind: 'set' | 'insert' | 'delete';
  at: number;
  byte: number;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({ kind: fc.constantFrom('set', 'insert', 'delete'), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) });

/** Applies byte mutations to `bytes[from…]`. */
function mutate(bytes: Buffer, mutations: Mutation[], from = 0): Buffer {
  const out = [...bytes];
  for (const { kind, at, byte } of mutations) {
    const span = out.length - from;
    if (span <= 0) break;
    const index = from + (at % span);
    if (kind === 'set') out[index] = byte;
    else if (kind === 'insert') out.splice(index, 0, byte);
    else out.splice(index, 1);
  }
  return Buffer.from(out);
}

/** Pieces of JSON that push the header reader down its rarer paths. */
const jsonNoise = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', '\\u12', '\\uD800', 'null', 'true', 'fals', '-', '0', '01', '1e', '1.5', '-0', ' ', '\n', '"extFields"', '"code"', '"language"', '"remark"', '{"a":[1,{"b":null}]}', '\u00ff', '\uFFFD');

test('random bytes given to decodeCommand yield a command or a ProtocolError, nothing else', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => onlyCommandsOrProtocolErrors(() => decodeCommand(bytes))),
    { numRuns: 2000 },
  );
});

test('random headers in a well-formed frame yield a command or a ProtocolError, nothing else', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 3 }), fc.uint8Array({ maxLength: 80 }), (type, header) =>
      onlyCommandsOrProtocolErrors(() => decodeCommand(framed(type, header))),
    ),
    { numRuns: 3000 },
  );
});

test('mutated valid frames yield a command or a ProtocolError, nothing else', () => {
  fc.assert(
    fc.property(anyCommandCase, fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), ({ command, serializeType }, mutations, keepLength) => {
      const frame = Buffer.from(encodeCommand(command, serializeType));
      if (keepLength) {
        // Mutate only the header, then fix the two length words so the header decoder sees it.
        const headerLength = frame.readUInt32BE(4) & 0xffffff;
        const header = mutate(frame.subarray(8, 8 + headerLength), mutations);
        onlyCommandsOrProtocolErrors(() => decodeCommand(framed(frame[4]!, header, frame.subarray(8 + headerLength))));
      } else {
        onlyCommandsOrProtocolErrors(() => decodeCommand(mutate(frame, mutations)));
      }
    }),
    { numRuns: 3000 },
  );
});

test('JSON headers with spliced-in JSON tokens yield a command or a ProtocolError, nothing else', () => {
  fc.assert(
    fc.property(
      anyCommandCase,
      fc.array(fc.tuple(fc.nat(), jsonNoise), { minLength: 1, maxLength: 4 }),
      ({ command }, splices) => {
        let header = Buffer.from(encodeCommand(command, SerializeType.JSON)).toString('latin1', 8);
        for (const [at, noise] of splices) {
          const index = at % (header.length + 1);
          header = header.slice(0, index) + Buffer.from(noise, 'utf8').toString('latin1') + header.slice(index);
        }
        onlyCommandsOrProtocolErrors(() => decodeCommand(framed(0, Buffer.from(header, 'latin1'))));
      },
    ),
    { numRuns: 3000 },
  );
});

test('deeply nested JSON in an unknown property is a ProtocolError, not a stack overflow', () => {
  const header = Buffer.from('{"x":' + '['.repeat(100_000) + ']'.repeat(100_000) + ',"code":1}');
  assert.throws(() => decodeCommand(framed(0, header)), (error: unknown) => error instanceof ProtocolError && error.reason === 'MALFORMED_JSON');
});

test('random chunks fed to FrameDecoder yield commands or ProtocolErrors, and it stays failed after one', () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 12 }),
      fc.integer({ min: 8, max: 200 }),
      (chunks, maxFrameLength) => {
        const decoder = new FrameDecoder({ maxFrameLength });
        let failure: ProtocolError | null = null;
        for (const chunk of chunks) {
          try {
            decoder.push(Buffer.from(chunk), (command) => assert.ok(command instanceof RemotingCommand));
            assert.equal(failure, null, 'a push after a failure must throw');
          } catch (error) {
            assert.ok(error instanceof ProtocolError, `not a ProtocolError: ${String(error)}`);
            if (failure !== null) assert.equal(error, failure);
            failure = error;
          }
        }
      },
    ),
    { numRuns: 2000 },
  );
});

test('a mutated stream fed to FrameDecoder in pieces yields commands or a ProtocolError', () => {
  fc.assert(
    fc.property(
      fc.array(anyCommandCase, { minLength: 1, maxLength: 4 }),
      fc.array(mutation, { minLength: 1, maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (cases, mutations, cuts) => {
        const bytes = mutate(Buffer.concat(cases.map(({ command, serializeType }) => encodeCommand(command, serializeType))), mutations);
        const points = [0, ...cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b), bytes.length];
        const decoder = new FrameDecoder();
        onlyCommandsOrProtocolErrors(() => {
          for (let i = 1; i < points.length; i++) decoder.push(bytes.subarray(points[i - 1]!, points[i]!), () => {});
        });
      },
    ),
    { numRuns: 1000 },
  );
});
