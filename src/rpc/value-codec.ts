import type { StandardSchemaV1 } from '@standard-schema/spec';
import { JavaType, type AnyJavaType } from './java-type.js';
import { BytesType, StringType } from './java-scalars.js';
import { formatPath, parseJson, parsePlainJson, ValueError, writePlainJson } from './json-value.js';

/** What a contract accepts as an argument or result type: a Java type, or any Standard Schema. */
export type ValueType = AnyJavaType | StandardSchemaV1;

/**
 * How one argument or a result travels: its Java name (for the method signature) and its JSON
 * text. `decode` returns a promise only for schemas whose validation is asynchronous.
 */
export interface ValueCodec {
  readonly javaName: string;
  /** Readable type for listings and errors. */
  readonly description: string;
  readonly isVoid: boolean;
  /** The Java type behind the codec; undefined for a Standard Schema. */
  readonly javaType?: AnyJavaType;
  /**
   * For types whose values are written as string literals that need no escaping inside (printable
   * ASCII without `"` and `\`; built-in `byte[]`: Base64): the literal's content, without its
   * quotes, or null where `encode` writes something else (`null`). Lets the literal go into
   * `argsJsonJson` without a scan. A subclass of a built-in type does not inherit it.
   */
  readonly encodeContent?: (value: unknown) => string | null;
  /** The counterpart of `encodeContent`: the value of a literal with this content (no escapes in it). */
  readonly decodeContent?: (content: string) => unknown;
  /**
   * True when `encode`'s text already has every character escaped where V8's `JSON.stringify` and
   * fastjson differ (controls, DEL, C1, U+2028/9), unpaired surrogates aside: quoting it into
   * `argsJsonJson` then needs no check beyond `isWellFormed()`. Built-in `String` only.
   */
  readonly writesEscapedText?: boolean;
  /** JSON text of a value; throws `ValueError` when the value does not fit the type. */
  encode(value: unknown): string;
  /** Reads JSON text; throws (or rejects with) `ValueError`. */
  decode(text: string): unknown;
}

export function isStandardSchema(type: unknown): type is StandardSchemaV1 {
  // arktype's types are functions, zod's and valibot's objects.
  if ((typeof type !== 'object' && typeof type !== 'function') || type === null || !('~standard' in type)) return false;
  return typeof (type as StandardSchemaV1)['~standard']?.validate === 'function';
}

export function codecFor(type: ValueType): ValueCodec {
  if (type instanceof JavaType) return javaTypeCodec(type);
  if (isStandardSchema(type)) return schemaCodec(type);
  throw new TypeError('a contract type must be a J type (J.String, J.list(...), ...) or a Standard Schema (zod, valibot, arktype...)');
}

function malformed(error: unknown): ValueError {
  return new ValueError(`malformed JSON: ${(error as Error).message}`);
}

/**
 * The text of a JSON string literal that needs no unescaping (`"hello"`), else null. Most string
 * arguments and results look like this, and slicing beats a parse.
 */
function plainStringLiteral(text: string): string | null {
  const last = text.length - 1;
  if (last < 1 || text.charCodeAt(0) !== 0x22 || text.charCodeAt(last) !== 0x22) return null;
  // A raw control character (invalid JSON, which fastjson reads anyway) is taken as is.
  const inner = text.slice(1, last);
  return inner.includes('"') || inner.includes('\\') ? null : inner;
}

function javaTypeCodec(type: AnyJavaType): ValueCodec {
  const exact = type.exactNumbers;
  // Base64 written by BytesType itself: `notNull()` copies keep the prototype, subclasses do not match.
  const base64 = Object.getPrototypeOf(type) === BytesType.prototype;
  if (type instanceof StringType) {
    return {
      javaName: type.javaName,
      description: type.describe(),
      isVoid: false,
      javaType: type,
      // quoteJson escapes all of them; a subclass may write otherwise.
      writesEscapedText: Object.getPrototypeOf(type) === StringType.prototype,
      encode: (value) => type.write(value),
      decode(text) {
        const plain = plainStringLiteral(text);
        if (plain !== null) return plain;
        // A string literal holds no number token, so JSON.parse cannot lose digits: no need for the
        // digit-run scan of parseJson. What JSON.parse refuses (raw control characters, which
        // fastjson reads) goes the general way.
        if (text.charCodeAt(0) === 0x22) {
          try {
            return JSON.parse(text) as string;
          } catch {
            // fall through
          }
        }
        let node;
        try {
          node = parseJson(text, exact);
        } catch (error) {
          throw malformed(error);
        }
        return type.read(node);
      },
    };
  }
  const codec: ValueCodec = {
    javaName: type.javaName,
    description: type.describe(),
    isVoid: type.javaName === 'void',
    javaType: type,
    encode: (value) => type.write(value),
    decode(text) {
      if (base64) {
        // Base64 in a literal without escapes: sliced out instead of parsed (a copy less of a large value).
        const plain = plainStringLiteral(text);
        if (plain !== null) return type.read(plain);
      }
      let node;
      try {
        node = parseJson(text, exact);
      } catch (error) {
        throw malformed(error);
      }
      return type.read(node);
    },
  };
  if (!base64) return codec;
  const bytes = type as unknown as BytesType;
  return { ...codec, encodeContent: (value) => bytes.base64Content(value), decodeContent: (content) => type.read(content) };
}

/**
 * A Standard Schema value: written as plain JSON (nulls kept, bigint as digits), read as plain
 * JSON (integers beyond 2^53 as bigint) and then validated — the schema's output is what the
 * receiver gets.
 */
function schemaCodec(schema: StandardSchemaV1): ValueCodec {
  const props = schema['~standard'];
  return {
    javaName: 'java.lang.Object',
    description: `schema(${props.vendor})`,
    isVoid: false,
    encode: (value) => writePlainJson(value, { omitNullProperties: false }),
    decode(text) {
      let value;
      try {
        value = parsePlainJson(text);
      } catch (error) {
        throw malformed(error);
      }
      const result = props.validate(value);
      return result instanceof Promise ? result.then(schemaOutcome) : schemaOutcome(result);
    },
  };
}

function schemaOutcome(result: StandardSchemaV1.Result<unknown>): unknown {
  if (result.issues === undefined) return result.value;
  const text = result.issues
    .map((issue) => {
      const path = issue.path === undefined ? '' : formatPath(issue.path.map((segment) => (typeof segment === 'object' ? segment.key : segment)));
      return path === '' ? issue.message : `${path}: ${issue.message}`;
    })
    .join('; ');
  throw new ValueError(text);
}
