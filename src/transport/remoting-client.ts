import net from 'node:net';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { RemotingCommand } from '../protocol/command.js';
import { GOING_AWAY_REQUEST_CODE, ResponseCode, type SerializeType } from '../protocol/codes.js';
import { RemotingError } from '../errors.js';
import { parseAddress } from './address.js';
import { Channel } from './channel.js';
import { ConnectionLimits, type ConnectionLimitCounters, type ConnectionLimitOptions } from './connection-limits.js';
import { AbortedError, EngineClosedError, RemotingConnectError, RemotingTimeoutError, RemotingTooMuchRequestError } from './errors.js';
import { Executor } from './executor.js';
import type { Logger, RpcHook } from './processor.js';
import type { EngineStats } from '../telemetry/stats.js';
import type { InvokeOptions, ResponseInterceptor } from './remoting-endpoint.js';
import { RemotingPeer, type RemotingPeerEvents } from './remoting-peer.js';
import { Semaphore, type Permit } from './semaphore.js';
import { timerDelay } from './timer-delay.js';
import { observeClientCall } from '../telemetry/call-observer.js';
import { currentInstrumentation } from '../telemetry/instrumentation.js';

const NO_OPTIONS: InvokeOptions = Object.freeze({});

/** Opens the byte stream for an address; replaces TCP (e.g. the in-memory transport). */
export type Connector = (addr: string, signal: AbortSignal) => Duplex | Promise<Duplex>;

/**
 * The limits a client applies to its connections: frame timeout, inbound budget and requests in
 * progress (for server → client requests). A client never pauses reading for its own unsent bytes:
 * if both ends of a connection stopped reading while their outbound queues were full, neither
 * would ever drain (the server does pause; the client is the end that keeps reading).
 */
export type ClientConnectionLimitOptions = Omit<ConnectionLimitOptions, 'writeHighWaterMark' | 'writeLowWaterMark'>;

export interface RemotingClientOptions extends ClientConnectionLimitOptions {
  /** Java `connectTimeoutMillis`. Default 3000. */
  connectTimeoutMs?: number;
  /** In-flight async calls (Java `clientAsyncSemaphoreValue`). Default 65535. */
  asyncPermits?: number;
  /** In-flight oneway calls (Java `clientOnewaySemaphoreValue`). Default 65535. */
  onewayPermits?: number;
  /** Close a connection after this long without traffic. Default 120 000; 0 disables. */
  maxIdleMs?: number;
  /**
   * Close the connection when a sync call times out, as Java does by default. Default false: one
   * slow call should not fail every other call multiplexed on a healthy connection.
   */
  closeSocketIfTimeout?: boolean;
  /** TLS from the first byte: `true` for defaults, or `tls.connect` options (CA, client cert for mTLS…). */
  tls?: boolean | tls.ConnectionOptions;
  /** Header serialization for outgoing requests; default: each command's own (JSON unless set). */
  serializeType?: SerializeType;
  maxFrameLength?: number;
  hooks?: RpcHook[];
  /** Executor for processors of server → client requests registered without one. */
  defaultExecutor?: Executor;
  connector?: Connector;
  /** A pino-compatible logger; default: warnings and errors on stderr, the rest with NODE_DEBUG=rocket-rpc. */
  logger?: Logger;
  /** Log calls that take longer than this many ms (warn level; method and timing, never arguments or bodies). Default: off. */
  slowCallMs?: number;
  language?: string;
  version?: number;
  /** Add the top stack frame (with its file path) to SYSTEM_ERROR remarks of server → client requests. Default false. */
  remarkStackFrame?: boolean;
}

/** What `invokeAsync`'s callback receives (Java `ResponseFuture`). */
export interface ResponseFuture {
  readonly addr: string;
  readonly request: RemotingCommand;
  readonly response: RemotingCommand | null;
  readonly error: Error | null;
  /** False when the request never left (connect or send failure, or the connection closed). */
  readonly sendRequestOK: boolean;
  readonly isTimeout: boolean;
}

export type InvokeCallback = (future: ResponseFuture) => void;

/** `channel` events, and `goingAway` (addr) when a server announces it is closing. */
export type RemotingClientEvents = RemotingPeerEvents;

interface ChannelSlot {
  channel: Channel | null;
  connecting: Promise<Channel> | null;
  abort: AbortController;
}

