import { RemotingError } from '../errors.js';
import { RemotingCommand, ResponseCode } from '../protocol/index.js';
import { RemotingTimeoutError, type RemotingClient } from '../transport/index.js';
import type { RpcResponse, RpcTarget } from '../rpc/target.js';
import { decodeArgsJsonJson } from '../rpc/args-json.js';
import { SeedRpcFields } from '../rpc/seed-request.js';
import type { Balancer } from '../balance/balancer.js';
import { ConsistentHashBalancer } from '../balance/consistent-hash-balancer.js';
import { InFlightCounter } from '../balance/in-flight.js';
import { createBalancer } from '../balance/registry.js';
import { ActiveProber, type ActiveProbeOptions, type HealthState } from '../health/active-prober.js';
import { OutlierDetector, type OutlierDetectionOptions } from '../health/outlier-detection.js';
import { probeOnce } from '../health/probe.js';
import { NoProviderError } from './errors.js';
import { blamesProvider, isRetryable, isUnsent, RetryBudget, type FailurePolicy, type RetryBudgetOptions } from './failure-policy.js';
import type { Instance } from './instance.js';
import type { DiscoverySource } from './source.js';
import { OwnedTimer } from './timing.js';

export interface ServiceClusterOptions {
  /** Where the providers come from. Started by `start()` and closed by `close()`. */
  readonly source: DiscoverySource;
  /** The engine client calls and probes go through (the caller's; the cluster does not close it). */
  readonly client: RemotingClient;
  /** A name for errors and the CLI (default: the source's name). */
  readonly name?: string;
  /** A balancer or a registered name (default 'consistent-hash'). */
  readonly balancer?: Balancer | string;
  /** For the consistent-hash key: which seed-RPC arguments (default [0], the first, as Dubbo). */
  readonly argumentIndexes?: readonly number[];
  /** Default 'failover' (which only ever resends what is safe to resend; see FailurePolicy). */
  readonly failure?: FailurePolicy;
  /** Extra attempts after the first (default 2). */
  readonly retries?: number;
  /** Cap on one attempt, so a timed-out attempt leaves time for another (default: the whole remaining deadline). */
  readonly attemptTimeoutMs?: number;
  /** Default { ratio: 0.2, minRetriesPerSecond: 10, windowSeconds: 10 }; false: only the retry limit. */
  readonly retryBudget?: RetryBudgetOptions | false;
  /** Active probes of the providers this consumer uses; false to disable. */
  readonly probe?: ActiveProbeOptions | false;
  /** Passive ejection of providers whose calls keep failing; false to disable. */
  readonly outlier?: OutlierDetectionOptions | false;
}

/** A call as the cluster sees it: `RpcCall` from a consumer proxy, or any subset from a raw engine caller. */
export interface ClusterCall {
  readonly service?: string;
  readonly method?: string;
  /** Whether the request may run twice (failover after it may have run). Default false. */
  readonly idempotent?: boolean;
  /** Consistent-hash key; default: the chosen arguments of a seed RPC request. */
  readonly routingKey?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface ClusterMember {
  readonly instance: Instance;
  readonly health: HealthState;
  readonly ejected: boolean;
  readonly inFlight: number;
  /** It sent its going-away notice and has not been readmitted yet (see `ServiceCluster`). */
  readonly goingAway: boolean;
}

/** Without active probes, how long a provider that said it is going away stays out of rotation. */
export const GOING_AWAY_HOLD_MS = 10_000;

/**
 * A service's providers as one call target: a discovery source, per-consumer health (active probes
 * of the providers in use, passive outlier ejection), a balancer and a failure policy.
 *
 *   const cluster = new ServiceCluster({ source, client });
 *   await cluster.start();
 *   const hello = consumer.proxy(ServiceHello, { target: cluster });     // or cluster.invoke(request, 3000, {})
 *
 * Every call keeps to the caller's deadline: failover attempts share it, and none starts after it.
 * A call whose provider fails is resent only when safe (FailurePolicy) and never to a provider it
 * already tried. When every provider is unhealthy or ejected, all of them are tried anyway (panic
 * mode): calls then fail with the providers' own errors rather than all being refused.
 *
 * A provider that closes gracefully sends its going-away notice first: from that moment no new
 * call is routed to it (calls in flight on it finish there). With active probes it is marked
 * unhealthy and readmitted by `healthyThreshold` good probes — its restarted process answering;
 * without probes it stays out for `GOING_AWAY_HOLD_MS`, or until discovery stops listing it.
 */
export class ServiceCluster implements RpcTarget {
  readonly name: string;
  readonly source: DiscoverySource;
  readonly balancer: Balancer;
  readonly #client: RemotingClient;
  readonly #policy: FailurePolicy;
  readonly #retries: number;
  readonly #attemptTimeoutMs: number;
  readonly #budget: RetryBudget | undefined;
  readonly #prober: ActiveProber | undefined;
  readonly #detector: OutlierDetector | undefined;
  readonly #inFlight = new InFlightCounter();
  readonly #indexes: readonly number[];
  readonly #needsKey: boolean;
  readonly #unsubscribe: () => void;
  readonly #stopWatchingClient: () => void;
  /** Providers that sent the going-away notice; the timer (no prober only) ends the hold. */
  readonly #leaving = new Map<string, OwnedTimer>();
  #available: readonly Instance[] | undefined;
  #starting: Promise<void> | undefined;
  #closed = false;

