import { ProtocolError, type RemotingError } from '../errors.js';
import type { SerializeType } from '../protocol/index.js';
import { RemotingClient, type Logger, type RemotingClientOptions } from '../transport/index.js';
import { encodeArgsJsonJson, escapedArgsJsonJson, literalArgsJsonJson } from './args-json.js';
import type { Attachments } from './call-context.js';
import type { AnyContract, CallArgs, CallResult, ContractMethod, MethodsOf } from './contract.js';
import { InvalidArgumentError } from './errors.js';
import { GenericService } from './generic.js';
import { sendSeed, type AnswerReader, type CallOptions, type InvocationSettings } from './invocation.js';
import { ValueError } from './json-value.js';
import { AddressTarget, type RpcTarget } from './target.js';

/** Node-style callback of `proxy.method.async(...args, callback)`. */
export type RpcCallback<R> = (error: Error | null, result?: R) => void;

/** One method of a proxy. */
export interface ProxyMethod<A extends unknown[], R> {
  /** Calls the method; `void` methods are sent oneway and resolve once written. */
  (...args: A): Promise<R>;
  /** The same call with per-call options: `proxy.sayHello.with({ timeoutMs: 500 })('a', 'b')`. */
  with(options: CallOptions): (...args: A) => Promise<R>;
  /** Callback form (Java `invokeAsync`): the callback runs once, never inside this call. */
  async(...argsAndCallback: [...A, RpcCallback<R>]): void;
  /** `Method#toString()` of the method. */
  readonly signature: string;
}

/** The client-side view of a contract: one {@link ProxyMethod} per contract method. */
export type ServiceProxy<C extends AnyContract> = {
  readonly [K in keyof MethodsOf<C>]: ProxyMethod<CallArgs<MethodsOf<C>[K]>, CallResult<MethodsOf<C>[K]>>;
};

export interface ProxyOptions {
  /** `host:port` of the provider, or a target (e.g. a cluster from discovery). */
  target?: string | RpcTarget;
  /** Default timeout of calls in milliseconds. Default 3000 (the article's `ApiConsumerBean`). */
  timeoutMs?: number;
  /** Send `void` methods as normal requests and wait for the answer (provider errors are then seen). Default false: oneway. */
  voidAsSync?: boolean;
  /** Attachments every call carries. */
  attachments?: Attachments;
  /** Tell the provider the caller's timeout (ext field `rpcTimeoutMs`). Default true. */
  propagateDeadline?: boolean;
  /**
   * Header type of the requests: `SerializeType.ROCKETMQ` (binary) needs no escaping of the
   * argument text at all and is much faster for large arguments; Java providers accept both and
   * answer in the request's type. Default: the client's, which is JSON unless set otherwise.
   */
  serializeType?: SerializeType;
}

export interface ApiConsumerOptions extends ProxyOptions {
  /** Send through this engine client (you close it); default: the consumer creates one. */
  client?: RemotingClient;
  /** Options of the client the consumer creates (e.g. `connector` of an `InMemoryNetwork`). */
  clientOptions?: RemotingClientOptions;
  /** A pino-compatible logger for the client the consumer creates (unless `clientOptions` names one). */
  logger?: Logger;
}

/**
 * Calls providers that follow the seed RPC convention (docs/protocol.md §7) — rocket-rpc providers and
 * the article's Java `ApiProviderBean` alike — through typed proxies built from contracts.
 */
export class ApiConsumer {
  readonly client: RemotingClient;
  private readonly ownsClient: boolean;
  private readonly defaults: ProxyOptions;

  constructor(options: ApiConsumerOptions = {}) {
    this.ownsClient = options.client === undefined;
    this.client = options.client ?? new RemotingClient({ logger: options.logger, ...options.clientOptions });
    this.defaults = options;
  }

  /** A typed proxy of `contract`; options override the consumer's. */
  proxy<C extends AnyContract>(contract: C, options: ProxyOptions = {}): ServiceProxy<C> {
    const settings = this.settings(options);
    const voidAsSync = options.voidAsSync ?? this.defaults.voidAsSync ?? false;
    const proxy: Record<string, ProxyMethod<unknown[], unknown>> = {};
    for (const [key, method] of contract.methodsByKey) {
      proxy[key] = proxyMethod(settings, contract.serviceName, method, voidAsSync);
    }
    return Object.freeze(proxy) as ServiceProxy<C>;
  }

  /** Calls without a contract (service name, `Method#toString()`, JSON arguments): see {@link GenericService}. */
  generic(options: ProxyOptions = {}): GenericService {
    return new GenericService(this.settings(options));
  }

  /** Closes the client if the consumer created it. */
  async close(): Promise<void> {
    if (this.ownsClient) await this.client.close();
  }

  private settings(options: ProxyOptions): InvocationSettings {
    const target = options.target ?? this.defaults.target;
    if (target === undefined) throw new TypeError('no target: give the provider address (host:port) or a target');
    return {
      target: typeof target === 'string' ? new AddressTarget(this.client, target) : target,
      timeoutMs: options.timeoutMs ?? this.defaults.timeoutMs ?? 3000,
      propagateDeadline: options.propagateDeadline ?? this.defaults.propagateDeadline ?? true,
      attachments: mergeAttachments(this.defaults.attachments, options.attachments),
      serializeType: options.serializeType ?? this.defaults.serializeType,
    };
  }
}

