import { RemotingCommand, ResponseCode, SystemRemark } from '../protocol/index.js';
import { AclRemark, Executor, ExecutorRejectedError, RemotingServer, type AclCaller, type AclVerifier, type CloseOptions, type ExecutorOptions, type Logger, type RemotingServerOptions, type RequestContext, type ServerAddress } from '../transport/index.js';
import { decodeArgsJsonJson, literalArgumentContent } from './args-json.js';
import { DeadlineExceededError, ServerCallContext } from './call-context.js';
import type { AnyContract, ContractMethod, Implementation, MethodsOf } from './contract.js';
import { InvalidArgumentError } from './errors.js';
import { ValueError } from './json-value.js';
import { LookupTable } from './lookup-table.js';
import { SEED_RPC_REQUEST_CODE, SeedRpcFields } from './seed-request.js';
import { childLogger, defaultLogger } from '../telemetry/log.js';
import { simpleMethodName } from '../telemetry/method-name.js';
import { liveProviders } from '../telemetry/stats.js';
import { collectNamedTypes, describeMethod, SERVICE_LISTING_INTERFACE, SERVICE_LISTING_METHOD, type ServiceListing } from './service-listing.js';

/** An executor, or the options to create one. */
export type ExecutorChoice = Executor | ExecutorOptions;

export interface RegisterOptions<C extends AnyContract = AnyContract> {
  /**
   * Runs this service's calls: a concurrency limit and a bounded queue; when the queue is full,
   * callers get `SYSTEM_BUSY [OVERLOAD]` (code 2). Default: a new executor per service with the
   * provider's `executor` options. Pass one `Executor` to several services to share it.
   */
  executor?: ExecutorChoice;
  /** Per-method executors, overriding the service's. */
  methods?: { readonly [K in keyof MethodsOf<C>]?: { executor?: ExecutorChoice } };
}

export interface ApiProviderOptions {
  /** Serve on this engine server (you start and close it); default: the provider creates one. */
  server?: RemotingServer;
  /** Listen address of the server the provider creates. Default `0.0.0.0`. */
  host?: string;
  /** Listen port of the server the provider creates. Default 8888 (the article's and Java's). */
  port?: number;
  /** Further options of the server the provider creates (TLS, idle time, hooks…). */
  serverOptions?: Omit<RemotingServerOptions, 'host' | 'port'>;
  /** Default options of the per-service executors (engine defaults: 64 running, 10 000 queued). */
  executor?: ExecutorOptions;
  /** Answer service-listing requests (`rocket-rpc ls`). Default true. */
  listing?: boolean;
  /**
   * A pino-compatible logger for the provider and the server it creates (unless `serverOptions`
   * names another): failures of oneway calls (which nobody else sees), registration changes,
   * connections. Default: warnings and errors on stderr, the rest with NODE_DEBUG=rocket-rpc.
   */
  logger?: Logger;
  /**
   * Registry entries for this provider (e.g. `EtcdRegistration`, `ZooKeeperRegistration` from the
   * `rocket-rpc/etcd` and `rocket-rpc/zookeeper` entries): registered once the server listens,
   * deregistered on `close()` before the server stops, so consumers stop picking it first.
   */
  registrations?: readonly ProviderRegistration[];
  /**
   * Demand RocketMQ ACL 1.0 signatures (given to the server the provider creates; with `server`,
   * give it to that server). Each account's `services` allow-list is checked per call: a call it
   * does not cover gets NO_PERMISSION (16) before its arguments are decoded (docs/rpc.md, "Access control").
   */
  acl?: AclVerifier;
}

/** What the provider needs of a registry entry (the discovery layer's `Registration`). */
export interface ProviderRegistration {
  register(): Promise<void>;
  deregister(): Promise<void>;
}

interface MethodHandler {
  readonly service: string;
  readonly method: ContractMethod;
  readonly fn: (...args: unknown[]) => unknown;
  readonly self: object;
  readonly executor: Executor;
}

// The "where" part of our lookup-failure remarks (Java puts its first stack frame there).
const LOOKUP_WHERE = 'rocket-rpc ApiProvider.processRequest';

/**
 * Serves contracts over the seed RPC convention (docs/protocol.md §7.2), so Java consumers built the
 * article's way and rocket-rpc consumers can call them. One code-0 processor dispatches by
 * `interfaceName` and exact `methodName`; only methods declared in a registered contract can be
 * reached. Arguments are decoded and validated before the implementation runs, on the executor of
 * the service (or method).
 */
