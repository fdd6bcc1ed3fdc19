import type { ContractMethod } from './contract.js';
import { JavaType, type AnyJavaType } from './java-type.js';
import { MapType, NamedType, PojoType, SequenceType, EnumType } from './java-structures.js';

/**
 * Service listing. A provider answers a seed RPC request whose `interfaceName` is this reserved
 * name (it contains `-`, so no Java interface can have it) with a JSON description of its services.
 * A Java provider answers it like any unknown interface (`interface not exists …`), and Java
 * consumers never send it, so interop is untouched.
 */
export const SERVICE_LISTING_INTERFACE = 'rocket-rpc.ServiceRegistry';
/** The `methodName` of the listing request. */
export const SERVICE_LISTING_METHOD = 'list';

export interface MethodDescription {
  /** Contract key. */
  key: string;
  /** Java method name. */
  name: string;
  /** `Method#toString()`: what to pass as the method of a generic call. */
  signature: string;
  /** Readable parameter types (`List<String>`, `com.acme.Pojo`, `schema(zod)`). */
  parameters: string[];
  result: string;
  /** A `void` method: consumers send it oneway. */
  oneway: boolean;
  idempotent: boolean;
}

export interface ServiceDescription {
  name: string;
  methods: MethodDescription[];
}

/** The listing body. `types` describes the POJOs and enums the methods use, by Java name. */
export interface ServiceListing {
  services: ServiceDescription[];
  types: Record<string, Record<string, string> | string[]>;
}

export function describeMethod(method: ContractMethod): MethodDescription {
  return {
    key: method.key,
    name: method.javaName,
    signature: method.signature,
    parameters: method.args.map((codec) => codec.description),
    result: method.result.description,
    oneway: method.result.isVoid,
    idempotent: method.idempotent,
  };
}

/** Adds the POJO and enum types reachable from `type` to `types`. */
export function collectNamedTypes(type: AnyJavaType | undefined, types: Map<string, Record<string, string> | string[]>): void {
  if (type === undefined || !(type instanceof JavaType)) return;
  if (type instanceof SequenceType) collectNamedTypes(type.item, types);
  else if (type instanceof MapType) collectNamedTypes(type.value, types);
  else if (type instanceof NamedType) collectNamedTypes(type.inner, types);
  else if (type instanceof EnumType) types.set(type.javaName, [...type.constants]);
  else if (type instanceof PojoType && !types.has(type.javaName)) {
    types.set(type.javaName, type.describeFields());
    for (const field of Object.values(type.fields) as AnyJavaType[]) collectNamedTypes(field, types);
  }
}