/**
 * Java `NettyRemotingClient`: one multiplexed connection per address, opened lazily and shared;
 * sync, async and oneway calls; requests from the server handled by registered processors.
 */
export class RemotingClient extends RemotingPeer {
  private readonly options: RemotingClientOptions;
  private readonly slots = new Map<string, ChannelSlot>();
  /** Connections whose server sent its going-away notice: no new calls, closed when the server closes them. */
  private readonly retired = new Set<Channel>();
  private closed = false;
  private readonly limits: ConnectionLimits;
  /**
   * After-hooks belong to the client's calls only: Java runs no hooks around a server's own
   * requests to its clients (docs/engine-api.md), so the endpoint runs them only when asked to.
   */
  private readonly runAfterHooks: ResponseInterceptor = (addr, request, response) => this.endpoint.runAfterHooks(addr, request, response);

  constructor(options: RemotingClientOptions = {}) {
    super(options, { async: 65535, oneway: 65535 }, 'client');
    this.options = options;
    this.limits = new ConnectionLimits(options, this.logger, 'client');
    // The notice is handled where it arrives, never queued behind other work.
    const inline = new Executor({ name: 'going-away', concurrency: Infinity, queueSize: 0 });
    this.registerProcessor(GOING_AWAY_REQUEST_CODE, (request, context) => this.onGoingAway(context.channel, request), inline);
  }

  protected get connectionCount(): number {
    let open = 0;
    for (const slot of this.slots.values()) if (slot.channel !== null && !slot.channel.closed) open++;
    return open;
  }

  /** What the connection limits did (frame timeouts, budget evictions, read pauses): plain numbers. */
  override stats(): EngineStats & ConnectionLimitCounters & { inboundBytesHeld: number } {
    return { ...super.stats(), ...this.limits.counters, inboundBytesHeld: this.limits.budget?.usedBytes ?? 0 };
  }

  /** Calls waiting for a response, across all connections. */
  get pendingCount(): number {
    return this.endpoint.pending.size;
  }

  /** Open connections by address. */
  get connectedAddresses(): string[] {
    return [...this.slots].filter(([, slot]) => slot.channel !== null).map(([addr]) => addr);
  }

  /**
   * Sends a request and resolves with the response, whatever its code (a non-zero code is not an
   * error at this layer). Rejects with `RemotingConnectError`, `RemotingSendRequestError`,
   * `RemotingTimeoutError`, `ConnectionClosedError` or `AbortedError`.
   */
  invokeSync(addr: string, request: RemotingCommand, timeoutMs: number, options: InvokeOptions = NO_OPTIONS): Promise<RemotingCommand> {
    // Observed only while an instrumentation is registered or slow calls are logged.
    if (currentInstrumentation() !== null || this.endpoint.slowCallMs > 0) return this.observed(addr, request, false, () => this.invokeSyncNow(addr, request, timeoutMs, options));
    return this.invokeSyncNow(addr, request, timeoutMs, options);
  }

  private invokeSyncNow(addr: string, request: RemotingCommand, timeoutMs: number, options: InvokeOptions): Promise<RemotingCommand> {
    const begin = performance.now();
    const channel = this.openChannel(addr);
    if (channel !== null) return this.send(channel, addr, request, timeoutMs, begin, options, true);
    return this.channelFor(addr, timeoutMs, begin, options.signal).then((ready) => this.send(ready, addr, request, timeoutMs, begin, options));
  }

  /**
   * Like `invokeSync`, but bounded by the async semaphore; the promise form of `invokeAsync`.
   * Without a permit within the timeout it rejects with `RemotingTooMuchRequestError`.
   */
  invokeAsyncPromise(addr: string, request: RemotingCommand, timeoutMs: number, options: InvokeOptions = {}): Promise<RemotingCommand> {
    if (currentInstrumentation() !== null || this.endpoint.slowCallMs > 0) return this.observed(addr, request, false, () => this.invokeAsyncNow(addr, request, timeoutMs, options));
    return this.invokeAsyncNow(addr, request, timeoutMs, options);
  }