export class ApiProvider {
  readonly server: RemotingServer;
  private readonly ownsServer: boolean;
  private readonly executorDefaults: ExecutorOptions;
  private readonly listing: boolean;
  private readonly logger: Logger;
  private readonly registrations: readonly ProviderRegistration[];
  /** The registrations written by `start()` and not yet removed by `close()`. */
  private readonly registered = new Set<ProviderRegistration>();
  /** interfaceName → (Method#toString() → handler), as Java's `index`. */
  private readonly services = new LookupTable<LookupTable<MethodHandler>>();

  constructor(options: ApiProviderOptions = {}) {
    this.ownsServer = options.server === undefined;
    if (options.server !== undefined && options.acl !== undefined && options.server.acl !== options.acl) {
      throw new TypeError('ApiProvider: the acl option applies to the server the provider creates; give the verifier to your RemotingServer ({ acl })');
    }
    const acl = options.acl ?? options.serverOptions?.acl;
    this.server = options.server ?? new RemotingServer({ logger: options.logger, ...options.serverOptions, ...(acl === undefined ? {} : { acl }), host: options.host ?? '0.0.0.0', port: options.port ?? 8888 });
    this.executorDefaults = options.executor ?? {};
    this.listing = options.listing ?? true;
    this.logger = childLogger(options.logger ?? defaultLogger, { component: 'api-provider' });
    this.registrations = options.registrations ?? [];
    // Calls are bounded by the per-service executors; the code-0 processor itself must not queue,
    // or a saturated service would hold back every other one.
    const dispatch = new Executor({ name: 'rpc-dispatch', concurrency: Infinity, queueSize: 0 });
    this.server.registerProcessor(
      SEED_RPC_REQUEST_CODE,
      { processRequest: (request, context) => this.processRequest(request, context), describe: (request) => this.methodOf(request) },
      dispatch,
    );
  }

  /**
   * Registers an implementation of a contract. Registering a service again adds or replaces its
   * methods (as the Java provider does).
   */
  register<C extends AnyContract>(contract: C, implementation: NoInfer<Implementation<C>>, options: NoInfer<RegisterOptions<C>> = {}): this {
    const service = contract.serviceName;
    const self = implementation as object;
    const serviceExecutor = this.executorFor(options.executor, service);
    const methodOptions = (options.methods ?? {}) as Readonly<Record<string, { executor?: ExecutorChoice } | undefined>>;
    const handlers: MethodHandler[] = [];
    for (const [key, method] of contract.methodsByKey) {
      const fn = (self as Record<string, unknown>)[key];
      if (typeof fn !== 'function') throw new TypeError(`the implementation of ${service} has no function '${key}'`);
      const own = Object.hasOwn(methodOptions, key) ? methodOptions[key]?.executor : undefined;
      const executor = own === undefined ? serviceExecutor : this.executorFor(own, `${service}.${method.javaName}`);
      handlers.push({ service, method, fn: fn as (...args: unknown[]) => unknown, self, executor });
    }
    for (const key of Object.keys(methodOptions)) {
      if (!contract.methodsByKey.has(key)) throw new TypeError(`executor options for '${key}', which ${service} does not declare`);
    }
    let table = this.services.get(service);
    if (table === undefined) this.services.set(service, (table = new LookupTable()));
    for (const handler of handlers) table.set(handler.method.signature, handler);
    return this;
  }

  /**
   * Starts the server the provider created (a given server you may start either way), then writes
   * its registry entries. If one cannot be written, those already written are removed, the server
   * it created is closed, and the error is thrown.
   */
  async start(): Promise<ServerAddress> {
    const address = this.ownsServer || !this.serverStarted() ? await this.server.start() : this.server.address();
    const done: ProviderRegistration[] = [];
    try {
      for (const registration of this.registrations) {
        await registration.register();
        done.push(registration);
        this.registered.add(registration);
        this.logger.info({ event: 'registration.registered', key: registrationKey(registration) }, 'registered');
      }
      liveProviders.add(this);
    } catch (error) {
      this.logger.warn({ event: 'registration.failed', err: error }, 'registration failed; the provider does not start');
      await Promise.allSettled(done.map((registration) => registration.deregister()));
      this.registered.clear();
      if (this.ownsServer) await this.server.close({ graceMs: 0 });
      throw error;
    }
    return address;
  }

