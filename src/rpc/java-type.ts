import { ValueError, jsonKind, type JsonNode } from './json-value.js';

/**
 * A Java type as the seed RPC convention sees it (docs/protocol.md §7.3, §7.4): its erased name for
 * `Method#toString()`, how fastjson writes a value of it, and how fastjson reads one back — with the
 * TypeScript types of the values on both sides (`In` is what you may pass, `Out` what you get).
 *
 * Reference types accept `null` unless narrowed with {@link JavaType.notNull}; primitives never do.
 */
export abstract class JavaType<Out, In = Out> {
  /** Phantom: carries the TypeScript types; never set at run time. */
  declare readonly types?: { readonly input: In; readonly output: Out };

  constructor(
    /** The name `Class#getTypeName()` gives the erased type: `int`, `java.util.List`, `com.acme.Svc$Pojo`, `byte[]`. */
    readonly javaName: string,
    /** Whether null is a valid value (Java reference types). */
    readonly nullable: boolean,
  ) {}

  /** Readable type, generic arguments included: `List<String>`, `Map<String,Integer>`. */
  abstract describe(): string;

  /** Reads a present (non-null) JSON node. Throws `ValueError`. */
  protected abstract readValue(node: Exclude<JsonNode, null>): Out;

  /** Writes a present (non-null) value as JSON text. Throws `ValueError`. */
  protected abstract writeValue(value: unknown): string;

  /**
   * True when reading needs the exact text of number tokens (BigDecimal keeps `1.10`), so the
   * lossless parser must be used whatever the digits look like.
   */
  get exactNumbers(): boolean {
    return false;
  }

  /** True for `int`, `long`, `boolean`… (never null; a field the JSON leaves out keeps its default). */
  get isPrimitive(): boolean {
    return PRIMITIVE_NAMES.has(this.javaName);
  }

  /** The value Java leaves in a field that the JSON does not mention: a primitive's default, else null. */
  get missingFieldValue(): Out | null {
    return null;
  }

  /** Reads a parsed JSON node (fastjson's lenient rules). Throws `ValueError`. */
  read(node: JsonNode | undefined): Out {
    if (node === null || node === undefined) {
      if (this.nullable) return null as Out;
      throw new ValueError(`expected ${this.describe()} but got null`);
    }
    return this.readValue(node);
  }

  /** The JSON text fastjson would write for `value`. Throws `ValueError` for a value of the wrong type. */
  write(value: unknown): string {
    if (value === null || value === undefined) {
      if (this.nullable) return 'null';
      throw new ValueError(`expected ${this.describe()} but got ${String(value)}`);
    }
    return this.writeValue(value);
  }

  /** The same type without null: a null argument or result is then refused. */
  notNull(): JavaType<Exclude<Out, null>, Exclude<In, null | undefined>> {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as JavaType<Exclude<Out, null>, Exclude<In, null | undefined>>;
    Object.assign(copy, this);
    Object.defineProperty(copy, 'nullable', { value: false, enumerable: true });
    return copy;
  }

  /** The error for a node of the wrong JSON type. */
  protected mismatch(node: JsonNode | undefined): ValueError {
    return new ValueError(`expected ${this.describe()} but got ${jsonKind(node)}`);
  }

  /** The error for a value of the wrong JavaScript type. */
  protected wrongValue(value: unknown, expected?: string): ValueError {
    return new ValueError(`expected ${expected ?? this.describe()} but got ${describeValue(value)}`);
  }
}

const PRIMITIVE_NAMES = new Set(['boolean', 'byte', 'short', 'char', 'int', 'long', 'float', 'double']);

/** Any Java type, whatever its value types. */
export type AnyJavaType = JavaType<unknown, unknown>;

/** The TypeScript type of a value read for `T`. */
export type OutputOf<T> = T extends JavaType<infer Out, unknown> ? Out : never;
/** The TypeScript type of a value that may be written for `T`. */
export type InputOf<T> = T extends JavaType<unknown, infer In> ? In : never;

/** `typeof`-like description of a JavaScript value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  if (value instanceof Uint8Array) return 'Uint8Array';
  if (typeof value === 'number' && !Number.isInteger(value)) return `number ${value}`;
  if (typeof value === 'number' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value;
}
