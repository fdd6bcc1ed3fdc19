import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { InputOf, OutputOf } from './java-type.js';
import { checkJavaTypeName, InterfaceModifiers, renderMethodSignature } from './method-signature.js';
import { codecFor, type ValueCodec, type ValueType } from './value-codec.js';
import type { CallContext } from './call-context.js';

export type { ValueType } from './value-codec.js';

/** Options of one contract method. */
export interface MethodOptions {
  /** The Java method name when it differs from the contract key (overloads: two keys, one name). */
  readonly javaName?: string;
  /** As Java prints them: `public abstract` (default), `public default`, `public static`. */
  readonly modifiers?: string;
  /** Declared exceptions (binary names), in declaration order: they are part of `Method#toString()`. */
  readonly throws?: readonly string[];
  /** Safe to send again to another provider after a failure (used by cluster targets for failover). */
  readonly idempotent?: boolean;
}

/** One method: argument types, result type and options. */
export interface MethodSpec<A extends readonly ValueType[] = readonly ValueType[], R extends ValueType = ValueType> extends MethodOptions {
  readonly args: A;
  readonly result: R;
}

/** Declares a contract method: `method([J.String, J.String], J.String)`. */
export function method<const A extends readonly ValueType[], R extends ValueType>(args: A, result: R, options: MethodOptions = {}): MethodSpec<A, R> {
  return { ...options, args, result };
}

export type MethodSpecs = Readonly<Record<string, MethodSpec>>;

/** A contract method resolved for the wire: its `Method#toString()` key and value codecs. */
export interface ContractMethod {
  /** The contract key (the proxy's and the implementation's property name). */
  readonly key: string;
  /** The Java method name. */
  readonly javaName: string;
  /** `Method#toString()`, the `methodName` ext field. */
  readonly signature: string;
  readonly args: readonly ValueCodec[];
  readonly result: ValueCodec;
  readonly idempotent: boolean;
}

// Keys an object inherits, and `then` (a proxy with a `then` method would be mistaken for a promise).
const RESERVED_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'then']);

/**
 * A service contract: the service (Java interface) name and its methods. A contract is a value:
 * providers register implementations of it and consumers build proxies from it, both fully typed.
 */
export class Contract<M extends MethodSpecs = MethodSpecs> {
  /** Contract methods by key, in declaration order. */
  readonly methodsByKey: ReadonlyMap<string, ContractMethod>;
  /** Contract methods by `Method#toString()`. */
  readonly methodsBySignature: ReadonlyMap<string, ContractMethod>;

  constructor(
    /** The Java interface's binary name when interoperating (`com.acme.Svc`, `com.acme.Outer$Svc`). */
    readonly serviceName: string,
    readonly methods: M,
  ) {
    checkJavaTypeName(serviceName);
    const byKey = new Map<string, ContractMethod>();
    const bySignature = new Map<string, ContractMethod>();
    for (const key of Object.keys(methods)) {
      if (RESERVED_KEYS.has(key)) {
        throw new TypeError(`contract ${serviceName}: '${key}' cannot be a method key (inherited by every object); use another key with javaName: '${key}'`);
      }
      const resolved = resolveMethod(serviceName, key, methods[key]!);
      const clash = bySignature.get(resolved.signature);
      if (clash !== undefined) throw new TypeError(`contract ${serviceName}: methods '${clash.key}' and '${key}' have the same signature ${resolved.signature}`);
      byKey.set(key, resolved);
      bySignature.set(resolved.signature, resolved);
    }
    this.methodsByKey = byKey;
    this.methodsBySignature = bySignature;
  }
}

function resolveMethod(serviceName: string, key: string, spec: MethodSpec): ContractMethod {
  const where = `contract ${serviceName}, method '${key}'`;
  const args = spec.args.map((type, i) => {
    const codec = codecFor(type);
    if (codec.isVoid) throw new TypeError(`${where}: argument ${i} cannot be void`);
    return codec;
  });
  const result = codecFor(spec.result);
  const javaName = spec.javaName ?? key;
  let signature: string;
  try {
    signature = renderMethodSignature({
      modifiers: spec.modifiers ?? InterfaceModifiers.ABSTRACT,
      returnType: result.javaName,
      declaringClass: serviceName,
      name: javaName,
      parameterTypes: args.map((codec) => codec.javaName),
      exceptionTypes: spec.throws ?? [],
    });
  } catch (error) {
    throw new TypeError(`${where}: ${(error as Error).message}`, { cause: error });
  }
  return { key, javaName, signature, args, result, idempotent: spec.idempotent === true };
}

/**
 * Declares a service contract:
 *
 * ```ts
 * const ServiceHello = defineContract('com.uext.remote.rf.service.ServiceHello', {
 *   sayHello: method([J.String, J.String], J.String),
 *   sayHelloInteger: method([J.Integer, J.Integer], J.Integer),
 * });
 * ```
 */
export function defineContract<const M extends MethodSpecs>(serviceName: string, methods: M): Contract<M> {
  return new Contract(serviceName, methods);
}

/** Any contract. */
export type AnyContract = Contract<MethodSpecs>;

/** What the receiving side gets for a type (a schema's output). */
export type ValueOutput<T> = T extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<T> : OutputOf<T>;
/** What the sending side may pass for a type (a schema's input). */
export type ValueInput<T> = T extends StandardSchemaV1 ? StandardSchemaV1.InferInput<T> : InputOf<T>;

export type ArgsInput<A extends readonly ValueType[]> = { -readonly [K in keyof A]: ValueInput<A[K]> };
export type ArgsOutput<A extends readonly ValueType[]> = { -readonly [K in keyof A]: ValueOutput<A[K]> };

export type MethodsOf<C extends AnyContract> = C extends Contract<infer M> ? M : never;

/** One implementation function: the decoded arguments, then the call context. */
export type MethodImplementation<S extends MethodSpec> = (
  ...args: [...ArgsOutput<S['args']>, CallContext]
) => ValueInput<S['result']> | Promise<ValueInput<S['result']>>;

/** The object a provider registers for a contract: one function per contract method. */
export type Implementation<C extends AnyContract> = { [K in keyof MethodsOf<C>]: MethodImplementation<MethodsOf<C>[K]> };

/** The argument list a consumer passes to a method. */
export type CallArgs<S extends MethodSpec> = ArgsInput<S['args']>;
/** What a consumer's call resolves to. */
export type CallResult<S extends MethodSpec> = ValueOutput<S['result']>;