  /**
   * Graceful close. When the provider created its server: it stops accepting and sends connected
   * consumers the going-away notice first (they stop routing new calls here at once), then the
   * registry entries are removed (consumers that learn of providers from the registry drop it),
   * then in-flight calls finish and the server closes, all within `graceMs`. A server passed in
   * is yours to close: only the registry entries are removed.
   */
  async close(options?: CloseOptions): Promise<void> {
    // close() below waits for the clients' answers (it takes the same step); no need to here.
    if (this.ownsServer) void this.server.goAway(options);
    const results = await Promise.allSettled(this.registrations.map((registration) => registration.deregister()));
    results.forEach((result, index) => {
      const registration = this.registrations[index]!;
      const wasRegistered = this.registered.delete(registration);
      const key = registrationKey(registration);
      if (result.status === 'rejected') this.logger.warn({ event: 'registration.deregister_failed', key, err: result.reason }, 'deregistration failed; the registry drops the entry when its lease or session expires');
      else if (wasRegistered) this.logger.info({ event: 'registration.deregistered', key }, 'deregistered');
    });
    liveProviders.delete(this);
    if (this.ownsServer) await this.server.close(options);
  }

  /** Each registry entry and whether it is written now (for metrics). */
  registrationStates(): Array<{ key: string; registered: boolean }> {
    return this.registrations.map((registration) => {
      // A kept registration knows when the registry lost its entry; others are as the provider left them.
      const own = (registration as { registered?: unknown }).registered;
      return { key: registrationKey(registration), registered: this.registered.has(registration) && (typeof own === 'boolean' ? own : true) };
    });
  }

  /** `Service/method` of a request this provider serves; undefined for any other (metrics, traces, logs). */
  private methodOf(request: RemotingCommand): string | undefined {
    const interfaceName = request.getExt(SeedRpcFields.INTERFACE_NAME);
    const methodName = request.getExt(SeedRpcFields.METHOD_NAME);
    if (interfaceName === undefined || methodName === undefined) return undefined;
    if (interfaceName === SERVICE_LISTING_INTERFACE) return this.listing && methodName === SERVICE_LISTING_METHOD ? `${interfaceName}/${simpleMethodName(methodName)}` : undefined;
    const handler = this.services.get(interfaceName)?.get(methodName);
    return handler === undefined ? undefined : `${interfaceName}/${handler.method.javaName}`;
  }

  private serverStarted(): boolean {
    try {
      this.server.address();
      return true;
    } catch {
      return false;
    }
  }

  /** The registered services, as a listing request returns them; with `caller`, only what it may call. */
  describe(caller: AclCaller | null = null): ServiceListing {
    const types = new Map<string, Record<string, string> | string[]>();
    const visible = caller === null ? [...this.services] : [...this.services].filter(([name]) => caller.mayCall(name));
    const services = visible.map(([name, table]) => ({
      name,
      methods: [...table.values()].filter((handler) => caller === null || mayCallMethod(caller, handler)).map((handler) => {
        for (const codec of [...handler.method.args, handler.method.result]) collectNamedTypes(codec.javaType, types);
        return describeMethod(handler.method);
      }),
    }));
    return { services, types: Object.fromEntries(types) };
  }

  private executorFor(choice: ExecutorChoice | undefined, name: string): Executor {
    if (choice instanceof Executor) return choice;
    return new Executor({ name, ...this.executorDefaults, ...choice });
  }

  private processRequest(request: RemotingCommand, context: RequestContext): RemotingCommand | null | Promise<RemotingCommand | null> {
    const ext = request.extFields;
    const interfaceName = ext?.get(SeedRpcFields.INTERFACE_NAME) ?? null;
    const methodName = ext?.get(SeedRpcFields.METHOD_NAME) ?? null;
    if (interfaceName === SERVICE_LISTING_INTERFACE && this.listing && methodName === SERVICE_LISTING_METHOD) {
      return RemotingCommand.createResponse(ResponseCode.SUCCESS, null, { body: Buffer.from(JSON.stringify(this.describe(context.caller))) });
    }
    const caller = context.caller;
    // A service outside the caller's allow-list is refused before the lookup: whether it exists is not the caller's business.
    if (caller !== null && interfaceName !== null && !caller.mayCall(interfaceName)) return this.refused(request, context, caller, interfaceName, undefined);
    const table = interfaceName === null ? undefined : this.services.get(interfaceName);
    // Same exception classes and messages as the Java provider (docs/protocol.md §7.2).
    if (table === undefined) return this.failure(request, `java.lang.NullPointerException: interface not exists ${interfaceName}`, LOOKUP_WHERE);
    const handler = methodName === null ? undefined : table.get(methodName);
    if (handler === undefined) return this.failure(request, `java.lang.RuntimeException: method not exists ${methodName}`, LOOKUP_WHERE);
    if (caller !== null && !mayCallMethod(caller, handler)) return this.refused(request, context, caller, handler.service, handler.method.javaName);

    let args: unknown[] | Promise<unknown[]>;
    try {
      args = decodeArgumentList(handler.service, handler.method, ext!.get(SeedRpcFields.ARGS_JSON_JSON), 1);
    } catch (error) {
      return this.invalidArguments(request, handler, error);
    }
    if (args instanceof Promise) {
      return args.then(
        (decoded) => this.invoke(handler, request, context, decoded),
        (error: unknown) => this.invalidArguments(request, handler, error),
      );
    }
    return this.invoke(handler, request, context, args);
  }