  private async invokeAsyncNow(addr: string, request: RemotingCommand, timeoutMs: number, options: InvokeOptions): Promise<RemotingCommand> {
    const begin = performance.now();
    const permit = this.asyncSemaphore.tryAcquire() ?? (await this.waitForPermit(this.asyncSemaphore, 'invokeAsyncImpl', 'semaphoreAsyncValue', addr, timeoutMs, begin, options.signal));
    try {
      const channel = this.openChannel(addr) ?? (await this.channelFor(addr, timeoutMs, begin, options.signal));
      return await this.send(channel, addr, request, timeoutMs, begin, options);
    } finally {
      permit.release();
    }
  }

  /**
   * Java's callback form. The callback runs exactly once, asynchronously (never inside this call):
   * with the response, or with the error (timeout, send failure, connection closed, no permit).
   * This method itself never throws for call failures.
   */
  invokeAsync(addr: string, request: RemotingCommand, timeoutMs: number, callback: InvokeCallback, options: InvokeOptions = {}): void {
    this.invokeAsyncPromise(addr, request, timeoutMs, options).then(
      (response) => this.runCallback(callback, { addr, request, response, error: null, sendRequestOK: true, isTimeout: false }),
      (error: Error) => {
        const code = error instanceof RemotingError ? error.code : undefined;
        const sendRequestOK = code === 'TIMEOUT' || code === 'ABORTED';
        this.runCallback(callback, { addr, request, response: null, error, sendRequestOK, isTimeout: code === 'TIMEOUT' });
      },
    );
  }

  /**
   * Sends a request marked oneway; resolves when it is written (handed to the OS). No response is
   * expected. Rejects with `RemotingTimeoutError` when it is not written within `timeoutMs` (a peer
   * that stopped reading); its oneway permit is then held until the write ends, so the permits
   * bound how much can pile up for such a peer.
   */
  invokeOneway(addr: string, request: RemotingCommand, timeoutMs: number, options: InvokeOptions = {}): Promise<void> {
    if (currentInstrumentation() !== null || this.endpoint.slowCallMs > 0) return this.observed(addr, request, true, () => this.invokeOnewayNow(addr, request, timeoutMs, options));
    return this.invokeOnewayNow(addr, request, timeoutMs, options);
  }

  private async invokeOnewayNow(addr: string, request: RemotingCommand, timeoutMs: number, options: InvokeOptions): Promise<void> {
    const begin = performance.now();
    if (this.closed) throw new EngineClosedError('RemotingClient');
    request.markOneway();
    const permit = this.onewaySemaphore.tryAcquire() ?? (await this.waitForPermit(this.onewaySemaphore, 'invokeOnewayImpl', 'semaphoreOnewayValue', addr, timeoutMs, begin, options.signal));
    let releaseHere = true;
    try {
      const channel = this.openChannel(addr) ?? (await this.channelFor(addr, timeoutMs, begin, options.signal));
      this.endpoint.runBeforeHooks(addr, request);
      this.applySerializeType(request);
      releaseHere = false;
      await this.endpoint.invokeOneway(channel, addr, request, { timeoutMs, begin }, () => permit.release());
    } finally {
      if (releaseHere) permit.release();
    }
  }

  /** The connection for `addr`, opening it if needed (e.g. to send on it or watch its events). */
  getChannel(addr: string, timeoutMs = this.options.connectTimeoutMs ?? 3000): Promise<Channel> {
    return this.openChannel(addr) !== null ? Promise.resolve(this.openChannel(addr)!) : this.channelFor(addr, timeoutMs, performance.now());
  }

  /** Closes the connection to `addr`; its pending calls fail at once. */
  closeChannel(addr: string): void {
    const slot = this.slots.get(addr);
    if (slot === undefined) return;
    this.slots.delete(addr);
    slot.abort.abort();
    slot.channel?.close();
  }

  /** Closes every connection and fails every pending call; the client takes no new calls. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const addr of [...this.slots.keys()]) this.closeChannel(addr);
    for (const channel of [...this.retired]) channel.close();
    this.endpoint.shutdown((call) => new EngineClosedError(`RemotingClient (call to ${call.addr})`));
    this.untrack();
  }

  /** Runs a call under observation (instrumentation scope, slow-call log); the caller gets the call's own promise. */
  private observed<T>(addr: string, request: RemotingCommand, oneway: boolean, call: () => Promise<T>): Promise<T> {
    const scope = observeClientCall(this.logger, this.endpoint.slowCallMs, addr, request, oneway);
    const promise = call();
    if (scope !== undefined) {
      promise.then(
        (value) => scope.end(oneway ? null : (value as RemotingCommand), null),
        (error: unknown) => scope.end(null, error),
      );
    }
    return promise;
  }

