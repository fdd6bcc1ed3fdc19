import { BigDecimalType, BigIntegerType, BooleanType, BytesType, CharType, DateType, FloatingType, IntegerType, ObjectType, StringType, VoidType } from './java-scalars.js';
import { EnumType, MapType, NamedType, PojoType, SequenceType, type PojoFields } from './java-structures.js';
import type { AnyJavaType, JavaType } from './java-type.js';
import { checkJavaTypeName } from './method-signature.js';

const INT32 = 2 ** 31;

function list<T extends AnyJavaType>(item: T): SequenceType<T> {
  return new SequenceType('java.util.List', 'List', item);
}

function set<T extends AnyJavaType>(item: T): SequenceType<T> {
  return new SequenceType('java.util.Set', 'Set', item);
}

/** `T[]` (e.g. `int[]`, `java.lang.String[]`). For `byte[]` use `J.bytes`: fastjson writes it as Base64. */
function array<T extends AnyJavaType>(item: T): SequenceType<T> {
  if (item.javaName === 'byte') throw new TypeError('byte[] is written as Base64 by fastjson: use J.bytes, not J.array(J.byte)');
  return new SequenceType(`${item.javaName}[]`, '[]', item);
}

/** `java.util.Map<String, T>` (fastjson writes other key types as non-JSON, so only String keys). */
function map<T extends AnyJavaType>(value: T): MapType<T> {
  return new MapType(value);
}

/**
 * A POJO / bean / record class by its binary name (`com.acme.Svc$Pojo`) and its JSON properties.
 * Nested types are other `J` types, POJOs included.
 */
function pojo<const F extends PojoFields>(javaName: string, fields: F): PojoType<F> {
  return new PojoType(checkJavaTypeName(javaName), fields);
}

/** A Java enum by its binary name and constants, in declaration order (the ordinals). */
function enumOf<const C extends string>(javaName: string, constants: readonly C[]): EnumType<C> {
  return new EnumType(checkJavaTypeName(javaName), constants);
}

/** `type` under another Java name, e.g. a type variable's erasure: `J.named('java.lang.Comparable', J.String)`. */
function named<Out, In>(javaName: string, type: JavaType<Out, In>): NamedType<Out, In> {
  return new NamedType(checkJavaTypeName(javaName), type);
}

/**
 * The Java types of the seed RPC convention, with their TypeScript value types. Boxed/reference
 * types (`Integer`, `String`, lists, POJOs…) accept null; primitives (`int`, `long`…) do not.
 *
 * | Java | TypeScript |
 * |---|---|
 * | `String`, `char` | `string` |
 * | `int`/`short`/`byte`/`double`/`float` (+ boxes) | `number` |
 * | `long`/`Long`, `BigInteger` | `bigint` (exact beyond 2^53) |
 * | `BigDecimal` | decimal `string` (exact) |
 * | `boolean`/`Boolean` | `boolean` |
 * | `Date` | `Date` |
 * | `byte[]` | `Uint8Array` |
 * | `List<T>`, `Set<T>`, `T[]` | `T[]` |
 * | `Map<String,T>` | `Record<string, T>` |
 * | POJO | object type from its fields |
 * | `Object` | `unknown` |
 */
export const J = {
  String: new StringType('java.lang.String', true),
  char: new CharType('char', true).notNull(),
  Character: new CharType('java.lang.Character', true),
  int: new IntegerType('int', 'int', -INT32, INT32 - 1).notNull(),
  Integer: new IntegerType('java.lang.Integer', 'Integer', -INT32, INT32 - 1),
  short: new IntegerType('short', 'short', -32768, 32767).notNull(),
  Short: new IntegerType('java.lang.Short', 'Short', -32768, 32767),
  byte: new IntegerType('byte', 'byte', -128, 127).notNull(),
  Byte: new IntegerType('java.lang.Byte', 'Byte', -128, 127),
  long: new BigIntegerType('long', 'long', 64).notNull(),
  Long: new BigIntegerType('java.lang.Long', 'Long', 64),
  BigInteger: new BigIntegerType('java.math.BigInteger', 'BigInteger', null),
  double: new FloatingType('double', 'double', false).notNull(),
  Double: new FloatingType('java.lang.Double', 'Double', false),
  float: new FloatingType('float', 'float', true).notNull(),
  Float: new FloatingType('java.lang.Float', 'Float', true),
  boolean: new BooleanType('boolean', true).notNull(),
  Boolean: new BooleanType('java.lang.Boolean', true),
  BigDecimal: new BigDecimalType('java.math.BigDecimal', true),
  Date: new DateType('java.util.Date', true),
  bytes: new BytesType('byte[]', true),
  Object: new ObjectType('java.lang.Object', true),
  void: new VoidType(),
  list,
  set,
  array,
  map,
  pojo,
  enumOf,
  named,
} as const;

/** Alias of {@link J}. */
export const JavaTypes = J;