  private invalidArguments(request: RemotingCommand, handler: MethodHandler, error: unknown): RemotingCommand | null {
    if (!(error instanceof InvalidArgumentError)) throw error;
    return this.failure(request, `java.lang.IllegalArgumentException: ${error.message}`, handler.method.signature);
  }

  /** Runs the implementation on its executor and turns the outcome into the answer. */
  private invoke(handler: MethodHandler, request: RemotingCommand, context: RequestContext, args: unknown[]): RemotingCommand | null | Promise<RemotingCommand | null> {
    const method = handler.method;
    // Checked here so that run() below cannot be refused: one promise less per call.
    if (handler.executor.saturated) return this.failed(method, request, new ExecutorRejectedError(handler.executor.name));
    const call = new ServerCallContext(handler.service, method, request, context);
    // The slot decodeArgumentList left free at the end.
    args[args.length - 1] = call;
    const executor = handler.executor;
    // A free slot and nobody queued: the executor would start the call right now, so start it
    // here. A synchronous implementation then finishes before any other code runs (it never
    // overlaps another call), and needs no executor bookkeeping and no promise at all.
    if (executor.active < executor.concurrency && executor.queued === 0) {
      // Nothing waited in between, so the deadline cannot have passed while queued: no check.
      const outcome = this.runImplementation(handler, call, request, args, false);
      if (!(outcome instanceof Promise)) return outcome;
      // Asynchronous: account for it in the executor while it runs (run() starts it at once).
      return executor.run(() => outcome);
    }
    return executor.run(() => this.runImplementation(handler, call, request, args, true));
  }

  /** Runs the implementation; the answer, or a promise of it for an asynchronous implementation. */
  private runImplementation(
    handler: MethodHandler,
    call: ServerCallContext,
    request: RemotingCommand,
    args: unknown[],
    queued: boolean,
  ): RemotingCommand | null | Promise<RemotingCommand | null> {
    const method = handler.method;
    // The caller has given up while the call waited for its turn: do not start work nobody waits for.
    if (queued && call.expired()) return this.finish(call, method, request, false, new DeadlineExceededError(call.timeoutMs ?? 0));
    let result: unknown;
    try {
      result = handler.fn.apply(handler.self, args);
    } catch (error) {
      return this.finish(call, method, request, false, error);
    }
    if (!isPromiseLike(result)) return this.finish(call, method, request, true, result);
    return Promise.resolve(result).then(
      (value) => this.finish(call, method, request, true, value),
      (error: unknown) => this.finish(call, method, request, false, error),
    );
  }

  private finish(call: ServerCallContext, method: ContractMethod, request: RemotingCommand, ok: boolean, outcome: unknown): RemotingCommand | null {
    call.dispose();
    return ok ? this.success(method, request, outcome) : this.failed(method, request, outcome);
  }

  private success(method: ContractMethod, request: RemotingCommand, result: unknown): RemotingCommand | null {
    if (request.isOneway()) return null;
    if (method.result.isVoid) return RemotingCommand.createResponse(ResponseCode.SUCCESS, null);
    let text: string;
    try {
      text = method.result.encode(result === undefined ? null : result);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      return this.failure(request, `java.lang.IllegalStateException: the result of ${method.javaName} does not fit its type: ${error.message}`, method.signature);
    }
    // A null result travels as no body (docs/protocol.md §7.2).
    return RemotingCommand.createResponse(ResponseCode.SUCCESS, null, text === 'null' ? {} : { body: Buffer.from(text, 'utf8') });
  }

  private failed(method: ContractMethod, request: RemotingCommand, error: unknown): RemotingCommand | null {
    if (error instanceof ExecutorRejectedError) {
      return request.isOneway() ? this.dropped(request, error) : RemotingCommand.createResponse(ResponseCode.SYSTEM_BUSY, SystemRemark.OVERLOAD);
    }
    if (error instanceof DeadlineExceededError) return this.failure(request, `java.util.concurrent.TimeoutException: ${error.message}`, method.signature);
    return this.failure(request, describeError(error), method.signature);
  }

