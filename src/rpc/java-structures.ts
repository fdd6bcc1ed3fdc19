import { quoteJson } from '../protocol/index.js';
import { JavaType, type AnyJavaType, type InputOf, type OutputOf } from './java-type.js';
import { isJsonObject, numberToken, ownValue, setOwn, ValueError, type JsonNode } from './json-value.js';
import { isLosslessNumber } from 'lossless-json';

type Present = Exclude<JsonNode, null>;

/**
 * Adds `segment` to the path of a `ValueError` and gives the error back to be rethrown: what
 * `within()` does, without a closure per element (readers and writers below run per value).
 */
function under(error: unknown, segment: string | number): unknown {
  if (error instanceof ValueError) error.prepend(segment);
  return error;
}

/** Flattens an intersection so editors show one object type. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** `java.util.List<T>`, `java.util.Set<T>` and arrays `T[]`: a JSON array; null elements are kept. */
export class SequenceType<T extends AnyJavaType> extends JavaType<OutputOf<T>[] | null, readonly InputOf<T>[] | ReadonlySet<InputOf<T>> | null> {
  constructor(
    javaName: string,
    private readonly label: string,
    readonly item: T,
  ) {
    super(javaName, true);
  }

  describe(): string {
    return this.label === '[]' ? `${this.item.describe()}[]` : `${this.label}<${this.item.describe()}>`;
  }

  override get exactNumbers(): boolean {
    return this.item.exactNumbers;
  }

  protected readValue(node: Present): OutputOf<T>[] {
    if (!Array.isArray(node)) throw this.mismatch(node);
    const out = new Array<OutputOf<T>>(node.length);
    const item = this.item;
    for (let i = 0; i < node.length; i++) {
      try {
        out[i] = item.read(node[i]) as OutputOf<T>;
      } catch (error) {
        throw under(error, i);
      }
    }
    return out;
  }

  protected writeValue(value: unknown): string {
    if (!Array.isArray(value) && !(value instanceof Set)) throw this.wrongValue(value, `${this.describe()} (an array)`);
    const type = this.item;
    let out = '[';
    let i = 0;
    for (const item of value as Iterable<unknown>) {
      try {
        out += (i === 0 ? '' : ',') + type.write(item);
      } catch (error) {
        throw under(error, i);
      }
      i++;
    }
    return out + ']';
  }
}

/**
 * `java.util.Map<String, T>`: a JSON object. Written in the map's iteration order with null values
 * left out (fastjson); read into a plain object whose keys are always own properties.
 */
export class MapType<T extends AnyJavaType> extends JavaType<
  Record<string, OutputOf<T>> | null,
  Readonly<Record<string, InputOf<T>>> | ReadonlyMap<string, InputOf<T>> | null
> {
  constructor(readonly value: T) {
    super('java.util.Map', true);
  }

  describe(): string {
    return `Map<String,${this.value.describe()}>`;
  }

  override get exactNumbers(): boolean {
    return this.value.exactNumbers;
  }

  protected readValue(node: Present): Record<string, OutputOf<T>> {
    if (!isJsonObject(node)) throw this.mismatch(node);
    const out: Record<string, OutputOf<T>> = {};
    const type = this.value;
    for (const key of Object.keys(node)) {
      let value;
      try {
        value = type.read(node[key]);
      } catch (error) {
        throw under(error, key);
      }
      setOwn(out, key, value);
    }
    return out;
  }

  protected writeValue(value: unknown): string {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Set) {
      throw this.wrongValue(value, `${this.describe()} (an object or Map)`);
    }
    const entries: Iterable<[unknown, unknown]> = value instanceof Map ? value : Object.entries(value);
    let out = '{';
    let first = true;
    for (const [key, item] of entries) {
      if (item === null || item === undefined) continue;
      if (typeof key !== 'string') throw new ValueError(`map keys must be strings, not ${typeof key}`);
      let text;
      try {
        text = this.value.write(item);
      } catch (error) {
        throw under(error, key);
      }
      out += (first ? '' : ',') + quoteJson(key) + ':' + text;
      first = false;
    }
    return out + '}';
  }
}

export type PojoFields = Readonly<Record<string, AnyJavaType>>;

/** The value read for a POJO: every declared property present (null when the JSON left it out). */
export type PojoOutput<F extends PojoFields> = { -readonly [K in keyof F]: OutputOf<F[K]> };

/** The value to write for a POJO: nullable properties may be left out. */
export type PojoInput<F extends PojoFields> = Simplify<
  { -readonly [K in keyof F as null extends InputOf<F[K]> ? K : never]?: InputOf<F[K]> } & {
    -readonly [K in keyof F as null extends InputOf<F[K]> ? never : K]: InputOf<F[K]>;
  }
>;

