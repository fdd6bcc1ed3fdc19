import { ProtocolError } from '../errors.js';
import { javaDoubleToString, parseJavaBoolean, parseJavaDouble, parseJavaInt, parseJavaLong } from './java-number.js';

/** Java field types the remoting layer converts (docs/codec.md, "Custom headers"). */
export type HeaderFieldKind = 'string' | 'int' | 'long' | 'boolean' | 'double';

interface KindValue {
  string: string;
  int: number;
  long: bigint;
  boolean: boolean;
  double: number;
}

export interface HeaderFieldSpec<K extends HeaderFieldKind = HeaderFieldKind> {
  kind: K;
  /** Java `@CFNotNull` (or a primitive field): always sent, required when decoding strictly. */
  notNull?: boolean;
}

export type HeaderSpec = Record<string, HeaderFieldKind | HeaderFieldSpec>;

type KindOf<F> = F extends HeaderFieldKind ? F : F extends HeaderFieldSpec<infer K> ? K : never;
type IsRequired<F> = F extends { notNull: true } ? true : false;

/** The TypeScript shape of a header: not-null fields required, the others optional. */
export type HeaderValues<S extends HeaderSpec> = {
  [N in keyof S as IsRequired<S[N]> extends true ? N : never]: KindValue[KindOf<S[N]>];
} & {
  [N in keyof S as IsRequired<S[N]> extends true ? never : N]?: KindValue[KindOf<S[N]>] | null;
};

export interface HeaderDecodeOptions {
  /**
   * Java only logs a missing `@CFNotNull` field or an unparsable number and keeps the default.
   * With `strict` such a header is refused with a `ProtocolError` naming the field.
   */
  strict?: boolean;
}

/**
 * A typed custom header (Java `CommandCustomHeader`) and its conversion to and from ext fields,
 * with the Java side's text forms: decimal ints and longs (bigint, exact beyond 2^53),
 * `true`/`false`, and doubles as Java's `Double.toString` writes them.
 */
export class CustomHeader<S extends HeaderSpec> {
  private readonly fields: ReadonlyArray<readonly [name: string, kind: HeaderFieldKind, notNull: boolean]>;

  constructor(spec: S) {
    this.fields = Object.entries(spec).map(([name, field]) =>
      typeof field === 'string' ? ([name, field, false] as const) : ([name, field.kind, field.notNull === true] as const),
    );
  }

  /**
   * Writes the non-null fields into `ext` (created when null), keeping other keys, as Java's
   * `makeCustomHeaderToNet` does. A missing not-null field is an error.
   */
  encode(values: HeaderValues<S>, ext: Map<string, string> | null = null): Map<string, string> {
    const target = ext ?? new Map<string, string>();
    const record = values as Record<string, unknown>;
    for (const [name, kind, notNull] of this.fields) {
      const value = record[name];
      if (value === undefined || value === null) {
        if (notNull) throw new ProtocolError('MISSING_FIELD', `the custom field ${name} is null`, { field: name });
        continue;
      }
      target.set(name, formatField(name, kind, value));
    }
    return target;
  }

  /** Reads the header from ext fields (Java `decodeCommandCustomHeader`). */
  decode(ext: Map<string, string> | null, options: HeaderDecodeOptions = {}): HeaderValues<S> {
    const result: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    // Java returns the empty header, unchecked, when a command has no ext fields at all.
    if (ext === null) return result as HeaderValues<S>;
    for (const [name, kind, notNull] of this.fields) {
      const text = ext.get(name);
      if (text === undefined) {
        if (notNull && options.strict) throw new ProtocolError('MISSING_FIELD', `the custom field ${name} is null`, { field: name });
        continue;
      }
      const value = parseField(kind, text);
      if (value === null) {
        if (options.strict) {
          throw new ProtocolError('BAD_FIELD', `the custom field ${name} is not a valid ${kind}: ${JSON.stringify(text)}`, { field: name });
        }
        continue;
      }
      result[name] = value;
    }
    return result as HeaderValues<S>;
  }
}

/** Declares a custom header; see {@link CustomHeader}. */
export function defineHeader<const S extends HeaderSpec>(spec: S): CustomHeader<S> {
  return new CustomHeader(spec);
}

function formatField(name: string, kind: HeaderFieldKind, value: unknown): string {
  switch (kind) {
    case 'string':
      return String(value);
    case 'int':
      if (typeof value === 'number' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) return String(value);
      break;
    case 'long':
      if (typeof value === 'bigint' && value >= -(2n ** 63n) && value < 2n ** 63n) return value.toString();
      if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value ? 'true' : 'false';
      break;
    case 'double':
      if (typeof value === 'number') return javaDoubleToString(value);
      break;
  }
  throw new ProtocolError('BAD_FIELD', `the custom field ${name} is not a valid ${kind}: ${String(value)}`, { field: name });
}

function parseField(kind: HeaderFieldKind, text: string): string | number | bigint | boolean | null {
  switch (kind) {
    case 'string':
      return text;
    case 'int':
      return parseJavaInt(text);
    case 'long':
      return parseJavaLong(text);
    case 'boolean':
      return parseJavaBoolean(text);
    case 'double':
      return parseJavaDouble(text);
  }
}