  /** A SYSTEM_ERROR answer with the Java shape `<class>: <message>, <where>`; oneway: logged only. */
  private failure(request: RemotingCommand, what: string, where: string): RemotingCommand | null {
    const remark = `${what}, ${where}`;
    if (request.isOneway()) {
      this.logger.warn(`oneway call failed: ${remark}`);
      return null;
    }
    return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, remark);
  }

  /** NO_PERMISSION for a call outside the caller's allow-list; oneway: counted and logged by the verifier only. */
  private refused(request: RemotingCommand, context: RequestContext, caller: AclCaller, service: string, method: string | undefined): RemotingCommand | null {
    const remark = this.server.acl?.denyService(caller, service, method, request, context.remoteAddress) ?? AclRemark.serviceNotAllowed(caller.accessKey, service, method);
    return request.isOneway() ? null : RemotingCommand.createResponse(ResponseCode.NO_PERMISSION, remark);
  }

  private dropped(request: RemotingCommand, error: Error): null {
    this.logger.warn(`oneway call to ${request.getExt(SeedRpcFields.INTERFACE_NAME)} dropped: ${error.message}`);
    return null;
  }
}

/** A method is allowed when the caller's list names it by contract key, Java name or `Method#toString()`. */
function mayCallMethod(caller: AclCaller, handler: MethodHandler): boolean {
  return caller.mayCall(handler.service, handler.method.key, handler.method.javaName, handler.method.signature);
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** `Throwable#toString()` for a JavaScript error: `TypeError: message`. */
function describeError(error: unknown): string {
  if (error instanceof Error) return error.message === '' ? error.name : `${error.name}: ${error.message}`;
  return `Error: ${String(error)}`;
}

/**
 * Decodes and validates the arguments of a call (docs/protocol.md §7.2), failing with an
 * `InvalidArgumentError` that names the method and the argument position. Synchronous unless a
 * schema validates asynchronously.
 */
export function decodeArguments(service: string, method: ContractMethod, argsJsonJson: string | undefined): unknown[] | Promise<unknown[]> {
  return decodeArgumentList(service, method, argsJsonJson, 0);
}

/** {@link decodeArguments} into a list with `spare` free slots at its end (the provider's call context goes there). */
function decodeArgumentList(service: string, method: ContractMethod, argsJsonJson: string | undefined, spare: number): unknown[] | Promise<unknown[]> {
  const only = method.args.length === 1 ? method.args[0]! : null;
  if (only?.decodeContent !== undefined && argsJsonJson !== undefined) {
    // A lone argument written as an escape-free literal (byte[]): cut out of the text, not parsed.
    const content = literalArgumentContent(argsJsonJson);
    if (content !== null) {
      const args = new Array<unknown>(1 + spare);
      try {
        args[0] = only.decodeContent(content);
      } catch (error) {
        throw invalidArgument(service, method, 0, error);
      }
      return args;
    }
  }
  let texts: string[];
  try {
    texts = decodeArgsJsonJson(argsJsonJson);
  } catch (error) {
    throw invalidArgument(service, method, null, error);
  }
  const expected = method.args.length;
  if (texts.length !== expected) throw invalidArgument(service, method, null, `wrong number of arguments (${expected} expected; ${texts.length} given)`);
  const args = new Array<unknown>(expected + spare);
  let asynchronous: Array<Promise<void>> | null = null;
  for (let i = 0; i < expected; i++) {
    let value: unknown;
    try {
      value = method.args[i]!.decode(texts[i]!);
    } catch (error) {
      throw invalidArgument(service, method, i, error);
    }
    if (value instanceof Promise) {
      const index = i;
      (asynchronous ??= []).push(
        value.then(
          (resolved) => {
            args[index] = resolved;
          },
          (error: unknown) => {
            throw invalidArgument(service, method, index, error);
          },
        ),
      );
    } else {
      args[i] = value;
    }
  }
  return asynchronous === null ? args : Promise.all(asynchronous).then(() => args);
}

function invalidArgument(service: string, method: ContractMethod, argumentIndex: number | null, error: unknown): InvalidArgumentError {
  const where = argumentIndex === null ? '' : `argument ${argumentIndex} (${method.args[argumentIndex]!.description}) of `;
  const detail = error instanceof Error ? error.message : String(error);
  return new InvalidArgumentError({
    service,
    method: method.signature,
    argumentIndex,
    path: error instanceof ValueError ? error.path : '',
    message: `${where}${service}.${method.javaName}: ${detail}`,
    cause: error,
  });
}

/** A registration's registry key when it has one (etcd / ZooKeeper entries), else its class name. */
function registrationKey(registration: ProviderRegistration): string {
  const key = (registration as { key?: unknown }).key;
  return typeof key === 'string' ? key : registration.constructor.name;
}