  constructor(options: ServiceClusterOptions) {
    this.source = options.source;
    this.name = options.name ?? options.source.name;
    this.#client = options.client;
    this.balancer = typeof options.balancer === 'string' ? createBalancer(options.balancer) : (options.balancer ?? new ConsistentHashBalancer());
    this.#policy = options.failure ?? 'failover';
    this.#retries = options.retries ?? 2;
    if (!Number.isInteger(this.#retries) || this.#retries < 0) throw new RemotingError('INVALID_ARGUMENT', `retries must be a non-negative integer, got ${this.#retries}`);
    this.#attemptTimeoutMs = options.attemptTimeoutMs ?? Infinity;
    this.#budget = options.retryBudget === false ? undefined : new RetryBudget(options.retryBudget);
    this.#indexes = options.argumentIndexes ?? [0];
    this.#needsKey = this.balancer instanceof ConsistentHashBalancer;
    const client = this.#client;
    this.#prober = options.probe === false ? undefined : new ActiveProber(async (addr, timeoutMs, signal) => (await probeOnce(client, addr, timeoutMs, signal)).healthy, options.probe);
    this.#detector = options.outlier === false ? undefined : new OutlierDetector(options.outlier);
    const invalidate = (): void => {
      this.#available = undefined;
    };
    this.#prober?.onChange((id, state) => {
      if (state === 'healthy') this.#forgetLeaving(id);
      invalidate();
    });
    this.#detector?.onChange(invalidate);
    this.#unsubscribe = this.source.subscribe((set) => {
      const ids = new Set(set.instances.map((instance) => instance.id));
      this.#prober?.retain(ids);
      this.#detector?.retain(ids);
      for (const id of [...this.#leaving.keys()]) if (!ids.has(id)) this.#forgetLeaving(id);
      invalidate();
    });
    const onGoingAway = (addr: string): void => this.#providerLeaving(addr);
    // Several clusters (one per service) commonly share one client: one listener each is expected,
    // so each raises the leak warning's threshold by one (0 means unlimited and stays so).
    const adjustLimit = (by: number): void => {
      const limit = client.getMaxListeners();
      if (limit > 0) client.setMaxListeners(limit + by);
    };
    adjustLimit(1);
    client.on('goingAway', onGoingAway);
    this.#stopWatchingClient = () => {
      client.off('goingAway', onGoingAway);
      adjustLimit(-1);
    };
    this.#detector?.retain(new Set(this.source.current().instances.map((instance) => instance.id)));
  }

  /**
   * Starts the source; resolves after its first attempt (whether or not it found providers). Calls
   * made before that wait for it, within their own deadline, rather than fail with NO_PROVIDER.
   */
  start(): Promise<void> {
    this.#starting ??= this.source.start();
    return this.#starting;
  }

  /** Every known provider with this consumer's view of its health. */
  members(): ClusterMember[] {
    return this.source.current().instances.map((instance) => ({
      instance,
      health: this.#prober?.state(instance.id) ?? 'unknown',
      ejected: this.#detector?.isEjected(instance.id) ?? false,
      inFlight: this.#inFlight.inFlight(instance.id),
      goingAway: this.#leaving.has(instance.id),
    }));
  }

  /** Providers probed by this consumer right now (only those it has used recently). */
  get probedCount(): number {
    return this.#prober?.probedCount ?? 0;
  }

