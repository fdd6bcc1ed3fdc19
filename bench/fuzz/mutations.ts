/**
 * Mutations of valid inputs, as fast-check arbitraries: a plan (which corpus entry, which edits) is
 * generated, then applied to bytes. Positions are drawn as naturals and taken modulo the input's
 * length, so a plan applies to any input and fast-check's small and edge values land on the
 * interesting places (the first bytes: length words, serialize type, JSON's opening brace).
 */
import fc from 'fast-check';

export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; byte: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'duplicate'; at: number; length: number; to: number }
  /**
   * Lie in a length field, the frame's length word or the header length (24 bits after the type
   * byte): an absolute `value`, or the real length off by `delta`.
   */
  | { op: 'length'; field: 'frame' | 'header'; value: number | null; delta: number }
  | { op: 'serialize-type'; value: number }
  /** Insert text as UTF-8: random code points, lone surrogates (as WTF-8), or JSON-significant tokens. */
  | { op: 'text'; at: number; text: string }
  /** Insert byte sequences that are invalid or borderline UTF-8. */
  | { op: 'bad-utf8'; at: number; which: number }
  /** Splice in part of another corpus entry. */
  | { op: 'splice'; other: number; from: number; length: number; at: number };

export interface MutationPlan {
  /** Index (modulo the corpus size) of the entry to mutate. */
  pick: number;
  mutations: Mutation[];
  /**
   * Afterwards, set the frame's length word to the real length, and the header length so that the
   * body keeps its size, so the header decoders see the edits.
   */
  fixLengths: boolean;
  /**
   * For an input that is a JSON array of strings (argsJsonJson): apply the edits to element
   * `element` (modulo the length) and write the array back, so the edits reach the argument's own
   * decoder instead of mostly breaking the outer array.
   */
  inner: boolean;
  element: number;
}

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x3a, 0x2c, 0x2d, 0x30, 0x39, 0x65, 0x2e, 0x20, 0x0a];
const INTERESTING_LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffff, 0x1000000, 0x7fffffff, -1, -2, -0x80000000];
const BAD_UTF8 = [
  [0xc0, 0x80], // overlong NUL
  [0xe0, 0x80, 0x80], // overlong
  [0xed, 0xa0, 0x80], // UTF-16 surrogate as UTF-8 (CESU / WTF-8)
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0xe2, 0x82], // truncated
  [0x80],
  [0xbf, 0xbf],
  [0xef, 0xbb, 0xbf], // BOM
  [0xf0, 0x9f, 0x98, 0x80], // 😀
  [0xe2, 0x80, 0xa8], // U+2028
];
const JSON_TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', '\\"', '\\u', '\\u00', '\\uD800', '\\uDC00\\uD800', 'null', 'true', 'false', '-', '-0', '0', '01', '1e400', '-1e-400', '9'.repeat(40), '1.5', 'NaN', 'Infinity', '"extFields":', '"code":', '"body"', '"__proto__":', ' ', '\t', '\n', '{"a":[1,{"b":null}]}', '"\\"x\\""', '["1"]', '[]', '{}'];

const position = fc.nat({ max: 1 << 20 });

const textArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...JSON_TOKENS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 2 }) },
);

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('set' as const), at: position, byte: fc.oneof(fc.constantFrom(...INTERESTING_BYTES), fc.integer({ min: 0, max: 255 })) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 16 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: position }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: position, length: fc.integer({ min: 1, max: 32 }), to: position }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('length' as const),
      field: fc.constantFrom('frame' as const, 'header' as const),
      value: fc.oneof(fc.constantFrom(...INTERESTING_LENGTHS), fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.constant(null)),
      delta: fc.integer({ min: -64, max: 64 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('serialize-type' as const), value: fc.integer({ min: 0, max: 255 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('text' as const), at: position, text: textArbitrary }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bad-utf8' as const), at: position, which: fc.nat({ max: BAD_UTF8.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('splice' as const), other: fc.nat(), from: position, length: fc.integer({ min: 1, max: 64 }), at: position }) },
);

export const planArbitrary: fc.Arbitrary<MutationPlan> = fc.record({
  pick: fc.nat(),
  mutations: fc.array(mutationArbitrary, { minLength: 1, maxLength: 6 }),
  fixLengths: fc.boolean(),
  inner: fc.boolean(),
  element: fc.nat(),
});

/** Largest input the mutations produce; bigger results are cut (keeps every input small and fast). */
export const MAX_INPUT_LENGTH = 8192;

/**
 * Applies `plan` to `base`. `frameOffset` is where the frame's length word sits (null: the input
 * has no frame, and length and serialize-type edits do nothing).
 */
export function applyPlan(base: Buffer, plan: MutationPlan, corpus: readonly Buffer[], frameOffset: number | null, textOffset: number | null = null): Buffer {
  if (plan.inner && textOffset !== null) {
    const inner = mutateElement(base, plan, corpus, textOffset);
    if (inner !== null) return inner;
  }
  let bytes: Buffer = Buffer.from(base);
  const bodyLength = frameOffset === null || base.length < frameOffset + 8 ? -1 : base.length - frameOffset - 8 - (base.readUInt32BE(frameOffset + 4) & 0xffffff);
  const start = frameOffset ?? 0;
  const wrap = (at: number, extra = 0): number => start + (at % Math.max(1, bytes.length - start + extra));
  for (const m of plan.mutations) {
    switch (m.op) {
      case 'flip':
        if (bytes.length > 0) bytes[wrap(m.at) % bytes.length]! ^= 1 << m.bit;
        break;
      case 'set':
        if (bytes.length > 0) bytes[wrap(m.at) % bytes.length] = m.byte;
        break;
      case 'insert':
        bytes = insert(bytes, wrap(m.at, 1), m.bytes);
        break;
      case 'delete': {
        const at = wrap(m.at);
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
        break;
      }
      case 'truncate':
        bytes = bytes.subarray(0, wrap(m.at, 1));
        break;
      case 'duplicate': {
        const from = wrap(m.at);
        bytes = insert(bytes, wrap(m.to, 1), Buffer.from(bytes.subarray(from, from + m.length)));
        break;
      }
      case 'length': {
        if (frameOffset === null) break;
        const at = frameOffset + (m.field === 'frame' ? 0 : 4);
        if (bytes.length < at + 4) break;
        const real = m.field === 'frame' ? bytes.length - frameOffset - 4 : bytes.length - frameOffset - 8;
        const value = m.value ?? real + m.delta;
        if (m.field === 'frame') bytes.writeInt32BE(value | 0, at);
        else bytes.writeUIntBE(value & 0xffffff, at + 1, 3);
        break;
      }
      case 'serialize-type':
        if (frameOffset !== null && bytes.length > frameOffset + 4) bytes[frameOffset + 4] = m.value;
        break;
      case 'text':
        bytes = insert(bytes, wrap(m.at, 1), Buffer.from(m.text, 'utf8'));
        break;
      case 'bad-utf8':
        bytes = insert(bytes, wrap(m.at, 1), Buffer.from(BAD_UTF8[m.which]!));
        break;
      case 'splice': {
        const other = corpus[m.other % corpus.length]!;
        const from = m.from % Math.max(1, other.length);
        bytes = insert(bytes, wrap(m.at, 1), other.subarray(from, from + m.length));
        break;
      }
    }
    if (bytes.length > MAX_INPUT_LENGTH) bytes = bytes.subarray(0, MAX_INPUT_LENGTH);
  }
  if (plan.fixLengths && frameOffset !== null && bytes.length >= frameOffset + 8) {
    bytes.writeInt32BE(bytes.length - frameOffset - 4, frameOffset);
    const headerLength = bytes.length - frameOffset - 8 - bodyLength;
    if (bodyLength >= 0 && headerLength >= 0) bytes.writeUIntBE(headerLength, frameOffset + 5, 3);
  }
  return bytes;
}

/** Mutates one element of the JSON array of strings at `base[textOffset…]`; null when it is not one. */
function mutateElement(base: Buffer, plan: MutationPlan, corpus: readonly Buffer[], textOffset: number): Buffer | null {
  let elements: unknown;
  try {
    elements = JSON.parse(base.toString('utf8', textOffset));
  } catch {
    return null;
  }
  if (!Array.isArray(elements) || elements.length === 0 || !elements.every((element) => typeof element === 'string')) return null;
  const strings = elements as string[];
  const index = plan.element % strings.length;
  const edited = applyPlan(Buffer.from(strings[index]!, 'utf8'), { ...plan, inner: false }, corpus, null);
  strings[index] = edited.toString('utf8');
  return Buffer.concat([base.subarray(0, textOffset), Buffer.from(JSON.stringify(strings), 'utf8')]);
}

function insert(bytes: Buffer, at: number, piece: Uint8Array): Buffer {
  return Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
}