  /**
   * The server on `channel` is closing gracefully. The connection leaves the table at once, so new
   * calls to that address open a fresh connection (refused while nothing listens there; a restarted
   * server takes them), while calls in flight on it complete. The answer is written after every
   * request this client already sent on it: once the server reads it, it knows none will follow.
   */
  private onGoingAway(channel: Channel, notice: RemotingCommand): null {
    let addr: string | undefined;
    for (const [key, slot] of this.slots) {
      if (slot.channel !== channel) continue;
      addr = key;
      this.slots.delete(key);
      this.retired.add(channel);
      channel.once('close', () => this.retired.delete(channel));
      break;
    }
    const answer = RemotingCommand.createResponse(ResponseCode.SUCCESS, null);
    answer.opaque = notice.opaque;
    answer.markResponse();
    answer.serializeType = notice.serializeType;
    channel.write(answer);
    if (addr !== undefined && this.listenerCount('goingAway') > 0) {
      try {
        this.emit('goingAway', addr);
      } catch (error) {
        this.logger.error({ err: error }, 'goingAway listener threw');
      }
    }
    // Oneway: the endpoint would not send a returned answer, hence the write above.
    return null;
  }

  private send(channel: Channel, addr: string, request: RemotingCommand, timeoutMs: number, begin: number, options: InvokeOptions, beganNow = false): Promise<RemotingCommand> {
    try {
      this.endpoint.runBeforeHooks(addr, request);
    } catch (error) {
      return Promise.reject(error);
    }
    this.applySerializeType(request);
    // Hooks may have taken time: then the clock is read again.
    // Without hooks the pending call need not hold the request: a large request then dies once
    // written instead of being copied by every scavenge until its answer comes.
    const noHooks = this.endpoint.hooks.length === 0;
    const call = this.endpoint.invoke(channel, addr, request, timeoutMs, begin, options, noHooks ? undefined : this.runAfterHooks, beganNow && noHooks);
    if (!this.options.closeSocketIfTimeout) return call;
    return call.catch((error: unknown) => {
      if (error instanceof RemotingTimeoutError) this.closeChannelIfCurrent(addr, channel);
      throw error;
    });
  }

  private applySerializeType(request: RemotingCommand): void {
    if (this.options.serializeType !== undefined) request.serializeType = this.options.serializeType;
  }

  private async waitForPermit(semaphore: Semaphore, what: string, valueName: string, addr: string, timeoutMs: number, begin: number, signal?: AbortSignal): Promise<Permit> {
    if (this.closed) throw new EngineClosedError('RemotingClient');
    const permit = await semaphore.acquire(timeoutMs, signal);
    if (permit === null) {
      if (signal?.aborted) throw new AbortedError(`call to ${addr}`, { cause: signal.reason });
      if (timeoutMs <= 0) throw new RemotingTooMuchRequestError(addr, `${what} invoke too fast`);
      throw new RemotingTooMuchRequestError(
        addr,
        `${what} tryAcquire semaphore timeout, ${timeoutMs}ms, waiting thread nums: ${semaphore.queueLength} ${valueName}: ${semaphore.availablePermits}`,
      );
    }
    if (performance.now() - begin > timeoutMs) {
      permit.release();
      throw new RemotingTimeoutError(addr, timeoutMs, performance.now() - begin, undefined, `${what} call timeout`);
    }
    return permit;
  }

  private runCallback(callback: InvokeCallback, future: ResponseFuture): void {
    try {
      callback(future);
    } catch (error) {
      this.logger.error({ err: error, addr: future.addr }, `invokeAsync callback for ${future.addr} threw`);
    }
  }

  private openChannel(addr: string): Channel | null {
    if (this.closed) return null;
    const channel = this.slots.get(addr)?.channel;
    return channel != null && !channel.closed ? channel : null;
  }

