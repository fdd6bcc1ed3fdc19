export { J, JavaTypes } from './java-types.js';
export { JavaType, type AnyJavaType, type InputOf, type OutputOf } from './java-type.js';
export { SequenceType, MapType, PojoType, EnumType, NamedType, type PojoFields, type PojoInput, type PojoOutput, type Simplify } from './java-structures.js';
export { IntegerType, BigIntegerType, FloatingType, BooleanType, CharType, StringType, BigDecimalType, DateType, BytesType, ObjectType, VoidType, javaFloatToString } from './java-scalars.js';
export { ValueError } from './json-value.js';
export { renderMethodSignature, parseMethodSignature, InterfaceModifiers, type MethodSignature } from './method-signature.js';
export {
  defineContract,
  method,
  Contract,
  type AnyContract,
  type ArgsInput,
  type ArgsOutput,
  type CallArgs,
  type CallResult,
  type ContractMethod,
  type Implementation,
  type MethodImplementation,
  type MethodOptions,
  type MethodSpec,
  type MethodSpecs,
  type MethodsOf,
  type ValueInput,
  type ValueOutput,
  type ValueType,
} from './contract.js';
export { CallContextFields, DeadlineExceededError, type Attachments, type CallContext } from './call-context.js';
export { encodeArgsJsonJson, decodeArgsJsonJson } from './args-json.js';
export { ApiProvider, decodeArguments, type ApiProviderOptions, type ProviderRegistration, type RegisterOptions, type ExecutorChoice } from './provider.js';
export { ApiConsumer, type ApiConsumerOptions, type ProxyOptions, type ProxyMethod, type ServiceProxy, type RpcCallback } from './consumer.js';
export { GenericService, type GenericCallOptions } from './generic.js';
export type { CallOptions } from './invocation.js';
export { RemoteError, InvalidArgumentError, type RemoteErrorInit } from './errors.js';
export { AddressTarget, type RpcTarget, type RpcCall, type RpcResponse } from './target.js';
export { SEED_RPC_REQUEST_CODE, SeedRpcFields, buildSeedRequest } from './seed-request.js';
export {
  SERVICE_LISTING_INTERFACE,
  SERVICE_LISTING_METHOD,
  type ServiceListing,
  type ServiceDescription,
  type MethodDescription,
} from './service-listing.js';