/**
 * A Java bean (or any class fastjson serializes by its getters): a JSON object with properties in
 * alphabetical order and null properties left out (docs/protocol.md §7.4). Reading ignores unknown
 * properties and gives primitives the Java default when the JSON leaves them out.
 */
export class PojoType<F extends PojoFields> extends JavaType<Simplify<PojoOutput<F>> | null, PojoInput<F> | null> {
  private readonly declaredOrder: readonly string[];
  /** Each field with its type: in declared order for reading, in write order with its quoted key for writing. */
  private readonly readPlan: readonly { name: string; type: AnyJavaType }[];
  private readonly writePlan: readonly { name: string; type: AnyJavaType; key: string; nextKey: string }[];

  constructor(
    javaName: string,
    readonly fields: F,
  ) {
    super(javaName, true);
    this.declaredOrder = Object.keys(fields);
    // Fields are written in the order fastjson writes them (`String#compareTo`, i.e. UTF-16 code units).
    const writeOrder = [...this.declaredOrder].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.readPlan = this.declaredOrder.map((name) => ({ name, type: fields[name]! }));
    this.writePlan = writeOrder.map((name) => ({ name, type: fields[name]!, key: quoteJson(name) + ':', nextKey: ',' + quoteJson(name) + ':' }));
  }

  describe(): string {
    return this.javaName;
  }

  /** `{alpha: String, zeta: int}`: the property list, for service listings. */
  describeFields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of this.declaredOrder) setOwn(out, name, this.fields[name]!.describe());
    return out;
  }

  override get exactNumbers(): boolean {
    return this.declaredOrder.some((name) => this.fields[name]!.exactNumbers);
  }

  protected readValue(node: Present): Simplify<PojoOutput<F>> {
    if (!isJsonObject(node)) throw this.mismatch(node);
    const out: Record<string, unknown> = {};
    for (const { name, type } of this.readPlan) {
      const item = ownValue(node, name);
      let value;
      try {
        value = item === undefined && type.isPrimitive ? type.missingFieldValue : type.read(item);
      } catch (error) {
        throw under(error, name);
      }
      setOwn(out, name, value);
    }
    return out as Simplify<PojoOutput<F>>;
  }

  protected writeValue(value: unknown): string {
    if (typeof value !== 'object' || Array.isArray(value)) throw this.wrongValue(value, `${this.javaName} (an object)`);
    const record = value as Record<string, unknown>;
    let out = '{';
    let first = true;
    for (const { name, type, key, nextKey } of this.writePlan) {
      // Own properties, or getters of a class instance; never what Object.prototype provides.
      const item = Object.hasOwn(record, name) || !(name in Object.prototype) ? record[name] : undefined;
      if (item === null || item === undefined) {
        if (type.isPrimitive || !type.nullable) throw new ValueError(`${name}: expected ${type.describe()} but got ${String(item)}`);
        continue;
      }
      let text;
      try {
        text = type.write(item);
      } catch (error) {
        throw under(error, name);
      }
      out += (first ? key : nextKey) + text;
      first = false;
    }
    return out + '}';
  }
}

/** A Java enum: the constant's name; reading also takes the ordinal, as fastjson does. */
export class EnumType<C extends string> extends JavaType<C | null> {
  constructor(
    javaName: string,
    readonly constants: readonly C[],
  ) {
    super(javaName, true);
  }

  describe(): string {
    return this.javaName;
  }

  protected readValue(node: Present): C {
    if (typeof node === 'string') {
      if ((this.constants as readonly string[]).includes(node)) return node as C;
      throw new ValueError(`${JSON.stringify(node)} is not a constant of ${this.javaName}`);
    }
    if (typeof node === 'number' || isLosslessNumber(node)) {
      const ordinal = Number(numberToken(node));
      const constant = Number.isInteger(ordinal) ? this.constants[ordinal] : undefined;
      if (constant !== undefined) return constant;
      throw new ValueError(`${numberToken(node)} is not an ordinal of ${this.javaName}`);
    }
    throw this.mismatch(node);
  }

  protected writeValue(value: unknown): string {
    if (typeof value !== 'string' || !(this.constants as readonly string[]).includes(value)) {
      throw this.wrongValue(value, `one of ${this.constants.join('|')}`);
    }
    return quoteJson(value);
  }
}

/**
 * Another type under a different Java name: a type variable's erasure (`<T extends Comparable<T>>`
 * → `java.lang.Comparable`), or a class you map onto a built-in shape.
 */
export class NamedType<Out, In> extends JavaType<Out, In> {
  constructor(
    javaName: string,
    readonly inner: JavaType<Out, In>,
  ) {
    super(javaName, inner.nullable);
  }

  describe(): string {
    return this.inner.describe();
  }

  override get exactNumbers(): boolean {
    return this.inner.exactNumbers;
  }

  protected readValue(node: Present): Out {
    return this.inner.read(node);
  }

  protected writeValue(value: unknown): string {
    return this.inner.write(value);
  }
}