  async invoke(request: RemotingCommand, timeoutMs: number, call: ClusterCall = {}): Promise<RpcResponse> {
    const { deadline, key, options } = await this.#start(request, timeoutMs, call);
    const idempotent = call.idempotent === true;
    let tried: Set<string> | undefined;
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      const instance = this.#pickForAttempt(key, tried, lastError, deadline, timeoutMs);
      const remaining = deadline - performance.now();
      const attemptRequest = attempt === 0 ? request : withFreshOpaque(request);
      this.#inFlight.begin(instance.id);
      let response: RemotingCommand;
      try {
        response = await this.#client.invokeSync(instance.addr, attemptRequest, Math.min(remaining, this.#attemptTimeoutMs), options);
      } catch (error) {
        this.#inFlight.end(instance.id);
        if (blamesProvider(error)) this.#detector?.failure(instance.id);
        if (!this.#mayRetry(attempt, call.signal) || !isRetryable(error, idempotent) || !this.#takeRetry()) throw error;
        lastError = error;
        (tried ??= new Set()).add(instance.id);
        continue;
      }
      this.#inFlight.end(instance.id);
      if (response.code === ResponseCode.SYSTEM_BUSY) {
        // Flow control: the provider refused before running the call, so any method may go elsewhere.
        this.#detector?.failure(instance.id);
        if (this.#mayRetry(attempt, call.signal) && this.#hasOther(tried, instance.id) && this.#takeRetry()) {
          lastError = new RemotingError('TOO_MANY_REQUESTS', `${instance.addr} answered SYSTEM_BUSY: ${response.remark ?? ''}`);
          (tried ??= new Set()).add(instance.id);
          continue;
        }
        return { response, addr: instance.addr };
      }
      this.#detector?.success(instance.id);
      this.#prober?.succeeded(instance.id);
      return { response, addr: instance.addr };
    }
  }

  /** Oneway: resent elsewhere only when the connection could not be opened (nothing was written). */
  async invokeOneway(request: RemotingCommand, timeoutMs: number, call: ClusterCall = {}): Promise<string> {
    const { deadline, key, options } = await this.#start(request, timeoutMs, call);
    let tried: Set<string> | undefined;
    let lastError: unknown;
    for (let attempt = 0; ; attempt++) {
      const instance = this.#pickForAttempt(key, tried, lastError, deadline, timeoutMs);
      const remaining = deadline - performance.now();
      try {
        await this.#client.invokeOneway(instance.addr, attempt === 0 ? request : withFreshOpaque(request), Math.min(remaining, this.#attemptTimeoutMs), options);
        return instance.addr;
      } catch (error) {
        if (blamesProvider(error)) this.#detector?.failure(instance.id);
        const notDelivered = (error instanceof RemotingError && error.code === 'CONNECT_FAILED') || isUnsent(error);
        if (!notDelivered || !this.#mayRetry(attempt, call.signal) || !this.#takeRetry()) throw error;
        lastError = error;
        (tried ??= new Set()).add(instance.id);
      }
    }
  }

  /** Stops probes and timers, unsubscribes, and closes the source. The engine client stays open. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.#stopWatchingClient();
    for (const id of [...this.#leaving.keys()]) this.#forgetLeaving(id);
    this.#prober?.close();
    this.#detector?.close();
    await this.source.close();
  }

  /** The provider at `addr` sent its going-away notice: no new call goes to it from now on. */
  #providerLeaving(addr: string): void {
    if (this.#closed) return;
    for (const instance of this.source.current().instances) {
      if (instance.addr !== addr) continue;
      const id = instance.id;
      this.#leaving.get(id)?.cancel();
      const hold = new OwnedTimer(() => {
        this.#leaving.delete(id);
        this.#available = undefined;
      });
      this.#leaving.set(id, hold);
      if (this.#prober !== undefined) this.#prober.markDown(id, addr);
      else hold.schedule(GOING_AWAY_HOLD_MS);
    }
    this.#available = undefined;
  }

  #forgetLeaving(id: string): void {
    this.#leaving.get(id)?.cancel();
    this.#leaving.delete(id);
  }

  /** What every call starts with: its deadline, the first discovery, its routing key, a budget entry. */
  async #start(request: RemotingCommand, timeoutMs: number, call: ClusterCall): Promise<{ deadline: number; key: string | undefined; options: { signal?: AbortSignal } }> {
    const deadline = performance.now() + timeoutMs;
    await this.#firstDiscovery(deadline);
    const key = this.#keyOf(request, call);
    this.#budget?.recordRequest();
    return { deadline, key, options: call.signal === undefined ? {} : { signal: call.signal } };
  }