  /** Waits for the shared connect of `addr`, bounded by the call's own remaining time. */
  private channelFor(addr: string, timeoutMs: number, begin: number, signal?: AbortSignal): Promise<Channel> {
    if (this.closed) return Promise.reject(new EngineClosedError('RemotingClient'));
    let slot = this.slots.get(addr);
    if (slot === undefined || (slot.connecting === null && (slot.channel === null || slot.channel.closed))) {
      const fresh: ChannelSlot = { channel: null, connecting: null, abort: new AbortController() };
      fresh.connecting = this.connect(addr, fresh);
      this.slots.set(addr, fresh);
      slot = fresh;
    }
    const connecting = slot.connecting ?? Promise.resolve(slot.channel!);
    const remaining = timeoutMs - (performance.now() - begin);
    return new Promise<Channel>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        reject(new RemotingTimeoutError(addr, timeoutMs, performance.now() - begin, undefined, `invokeSync call the addr[${addr}] timeout (still connecting)`));
      }, timerDelay(remaining));
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new AbortedError(`call to ${addr}`, { cause: signal?.reason }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      connecting.then(
        (channel) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(channel);
        },
        (error: unknown) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  private async connect(addr: string, slot: ChannelSlot): Promise<Channel> {
    const connectTimeoutMs = this.options.connectTimeoutMs ?? 3000;
    let stream: Duplex;
    try {
      stream = await this.openStream(addr, connectTimeoutMs, slot.abort.signal);
    } catch (error) {
      if (this.slots.get(addr) === slot) this.slots.delete(addr);
      throw error instanceof RemotingError && error.code !== 'INVALID_ARGUMENT' ? error : new RemotingConnectError(addr, { cause: error, reason: (error as Error).message });
    }
    if (this.closed || slot.abort.signal.aborted) {
      stream.destroy();
      throw new EngineClosedError('RemotingClient');
    }
    const channel = new Channel(stream, {
      remoteAddress: addr,
      localAddress: stream instanceof net.Socket ? `${stream.localAddress}:${stream.localPort}` : '',
      maxFrameLength: this.options.maxFrameLength,
      maxIdleMs: this.options.maxIdleMs ?? 120_000,
      counters: this.ioCounters,
      limits: this.limits,
    });
    slot.channel = channel;
    slot.connecting = null;
    this.adoptChannel(channel, addr, () => this.closeChannelIfCurrent(addr, channel));
    return channel;
  }

  private closeChannelIfCurrent(addr: string, channel: Channel): void {
    const slot = this.slots.get(addr);
    if (slot?.channel === channel) this.slots.delete(addr);
    channel.close();
  }

  private openStream(addr: string, connectTimeoutMs: number, signal: AbortSignal): Promise<Duplex> {
    if (this.options.connector !== undefined) {
      return withTimeout(Promise.resolve(this.options.connector(addr, signal)), connectTimeoutMs, addr);
    }
    const { host, port } = parseAddress(addr);
    return new Promise<Duplex>((resolve, reject) => {
      const tlsOptions = this.options.tls;
      const socket: net.Socket = tlsOptions
        ? tls.connect({ ...(tlsOptions === true ? {} : tlsOptions), host, port, servername: net.isIP(host) ? undefined : host })
        : net.connect({ host, port, noDelay: true });
      const readyEvent = tlsOptions ? 'secureConnect' : 'connect';
      const fail = (error: Error): void => {
        cleanup();
        socket.destroy();
        reject(new RemotingConnectError(addr, { cause: error, reason: error.message }));
      };
      const onError = (error: Error): void => fail(error);
      const onAbort = (): void => fail(new EngineClosedError('RemotingClient'));
      const timer = setTimeout(() => fail(new Error(`no connection within ${connectTimeoutMs} ms`)), timerDelay(connectTimeoutMs));
      const cleanup = (): void => {
        clearTimeout(timer);
        socket.off('error', onError);
        signal.removeEventListener('abort', onAbort);
      };
      socket.once(readyEvent, () => {
        cleanup();
        socket.setNoDelay(true);
        resolve(socket);
      });
      socket.on('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

}

/** Bounds a custom connector; a stream that shows up after the deadline is destroyed, not leaked. */
function withTimeout(promise: Promise<Duplex>, ms: number, addr: string): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      reject(new RemotingConnectError(addr, { reason: `no connection within ${ms} ms` }));
    }, timerDelay(ms));
    promise.then(
      (stream) => {
        clearTimeout(timer);
        if (expired) stream.destroy();
        else resolve(stream);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