function mergeAttachments(base: Attachments | undefined, extra: Attachments | undefined): Attachments | undefined {
  if (base === undefined || extra === undefined) return extra ?? base;
  const merged = new Map<string, string>(base instanceof Map ? base : Object.entries(base));
  for (const [name, value] of extra instanceof Map ? extra : Object.entries(extra)) merged.set(name, value);
  return merged;
}

function proxyMethod(settings: InvocationSettings, service: string, method: ContractMethod, voidAsSync: boolean): ProxyMethod<unknown[], unknown> {
  // Made once per method, not per call.
  const read: AnswerReader<unknown> = method.result.isVoid ? nothing : (body, addr) => decodeResult(service, method, body, addr);
  const invoke = (args: unknown[], options: CallOptions | undefined): Promise<unknown> => callMethod(settings, service, method, voidAsSync, read, args, options);
  const fn = (...args: unknown[]): Promise<unknown> => invoke(args, undefined);
  const methods = {
    with: (options: CallOptions) => (...args: unknown[]) => invoke(args, options),
    async: (...argsAndCallback: [...unknown[], RpcCallback<unknown>]) => {
      const callback: unknown = argsAndCallback.pop();
      if (typeof callback !== 'function') throw new TypeError(`${method.javaName}.async: the last argument must be the callback`);
      const done = callback as RpcCallback<unknown>;
      // Built on the promise path; queueMicrotask makes a throwing callback an uncaught exception
      // instead of an unhandled rejection of an internal promise.
      invoke(argsAndCallback as unknown[], undefined).then(
        (result) => queueMicrotask(() => done(null, result)),
        (error: Error) => queueMicrotask(() => done(error)),
      );
    },
  };
  Object.defineProperty(fn, 'name', { value: method.key });
  return Object.assign(fn, methods, { signature: method.signature });
}

function callMethod(
  settings: InvocationSettings,
  service: string,
  method: ContractMethod,
  voidAsSync: boolean,
  read: AnswerReader<unknown>,
  args: unknown[],
  options: CallOptions | undefined,
): Promise<unknown> {
  let argsJsonJson: string;
  try {
    argsJsonJson = encodeArguments(service, method, args);
  } catch (error) {
    return Promise.reject(error);
  }
  const oneway = method.result.isVoid && !(options?.sync ?? voidAsSync);
  return sendSeed(settings, { service, signature: method.signature, argsJsonJson, oneway, idempotent: method.idempotent }, options, read);
}

/** The result of a call from the answer's body (none: null), checked against the contract. */
function decodeResult(service: string, method: ContractMethod, body: string | null, addr: string): unknown {
  let result: unknown;
  try {
    result = method.result.decode(body ?? 'null');
  } catch (error) {
    throw error instanceof ValueError ? resultError(service, method, addr, error) : error;
  }
  if (!(result instanceof Promise)) return result;
  return result.catch((error: unknown) => {
    throw error instanceof ValueError ? resultError(service, method, addr, error) : error;
  });
}

function nothing(): undefined {
  return undefined;
}

/** The `argsJsonJson` of a call; throws `InvalidArgumentError` for an argument that does not fit. */
function encodeArguments(service: string, method: ContractMethod, args: unknown[]): string {
  const count = method.args.length;
  if (args.length !== count) {
    throw new InvalidArgumentError({
      service,
      method: method.signature,
      argumentIndex: null,
      message: `${service}.${method.javaName}: wrong number of arguments (${count} expected; ${args.length} given)`,
    });
  }
  const only = count === 1 ? method.args[0]! : null;
  if (only?.encodeContent !== undefined) {
    // A lone argument written as an escape-free literal (byte[]): no scan of its text.
    const content = encodeArgument(service, method, 0, only.encodeContent, args[0]);
    if (content !== null) return literalArgsJsonJson(content);
  }
  if (only?.writesEscapedText === true) return escapedArgsJsonJson(encodeArgument(service, method, 0, only.encode, args[0]));
  const texts = new Array<string>(count);
  for (let i = 0; i < count; i++) texts[i] = encodeArgument(service, method, i, method.args[i]!.encode, args[i]);
  return encodeArgsJsonJson(texts);
}

/** `encode(value)` for argument `index`; a `ValueError` becomes the call's `InvalidArgumentError`. */
function encodeArgument<T>(service: string, method: ContractMethod, index: number, encode: (value: unknown) => T, value: unknown): T {
  try {
    return encode(value);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    const codec = method.args[index]!;
    throw new InvalidArgumentError({
      service,
      method: method.signature,
      argumentIndex: index,
      path: error.path,
      message: `argument ${index} (${codec.description}) of ${service}.${method.javaName}: ${error.message}`,
      cause: error,
    });
  }
}

function resultError(service: string, method: ContractMethod, addr: string, error: ValueError): RemotingError {
  return new ProtocolError('BAD_FIELD', `the result of ${service}.${method.javaName} from ${addr} does not fit ${method.result.description}: ${error.message}`, {
    cause: error,
    field: 'body',
  });
}