  /**
   * The provider for the next attempt (marked in use for the prober). Past the deadline it throws
   * the last attempt's error (or a timeout, when the first discovery took all the time).
   */
  #pickForAttempt(key: string | undefined, tried: ReadonlySet<string> | undefined, lastError: unknown, deadline: number, timeoutMs: number): Instance {
    const instance = this.#pick(key, tried, lastError);
    if (deadline - performance.now() <= 0) {
      // Before any attempt, only waiting for the first discovery can have used the time up.
      throw lastError ?? new RemotingTimeoutError(this.name, timeoutMs, timeoutMs, undefined, `cluster ${this.name}: the ${timeoutMs} ms timeout passed while waiting for the first discovery`);
    }
    this.#prober?.use(instance.id, instance.addr);
    return instance;
  }

  /** While the source's first attempt runs, waits for it (never past the call's deadline). */
  async #firstDiscovery(deadline: number): Promise<void> {
    const starting = this.#starting;
    if (starting === undefined || this.source.current().version > 0) return;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - performance.now()));
    });
    try {
      await Promise.race([starting.catch(() => undefined), expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  #pick(key: string | undefined, tried: ReadonlySet<string> | undefined, lastError: unknown): Instance {
    if (this.#closed) throw new RemotingError('CLOSED', `cluster ${this.name} is closed`);
    const available = this.#availableInstances();
    if (available.length === 0) {
      const error = this.source.lastError();
      throw new NoProviderError(this.name, error === undefined ? 'discovery lists no provider' : `discovery lists no provider (${error.message})`, { known: 0, cause: error });
    }
    const instance = this.balancer.pick(available, { key, load: this.#inFlight, exclude: tried });
    if (instance !== undefined) return instance;
    // Every provider was tried: the last failure is the answer.
    if (lastError !== undefined) throw lastError;
    throw new NoProviderError(this.name, 'no provider left to try', { known: this.source.current().instances.length });
  }

  #availableInstances(): readonly Instance[] {
    if (this.#available !== undefined) return this.#available;
    const all = this.source.current().instances;
    const prober = this.#prober;
    const detector = this.#detector;
    const leaving = this.#leaving;
    // With a prober, a leaving provider is unhealthy there until probes readmit it.
    const usable = all.filter(
      (instance) =>
        (prober === undefined ? !leaving.has(instance.id) : prober.isAvailable(instance.id)) && (detector === undefined || !detector.isEjected(instance.id)),
    );
    // Same array object while nothing is excluded: the balancer's ring is not rebuilt.
    this.#available = usable.length === all.length || usable.length === 0 ? all : usable;
    return this.#available;
  }

  #mayRetry(attempt: number, signal: AbortSignal | undefined): boolean {
    return this.#policy === 'failover' && attempt < this.#retries && signal?.aborted !== true && !this.#closed;
  }

  #takeRetry(): boolean {
    return this.#budget === undefined || this.#budget.tryRetry();
  }

  #hasOther(tried: ReadonlySet<string> | undefined, current: string): boolean {
    const available = this.#availableInstances();
    return available.some((instance) => instance.id !== current && tried?.has(instance.id) !== true);
  }

  #keyOf(request: RemotingCommand, call: ClusterCall): string | undefined {
    if (call.routingKey !== undefined) return call.routingKey;
    if (!this.#needsKey) return undefined;
    const argsJson = request.getExt(SeedRpcFields.ARGS_JSON_JSON);
    if (argsJson === undefined) return undefined;
    let texts: string[];
    try {
      texts = decodeArgsJsonJson(argsJson);
    } catch {
      // Not a seed RPC request we can read: hash as a call without a key (spread at random).
      return undefined;
    }
    if (texts.length === 0) return undefined;
    let key = '';
    for (let i = 0; i < this.#indexes.length; i++) {
      if (i > 0) key += '\u001f';
      key += keyFromJsonText(texts[this.#indexes[i] as number]);
    }
    return key;
  }
}

/**
 * An argument's key text: strings without their JSON quotes (so a key "user-1" and the argument
 * "user-1" hash the same, as `keyText` does), everything else as the JSON text the consumer sent.
 */
function keyFromJsonText(text: string | undefined): string {
  if (text === undefined) return 'null';
  if (text.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // Not valid JSON after all: the text itself is still a stable key.
    }
  }
  return text;
}

/** A failover attempt is a new request: a fresh opaque, the same header and body. */
function withFreshOpaque(request: RemotingCommand): RemotingCommand {
  return new RemotingCommand({
    code: request.code,
    language: request.language,
    version: request.version,
    flag: request.flag,
    remark: request.remark,
    extFields: request.extFields === null ? null : new Map(request.extFields),
    body: request.body,
    serializeType: request.serializeType,
  });
}
